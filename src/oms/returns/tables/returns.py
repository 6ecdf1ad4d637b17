"""Returns (RMAs), their lines, exchanges and claims.

A return is one row in ``returns`` and a row per order line in ``return_lines``; its lines keep
the units asked back and what became of them (``received_quantity``, ``inspected_quantity`` with
the line's ``disposition``); CHECKs keep inspected <= received <= quantity. The order's number
and channel are copied onto the return (they never change) so that the returns desk's list reads
one table. The label's document (a PDF, a carrier's label) sits in ``label`` and is read only
when asked for: the aggregate never loads it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
    text,
)

from oms.platform.database import UTCDateTime, metadata

returns = Table(
    "returns",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", String(20), nullable=True, unique=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("order_number", String(20), nullable=False),
    Column("channel_code", String(40), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("source", String(10), nullable=False),
    Column("receiving_location_code", String(40), nullable=True),
    Column("return_shipping_paid_by", String(10), nullable=False),
    Column("resolution", String(20), nullable=True),
    Column("restocking_fee_minor", BigInteger, nullable=False, server_default=text("0")),
    Column("refund_minor", BigInteger, nullable=True),
    Column("currency", String(3), nullable=False),
    Column("label_shipment_tracking", String(60), nullable=True),
    Column("label", LargeBinary, nullable=True),
    Column("exchange_order_id", Uuid, ForeignKey("orders.id"), nullable=True),
    Column("note", String(1000), nullable=False, server_default=text("''")),
    Column("evidence", JSON, nullable=False),
    Column("decline_reason", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("approved_at", UTCDateTime, nullable=True),
    Column("received_at", UTCDateTime, nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("cancelled_at", UTCDateTime, nullable=True),
    Column("declined_at", UTCDateTime, nullable=True),
    Column("created_by", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    CheckConstraint("version >= 1", name="version_positive"),
    CheckConstraint("kind IN ('return', 'exchange', 'claim')", name="kind_known"),
    CheckConstraint("source IN ('staff', 'customer')", name="source_known"),
    CheckConstraint("restocking_fee_minor >= 0", name="fee_not_negative"),
    CheckConstraint("refund_minor IS NULL OR refund_minor >= 0", name="refund_not_negative"),
    Index("ix_returns_order", "order_id"),
    Index("ix_returns_desk", "status", "created_at", "id"),
    Index("ix_returns_location", "receiving_location_code", "status", "created_at"),
)
"""One return, exchange or claim of one order. The desk's list pages by (created_at, id),
filtered by status and receiving location."""

return_lines = Table(
    "return_lines",
    metadata,
    Column("return_id", Uuid, ForeignKey("returns.id"), nullable=False),
    Column("line_id", Uuid, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("reason", String(30), nullable=False),
    Column("note", String(500), nullable=True),
    Column("received_quantity", Integer, nullable=False, server_default=text("0")),
    Column("disposition", String(20), nullable=True),
    Column("inspected_quantity", Integer, nullable=False, server_default=text("0")),
    Column("unit_refund_minor", BigInteger, nullable=True),
    PrimaryKeyConstraint("return_id", "line_id"),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint(
        "received_quantity >= 0 AND received_quantity <= quantity", name="received_within"
    ),
    CheckConstraint(
        "inspected_quantity >= 0 AND inspected_quantity <= received_quantity",
        name="inspected_within",
    ),
    Index("ix_return_lines_reason", "reason", "return_id"),
)
"""Units of one order line asked back and what became of them."""

return_counters = Table(
    "return_counters",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
"""The RMA counter row. Approvals are few next to placements, so one row serves both databases
(its row lock orders concurrent approvals on PostgreSQL; a rolled-back approval leaves no gap,
and none is required)."""
