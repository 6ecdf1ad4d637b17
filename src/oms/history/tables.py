"""Tables of the history context: what each import read and what the past became.

The imported orders themselves live in the orders context's tables (``orders``, ``order_lines``,
``order_charges``), their returns in ``returns``/``return_lines``, their customers and products in
customers' and catalog's: ADR 0014. These tables keep what has no home there: one row per import
run, one row per source document (invoice) consumed, so that a rerun skips it, and the credits
that match no order.
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
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from oms.platform.database import UTCDateTime, metadata

history_imports = Table(
    "history_imports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("channel_code", String(40), nullable=False),
    Column("format", String(20), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=False),
    Column("summary", JSON, nullable=False),
    Column("rejects", Text, nullable=False),
    Index("ix_history_imports_started", "started_at"),
)
"""One row per import run (a rerun that imports nothing new too): its summary and its rejects
file (CSV). The id is the job's id when the run was a job."""

DOCUMENT_KINDS = ("order", "cancellation", "adjustment")

history_documents = Table(
    "history_documents",
    metadata,
    Column("channel_code", String(40), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("import_id", Uuid, ForeignKey("history_imports.id"), nullable=False),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=True),
    Column("customer_ref", String(100), nullable=True),
    Column("source_country", String(60), nullable=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("channel_code", "external_id"),
    CheckConstraint("kind IN ('order', 'cancellation', 'adjustment')", name="kind_known"),
    Index("ix_history_documents_import", "import_id"),
    Index("ix_history_documents_order", "order_id"),
)
"""Every source document an import consumed, by (channel, document number): an ``order`` (its
``order_id``), a ``cancellation`` (a credit note: returns and/or credits) or an ``adjustment``
(bad debt). A rerun skips documents found here, which is what makes it change nothing.
``customer_ref`` is the source's customer id (NULL: a guest); ``source_country`` the country as
the source wrote it (``EIRE``), next to the ISO code on the order's address."""

CREDIT_KINDS = (
    "return",
    "shipping",
    "fee",
    "discount",
    "adjustment",
    "manual",
    "other",
    "bad_debt",
)

history_credits = Table(
    "history_credits",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("import_id", Uuid, ForeignKey("history_imports.id"), nullable=False),
    Column("channel_code", String(40), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("customer_id", Uuid, ForeignKey("customers.id"), nullable=True),
    Column("variant_id", Uuid, ForeignKey("product_variants.id"), nullable=True),
    Column("kind", String(20), nullable=False),
    Column("code", String(64), nullable=False),
    Column("description", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("reason", String(200), nullable=False),
    UniqueConstraint("channel_code", "external_id", "line_no"),
    CheckConstraint(
        "kind IN ('return', 'shipping', 'fee', 'discount', 'adjustment', 'manual', 'other', "
        "'bad_debt')",
        name="kind_known",
    ),
    Index("ix_history_credits_occurred", "occurred_at"),
    Index("ix_history_credits_customer", "customer_id", "occurred_at"),
)
"""Credit-note lines that could not become a return of an imported order's units: units of a
product with no earlier unreturned sale to the same customer (``kind`` ``return``), non-product
lines (postage refunded, fees, discounts, manual credits) and bad-debt adjustments.
``quantity`` and ``amount_minor`` are signed as in the source (Quantity, Quantity x UnitPrice
rounded to minor units): negative is money back to the customer. ``line_no`` is the document's
line; ``customer_id`` NULL for a credit note without a customer."""
