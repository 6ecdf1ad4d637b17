"""Tables of the sourcing context: each channel's rules, every version kept, and how many
fulfilment orders each location took per day (its load, against its daily capacity)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
)

from oms.platform.database import UTCDateTime, metadata

sourcing_rules = Table(
    "sourcing_rules",
    metadata,
    Column("channel_code", String(40), ForeignKey("channels.code"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("rules", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    PrimaryKeyConstraint("channel_code", "version"),
    CheckConstraint("version >= 1", name="version_positive"),
)
"""Every version of every channel's rules (version 0, the default, is never stored). A change
inserts version n + 1; the primary key makes two concurrent changes over the same version
collide instead of both winning. Reference data (ADR 0008): cached, its triggers move the
reference version."""

location_daily_load = Table(
    "location_daily_load",
    metadata,
    Column("location_id", Uuid, ForeignKey("locations.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("orders", Integer, nullable=False),
    PrimaryKeyConstraint("location_id", "day"),
    CheckConstraint("orders >= 0", name="orders_not_negative"),
)
"""Fulfilment orders created per location and day (the location's time zone is not applied:
days are UTC). Live data, read by the engine through a short-lived snapshot."""
