"""Tables of the refund policy (reason codes, limits per role) and of goodwill refunds."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
)

from oms.platform.database import UTCDateTime, metadata

refund_reasons = Table(
    "refund_reasons",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("description", String(200), nullable=False),
    Column("position", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""The reason codes a goodwill refund may give, in the order an admin listed them."""

refund_limits = Table(
    "refund_limits",
    metadata,
    Column("role", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("limit_minor", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("role", "currency"),
    CheckConstraint("limit_minor >= 0", name="refund_limit_not_negative"),
)
"""How much a role may refund at once, per currency (domain/refund_policy.py has the rule)."""

goodwill_refunds = Table(
    "goodwill_refunds",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("customer_id", Uuid, nullable=False),
    Column("reason", String(40), nullable=False),
    Column("note", String(1000), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("destination", String(20), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("amount_minor > 0", name="goodwill_refund_positive"),
    Index("ix_goodwill_refunds_order", "order_id", "created_at"),
    Index("ix_goodwill_refunds_customer", "customer_id"),
)
"""A refund not tied to a return: why, how much, where to, who. Written in the transaction that
begins its parts' refunds, so a refund is never recorded without them or begun without it.
``customer_id`` is the order's buyer: erasing the customer blanks the staff's free-text
``note`` on their refunds (ADR 0005: free text may name anyone)."""

goodwill_refund_parts = Table(
    "goodwill_refund_parts",
    metadata,
    Column("refund_id", Uuid, ForeignKey("goodwill_refunds.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("payment_id", Uuid, nullable=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("transaction_id", Uuid, nullable=False),
    PrimaryKeyConstraint("refund_id", "position"),
    CheckConstraint("amount_minor > 0", name="goodwill_refund_part_positive"),
)
"""Each tender's share of a goodwill refund and the refund transaction begun for it on that
tender (``payment_id`` null: the buyer's store credit, and the credit entry's id)."""
