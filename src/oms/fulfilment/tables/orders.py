"""Fulfilment orders, their lines and each location's fulfilment settings.

A fulfilment order (FO) is the work of one location for one order. Its lines keep the units the
location was given (``quantity``) and what became of them: shipped, or taken away again
(``cancelled_quantity``: cancelled on the order or re-sourced elsewhere). What is left is open:
``quantity - shipped_quantity - cancelled_quantity``, and the CHECK keeps it from going negative.
The location's code, the order's number and channel are copied onto the FO (codes and numbers
never change) so that a location's queue reads one index without joining orders.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
    text,
)
from sqlalchemy.types import Date

from oms.platform.database import UTCDateTime, metadata

fulfilment_orders = Table(
    "fulfilment_orders",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("order_number", String(20), nullable=False),
    Column("channel_code", String(40), nullable=False),
    Column("location_id", Uuid, ForeignKey("locations.id"), nullable=False),
    Column("location_code", String(40), nullable=False),
    Column("delivery", String(10), nullable=False),
    Column("pickup_location_code", String(40), nullable=True),
    Column("status", String(20), nullable=False),
    Column("held_from", String(20), nullable=True),
    Column("reject_reason", String(30), nullable=True),
    Column("reject_note", String(500), nullable=True),
    Column("ship_by", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("shipped_at", UTCDateTime, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("ready_at", UTCDateTime, nullable=True),
    Column("picked_up_at", UTCDateTime, nullable=True),
    Column("cancelled_at", UTCDateTime, nullable=True),
    Column("pickup_code_hash", String(200), nullable=True),
    Column("pickup_code_attempts", Integer, nullable=False, server_default=text("0")),
    Column("pickup_expires_on", Date, nullable=True),
    Column("version", Integer, nullable=False),
    CheckConstraint("version >= 1", name="version_positive"),
    CheckConstraint("delivery IN ('ship', 'pickup')", name="delivery_known"),
    Index("ix_fulfilment_orders_queue", "location_id", "status", "ship_by"),
    Index("ix_fulfilment_orders_order", "order_id"),
    Index("ix_fulfilment_orders_late", "status", "ship_by"),
)
"""One location's work for one order. ``ship_by`` is the promise (see
``oms.fulfilment.domain.fulfilment_orders.promise``); a location's queue reads
(location, status, ship_by), the late list (status, ship_by)."""

fulfilment_order_lines = Table(
    "fulfilment_order_lines",
    metadata,
    Column("fulfilment_order_id", Uuid, ForeignKey("fulfilment_orders.id"), nullable=False),
    Column("line_id", Uuid, nullable=False),
    Column("order_id", Uuid, nullable=False),
    Column("variant_id", Uuid, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("shipped_quantity", Integer, nullable=False, server_default=text("0")),
    Column("cancelled_quantity", Integer, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("fulfilment_order_id", "line_id"),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("shipped_quantity >= 0 AND cancelled_quantity >= 0", name="units_not_negative"),
    CheckConstraint("shipped_quantity + cancelled_quantity <= quantity", name="units_within"),
)
"""Units of one order line given to the FO's location, and what became of them."""

location_fulfilment = Table(
    "location_fulfilment",
    metadata,
    Column("location_id", Uuid, ForeignKey("locations.id"), primary_key=True),
    Column("cutoff_time", String(5), nullable=False, server_default=text("'15:00'")),
    Column("timezone", String(60), nullable=False, server_default=text("'Europe/Berlin'")),
    Column("handling_days", Integer, nullable=False, server_default=text("1")),
    Column("pickup_hold_days", Integer, nullable=False, server_default=text("7")),
    Column("carrier", String(40), nullable=True),
    Column("carrier_service", String(60), nullable=True),
    Column("carrier_config", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("handling_days >= 1", name="handling_days_positive"),
    CheckConstraint("pickup_hold_days >= 1", name="pickup_hold_days_positive"),
)
"""A location's fulfilment settings; a location without a row has the defaults
(``LocationSettings.default``). ``carrier_config`` holds non-secret settings only: secrets come
from the environment (``OMS_CARRIER_<LOCATION>_...``)."""
