"""Tables of invoices and credit notes. Money is integer minor units in the document's
``currency``; a document and its lines are inserted once and never changed."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
)

from oms.platform.database import UTCDateTime, metadata

invoice_counters = Table(
    "invoice_counters",
    metadata,
    Column("series", String(10), nullable=False),
    Column("year", Integer, nullable=False),
    Column("last_number", BigInteger, nullable=False),
    PrimaryKeyConstraint("series", "year"),
    CheckConstraint("last_number >= 0", name="last_number_not_negative"),
)
"""The last number issued per series and year. Issuing locks the row, then raises it by one in
the document's transaction: a rolled-back issue gives its number back, so numbers have no
gaps, and two issues never share one."""

invoices = Table(
    "invoices",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("number", String(30), nullable=False, unique=True),
    Column("issue_key", String(80), nullable=True, unique=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("order_number", String(20), nullable=False),
    Column("channel_code", String(40), nullable=False),
    Column("customer_id", Uuid, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("locale", String(20), nullable=False),
    Column("prices_include_tax", Boolean, nullable=False),
    Column("seller", JSON, nullable=False),
    Column("buyer", JSON, nullable=False),
    Column("net_minor", BigInteger, nullable=False),
    Column("tax_minor", BigInteger, nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("ordered_at", UTCDateTime, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("paid", Boolean, nullable=False),
    Column("credited_id", Uuid, ForeignKey("invoices.id"), nullable=True),
    Column("erasure_requested_at", UTCDateTime, nullable=True),
    CheckConstraint("kind IN ('invoice', 'credit_note')", name="kind_known"),
    CheckConstraint(
        "(kind = 'credit_note') = (credited_id IS NOT NULL)", name="credit_note_credits_invoice"
    ),
    Index("ix_invoices_order", "order_id", "issued_at"),
    Index("ix_invoices_customer", "customer_id"),
)
"""Invoices and credit notes (``kind``). ``seller`` and ``buyer`` are the parties as printed
(name and address, JSON); the totals repeat the lines' sums for lists and reports.
``issue_key`` says what issued a document, so a redelivered event issues nothing twice. A
document is never updated, but for ``erasure_requested_at`` (its buyer's erasure, ADR 0007)."""

invoice_lines = Table(
    "invoice_lines",
    metadata,
    Column("invoice_id", Uuid, ForeignKey("invoices.id"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("order_line_id", Uuid, nullable=True),
    Column("sku", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("discount_minor", BigInteger, nullable=False),
    Column("tax_rate", String(12), nullable=False),
    Column("tax_minor", BigInteger, nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    PrimaryKeyConstraint("invoice_id", "line_no"),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)
"""A document's lines; ``tax_rate`` is a decimal string (SQLite has no exact NUMERIC)."""
