"""Tables of the auth context."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, Uuid

from oms.platform.database import UTCDateTime, metadata

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("channel_id", Uuid, ForeignKey("channels.id"), nullable=True),
    Column("channel_code", String(40), nullable=True),
    Column("location_code", String(40), ForeignKey("locations.code"), nullable=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("display_prefix", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)
