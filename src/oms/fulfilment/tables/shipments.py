"""Shipments (one per package), their lines and tracking events.

A shipment is one package: one label, one tracking number, the units of the order lines packed
in it. Its ``status`` is the latest tracking event's (by ``occurred_at``), written with the
event so that lists need no join. Tracking events are kept, all of them, in the order they
happened and in the order they arrived (``received_at``); the unique key makes a duplicate
(same shipment, status, time and place) a no-op, whichever way it comes (API, CSV, carrier).
``location`` takes part in the unique key, so it is stored as ``''`` when unknown: NULLs never
compare equal in a unique index, and a duplicate without a place would slip through.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    text,
)

from oms.platform.database import UTCDateTime, metadata

shipments = Table(
    "shipments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", String(40), nullable=False, unique=True),
    Column("fulfilment_order_id", Uuid, ForeignKey("fulfilment_orders.id"), nullable=False),
    Column("order_id", Uuid, nullable=False),
    Column("location_code", String(40), nullable=False),
    Column("carrier", String(40), nullable=False),
    Column("service", String(60), nullable=False),
    Column("tracking_number", String(60), nullable=True),
    Column("tracking_url", String(300), nullable=True),
    Column("status", String(30), nullable=False),
    Column("weight_grams", Integer, nullable=False),
    Column("length_mm", Integer, nullable=True),
    Column("width_mm", Integer, nullable=True),
    Column("height_mm", Integer, nullable=True),
    Column("label_format", String(10), nullable=True),
    Column("label", LargeBinary, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("shipped_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("last_event_at", UTCDateTime, nullable=True),
    Column("kind", String(10), nullable=False),
    CheckConstraint("weight_grams > 0", name="weight_positive"),
    CheckConstraint("kind IN ('parcel', 'transfer')", name="kind_known"),
    Index("ix_shipments_fulfilment_order", "fulfilment_order_id"),
    Index("ix_shipments_order", "order_id"),
    Index("ix_shipments_tracking_number", "tracking_number"),
)
"""One package. ``last_event_at`` is the time of the event whose status the shipment shows."""

shipment_lines = Table(
    "shipment_lines",
    metadata,
    Column("shipment_id", Uuid, ForeignKey("shipments.id"), nullable=False),
    Column("line_id", Uuid, nullable=False),
    Column("quantity", Integer, nullable=False),
    PrimaryKeyConstraint("shipment_id", "line_id"),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)
"""Units of an order line in the package."""

tracking_events = Table(
    "tracking_events",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("shipment_id", Uuid, ForeignKey("shipments.id"), nullable=False),
    Column("status", String(30), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("location", String(200), nullable=False, server_default=text("''")),
    Column("description", String(500), nullable=False),
    Column("source", String(20), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    UniqueConstraint(
        "shipment_id", "status", "occurred_at", "location", name="uq_tracking_events_once"
    ),
)
"""What the carrier saw happen to a package, when and where (``''``: not said)."""
