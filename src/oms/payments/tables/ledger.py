"""Tables of the payment ledger: tenders (``payments``) and their ``payment_transactions``.

Money is integer minor units in the payment's ``currency`` (the order's). A transaction is
appended, settled at most once, and never deleted: triggers on both databases refuse a DELETE
and any UPDATE of a transaction that is already final (``succeeded`` or ``failed``). The DDL
lives in the constants below so that migration 0011 creates exactly the same.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    event,
    text,
)

from oms.platform.database import UTCDateTime, metadata

payments = Table(
    "payments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("channel_code", String(40), nullable=False),
    Column("customer_id", Uuid, nullable=True),
    Column("provider", String(20), nullable=False),
    Column("method", String(30), nullable=True),
    Column("status", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("provider_reference", String(255), nullable=True),
    Column("capture_at_once", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("provider", "provider_reference", name="uq_payments_provider_reference"),
    CheckConstraint("amount_minor > 0", name="payment_amount_positive"),
    Index("ix_payments_order", "order_id", "created_at"),
    Index(
        "ix_payments_failed",
        "created_at",
        "order_id",
        postgresql_where=text("status = 'failed'"),
        sqlite_where=text("status = 'failed'"),
    ),
)
"""One tender of an order. ``status`` is derived from the transactions and written with them
(for lists and reports); the unique reference stops one PaymentIntent becoming two tenders."""

payment_transactions = Table(
    "payment_transactions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("payment_id", Uuid, ForeignKey("payments.id"), nullable=False),
    Column("order_id", Uuid, nullable=False),
    Column("provider", String(20), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("status", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("provider_reference", String(255), nullable=True),
    Column("failure_code", String(100), nullable=True),
    Column("failure_message", String(500), nullable=True),
    Column("reason", String(200), nullable=True),
    Column("actor", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("settled_at", UTCDateTime, nullable=True),
    CheckConstraint(
        "amount_minor > 0 OR (kind = 'void' AND amount_minor = 0)",
        name="transaction_amount_positive",
    ),
    Index("ix_payment_transactions_payment", "payment_id", "created_at"),
    Index("ix_payment_transactions_order", "order_id", "created_at"),
    Index("ix_payment_transactions_status", "status", "created_at"),
    Index("ix_payment_transactions_reference", "provider", "provider_reference"),
    Index("ix_payment_transactions_settled", "provider", "settled_at"),
)
"""The ledger. ``order_id`` and ``provider`` are copied from the payment so that an order's
sums, the sweeper's pending rows (status, created_at) and reconciliation by provider reference
or settlement time each read one index. A void of a tender never authorised moves nothing
(amount 0); every other movement is positive."""

APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER payment_transactions_no_delete BEFORE DELETE ON payment_transactions "
    "BEGIN SELECT RAISE(ABORT, 'payment_transactions is append-only'); END",
    "CREATE TRIGGER payment_transactions_settle_once BEFORE UPDATE ON payment_transactions "
    "WHEN OLD.status NOT IN ('pending', 'requires_action') "
    "BEGIN SELECT RAISE(ABORT, 'a settled payment transaction never changes'); END",
)
"""SQLite triggers: no DELETE, no UPDATE of a final transaction."""

DROP_APPEND_ONLY_SQLITE = (
    "DROP TRIGGER IF EXISTS payment_transactions_no_delete",
    "DROP TRIGGER IF EXISTS payment_transactions_settle_once",
)

APPEND_ONLY_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION payment_transactions_refuse_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'DELETE' OR OLD.status NOT IN ('pending', 'requires_action') THEN "
    "RAISE EXCEPTION 'payment_transactions is append-only; a settled transaction never "
    "changes' USING ERRCODE = 'restrict_violation'; "
    "END IF; "
    "RETURN NEW; END $$",
    "CREATE TRIGGER payment_transactions_append_only BEFORE UPDATE OR DELETE "
    "ON payment_transactions FOR EACH ROW EXECUTE FUNCTION payment_transactions_refuse_change()",
)
"""PostgreSQL trigger function and trigger: the same rules."""

DROP_APPEND_ONLY_POSTGRESQL = (
    "DROP TRIGGER IF EXISTS payment_transactions_append_only ON payment_transactions",
    "DROP FUNCTION IF EXISTS payment_transactions_refuse_change()",
)


def _on(when: str, dialect: str, statements: tuple[str, ...]) -> None:
    for statement in statements:
        ddl = DDL(statement)  # type: ignore[no-untyped-call]
        event.listen(payment_transactions, when, ddl.execute_if(dialect=dialect))


_on("after_create", "sqlite", APPEND_ONLY_SQLITE)
_on("after_create", "postgresql", APPEND_ONLY_POSTGRESQL)
_on("after_drop", "postgresql", DROP_APPEND_ONLY_POSTGRESQL[1:])
