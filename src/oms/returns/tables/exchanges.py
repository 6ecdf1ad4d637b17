"""What an exchange sends in place of the goods that come back: one replacement per returned
order line (``return_replacements``)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
)

from oms.platform.database import metadata

return_replacements = Table(
    "return_replacements",
    metadata,
    Column("return_id", Uuid, ForeignKey("returns.id"), nullable=False),
    Column("line_id", Uuid, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("charged_unit_minor", BigInteger, nullable=True),
    Column("refund_minor", BigInteger, nullable=True),
    PrimaryKeyConstraint("return_id", "line_id"),
    CheckConstraint("quantity > 0", name="replacement_quantity_positive"),
    CheckConstraint("unit_price_minor >= 0", name="replacement_price_not_negative"),
    CheckConstraint(
        "charged_unit_minor IS NULL OR charged_unit_minor >= 0", name="charged_not_negative"
    ),
    CheckConstraint("refund_minor IS NULL OR refund_minor >= 0", name="difference_not_negative"),
)
"""Written with the exchange (``unit_price``: the channel's price when it was asked for); the
price difference is settled at approval: ``charged_unit_minor`` is what one replacement unit
costs on the linked order (the difference, never below zero), ``refund_minor`` what is given
back after the goods arrive when the replacement is cheaper. ``line_id`` is the returned order
line (the return's line)."""
