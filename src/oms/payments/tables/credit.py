"""Tables of store credit: one balance row per customer and currency, and the entries' ledger.

``store_credit_accounts.balance_minor`` changes only by one conditional UPDATE per entry, in the
transaction that appends the entry (``repository/credit.py``), and a CHECK keeps it at zero or
above whatever a writer does. ``store_credit_entries`` is append-only: triggers refuse UPDATE and
DELETE on both databases, as for the stock ledger (all but the free-text ``reason``, which
erasing the customer blanks).
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
    event,
)

from oms.platform.database import BigId, UTCDateTime, metadata

store_credit_accounts = Table(
    "store_credit_accounts",
    metadata,
    Column("customer_id", Uuid, ForeignKey("customers.id"), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("balance_minor", BigInteger, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("customer_id", "currency"),
    CheckConstraint("balance_minor >= 0", name="store_credit_not_negative"),
)
"""A customer's balance in one currency: the row every entry of that currency updates."""

store_credit_entries = Table(
    "store_credit_entries",
    metadata,
    Column("position", BigId, primary_key=True, autoincrement=True),
    Column("id", Uuid, nullable=False, unique=True),
    Column("customer_id", Uuid, ForeignKey("customers.id"), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("balance_after_minor", BigInteger, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("order_id", Uuid, nullable=True),
    Column("payment_id", Uuid, nullable=True),
    Column("source_id", Uuid, nullable=True, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("amount_minor > 0", name="store_credit_entry_positive"),
    CheckConstraint("balance_after_minor >= 0", name="store_credit_entry_balance_not_negative"),
    Index("ix_store_credit_entries_history", "customer_id", "position"),
)
"""The ledger: never updated or deleted. ``position`` orders it as the balances moved (an entry
is inserted while its balance row is locked, so one account's positions follow its commits,
where the transactions' start times need not). ``source_id`` (the payment transaction or refund
that caused an entry) is unique, so the same cause never moves a balance twice."""

FACTS = (
    "position, id, customer_id, currency, kind, amount_minor, balance_after_minor, actor, "
    "order_id, payment_id, source_id, created_at"
)
"""Every column but ``reason``: the triggers refuse changing any of them. ``reason`` is free text
typed by staff and may be blanked when the customer is erased (ADR 0005)."""

APPEND_ONLY_SQLITE = (
    f"CREATE TRIGGER store_credit_entries_no_update BEFORE UPDATE OF {FACTS} "
    "ON store_credit_entries "
    "BEGIN SELECT RAISE(ABORT, 'store_credit_entries is append-only'); END",
    "CREATE TRIGGER store_credit_entries_no_delete BEFORE DELETE ON store_credit_entries "
    "BEGIN SELECT RAISE(ABORT, 'store_credit_entries is append-only'); END",
)
APPEND_ONLY_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION store_credit_entries_refuse_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'store_credit_entries is append-only' USING ERRCODE = 'restrict_violation'; "
    "END $$",
    f"CREATE TRIGGER store_credit_entries_append_only BEFORE UPDATE OF {FACTS} OR DELETE "
    "ON store_credit_entries FOR EACH ROW EXECUTE FUNCTION store_credit_entries_refuse_change()",
)
DROP_APPEND_ONLY_POSTGRESQL = (
    "DROP TRIGGER IF EXISTS store_credit_entries_append_only ON store_credit_entries",
    "DROP FUNCTION IF EXISTS store_credit_entries_refuse_change()",
)


def _on(when: str, dialect: str, statements: tuple[str, ...]) -> None:
    for statement in statements:
        ddl = DDL(statement)  # type: ignore[no-untyped-call]
        event.listen(store_credit_entries, when, ddl.execute_if(dialect=dialect))


_on("after_create", "sqlite", APPEND_ONLY_SQLITE)
_on("after_create", "postgresql", APPEND_ONLY_POSTGRESQL)
_on("after_drop", "postgresql", DROP_APPEND_ONLY_POSTGRESQL[1:])
