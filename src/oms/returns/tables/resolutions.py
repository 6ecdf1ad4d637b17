"""The refunds a return's resolution decided: one row per purpose, recorded under the return's
lock before payments is asked, so the refund's id is known before any money moves."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)

from oms.platform.database import UTCDateTime, metadata

return_refunds = Table(
    "return_refunds",
    metadata,
    Column("refund_id", Uuid, primary_key=True),
    Column("return_id", Uuid, ForeignKey("returns.id"), nullable=False),
    Column("order_id", Uuid, nullable=False),
    Column("purpose", String(20), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("destination", String(20), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("return_id", "purpose", name="uq_return_refunds_purpose"),
    CheckConstraint("amount_minor > 0", name="return_refund_positive"),
    CheckConstraint("purpose IN ('resolution', 'price_difference')", name="return_refund_purpose"),
)
"""``refund_id`` is the id payments gives the refund (``payments.refund_order(refund_id=...)``):
asking payments again with it refunds nothing more. ``purpose``: ``resolution`` (a return's or
claim's refund) or ``price_difference`` (an exchange for something cheaper); one each at most.
``order_id`` is a plain id, as payments keys the refund by it (the return knows its order)."""
