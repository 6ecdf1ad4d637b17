"""channel payment settings, store credit, refund reasons and limits, goodwill refunds

Channels gain ``payment_before_confirmation``, ``capture`` and ``invoice_on`` (existing channels
take the defaults: confirm without payment, capture at placement, invoice on capture). Store
credit is a balance row per customer and currency (never below zero, by CHECK) and an
append-only ledger of entries (triggers refuse UPDATE and DELETE, frozen copies of the DDL in
``oms.payments.tables.credit``). Refund reason codes and limits per role; goodwill refunds and
each tender's share of them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from oms.platform.database import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACTS = (
    "position, id, customer_id, currency, kind, amount_minor, balance_after_minor, actor, "
    "order_id, payment_id, source_id, created_at"
)
"""Every column of an entry but its free-text ``reason`` (blanked when the customer is erased)."""

APPEND_ONLY = {
    "sqlite": (
        f"CREATE TRIGGER store_credit_entries_no_update BEFORE UPDATE OF {FACTS} "
        "ON store_credit_entries "
        "BEGIN SELECT RAISE(ABORT, 'store_credit_entries is append-only'); END",
        "CREATE TRIGGER store_credit_entries_no_delete BEFORE DELETE ON store_credit_entries "
        "BEGIN SELECT RAISE(ABORT, 'store_credit_entries is append-only'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION store_credit_entries_refuse_change() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'store_credit_entries is append-only' "
        "USING ERRCODE = 'restrict_violation'; END $$",
        f"CREATE TRIGGER store_credit_entries_append_only BEFORE UPDATE OF {FACTS} OR DELETE "
        "ON store_credit_entries FOR EACH ROW "
        "EXECUTE FUNCTION store_credit_entries_refuse_change()",
    ),
}
DROP_APPEND_ONLY = {
    "sqlite": (
        "DROP TRIGGER IF EXISTS store_credit_entries_no_update",
        "DROP TRIGGER IF EXISTS store_credit_entries_no_delete",
    ),
    "postgresql": (
        "DROP TRIGGER IF EXISTS store_credit_entries_append_only ON store_credit_entries",
        "DROP FUNCTION IF EXISTS store_credit_entries_refuse_change()",
    ),
}


def _channel_settings() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column(
            "payment_before_confirmation", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column(
            "capture", sa.String(20), server_default=sa.text("'at_placement'"), nullable=False
        ),
        sa.Column("invoice_on", sa.String(20), server_default=sa.text("'capture'"), nullable=False),
    )


def upgrade() -> None:
    # In place on SQLite too: a batch copy would drop ``channels``, which others reference.
    with op.batch_alter_table("channels", recreate="never") as batch_op:
        for column in _channel_settings():
            batch_op.add_column(column)
    _store_credit()
    _refund_policy()
    _goodwill_refunds()


def _store_credit() -> None:
    op.create_table(
        "store_credit_accounts",
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("balance_minor >= 0", name="store_credit_not_negative"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("customer_id", "currency"),
    )
    op.create_table(
        "store_credit_entries",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("balance_after_minor", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="store_credit_entry_positive"),
        sa.CheckConstraint(
            "balance_after_minor >= 0", name="store_credit_entry_balance_not_negative"
        ),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("position"),
        sa.UniqueConstraint("id"),
        sa.UniqueConstraint("source_id"),
    )
    op.create_index(
        "ix_store_credit_entries_history", "store_credit_entries", ["customer_id", "position"]
    )
    for statement in APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)


def _refund_policy() -> None:
    op.create_table(
        "refund_reasons",
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "refund_limits",
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("limit_minor", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("limit_minor >= 0", name="refund_limit_not_negative"),
        sa.PrimaryKeyConstraint("role", "currency"),
    )


def _goodwill_refunds() -> None:
    op.create_table(
        "goodwill_refunds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("note", sa.String(1000), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("destination", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="goodwill_refund_positive"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_goodwill_refunds_order", "goodwill_refunds", ["order_id", "created_at"])
    op.create_index("ix_goodwill_refunds_customer", "goodwill_refunds", ["customer_id"])
    op.create_table(
        "goodwill_refund_parts",
        sa.Column("refund_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("transaction_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="goodwill_refund_part_positive"),
        sa.ForeignKeyConstraint(["refund_id"], ["goodwill_refunds.id"]),
        sa.PrimaryKeyConstraint("refund_id", "position"),
    )


def downgrade() -> None:
    op.drop_table("goodwill_refund_parts")
    op.drop_index("ix_goodwill_refunds_customer", table_name="goodwill_refunds")
    op.drop_index("ix_goodwill_refunds_order", table_name="goodwill_refunds")
    op.drop_table("goodwill_refunds")
    op.drop_table("refund_limits")
    op.drop_table("refund_reasons")
    for statement in DROP_APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_index("ix_store_credit_entries_history", table_name="store_credit_entries")
    op.drop_table("store_credit_entries")
    op.drop_table("store_credit_accounts")
    with op.batch_alter_table("channels", recreate="never") as batch_op:
        for column in reversed(_channel_settings()):
            batch_op.drop_column(column.name)
