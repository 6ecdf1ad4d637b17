"""payments and their ledger transactions; payment figures on orders (H1)

``payments`` (tenders) and ``payment_transactions`` (the append-only ledger, with the triggers
that refuse a DELETE and any change of a settled transaction), and on ``orders`` the payment
status and figures the ledger keeps up to date. Orders placed before have no tender: they
become ``unpaid`` with zero figures through the server defaults (the status was a constant
``none`` until now, never stored).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import oms.platform.database

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the DDL in oms.payments.tables.ledger (a migration must not change when the
# code does): no DELETE, no UPDATE of a settled transaction.
APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER payment_transactions_no_delete BEFORE DELETE ON payment_transactions "
    "BEGIN SELECT RAISE(ABORT, 'payment_transactions is append-only'); END",
    "CREATE TRIGGER payment_transactions_settle_once BEFORE UPDATE ON payment_transactions "
    "WHEN OLD.status NOT IN ('pending', 'requires_action') "
    "BEGIN SELECT RAISE(ABORT, 'a settled payment transaction never changes'); END",
)
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
DROP_APPEND_ONLY_POSTGRESQL = (
    "DROP TRIGGER IF EXISTS payment_transactions_append_only ON payment_transactions",
    "DROP FUNCTION IF EXISTS payment_transactions_refuse_change()",
)

FIGURES = (
    "amount_authorized_minor",
    "amount_captured_minor",
    "amount_refunded_minor",
    "amount_conceded_minor",
)


def upgrade() -> None:
    _create_payments()
    _create_transactions()
    dialect = op.get_bind().dialect.name
    for statement in APPEND_ONLY_POSTGRESQL if dialect == "postgresql" else APPEND_ONLY_SQLITE:
        op.execute(statement)
    # In place, on SQLite too: a batch copy would drop ``orders``, which others reference.
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column(
                "payment_status",
                sa.String(length=20),
                server_default=sa.text("'unpaid'"),
                nullable=False,
            )
        )
        for name in FIGURES:
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), server_default=sa.text("0"), nullable=False)
            )


def _create_payments() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("channel_code", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("provider_reference", sa.String(length=255), nullable=True),
        sa.Column("capture_at_once", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", oms.platform.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", oms.platform.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="payment_amount_positive"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "provider", "provider_reference", name="uq_payments_provider_reference"
        ),
    )
    op.create_index("ix_payments_order", "payments", ["order_id", "created_at"])


def _create_transactions() -> None:
    op.create_table(
        "payment_transactions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("provider_reference", sa.String(length=255), nullable=True),
        sa.Column("failure_code", sa.String(length=100), nullable=True),
        sa.Column("failure_message", sa.String(length=500), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", oms.platform.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("settled_at", oms.platform.database.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "amount_minor > 0 OR (kind = 'void' AND amount_minor = 0)",
            name="transaction_amount_positive",
        ),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for name, columns in (
        ("ix_payment_transactions_payment", ["payment_id", "created_at"]),
        ("ix_payment_transactions_order", ["order_id", "created_at"]),
        ("ix_payment_transactions_status", ["status", "created_at"]),
        ("ix_payment_transactions_reference", ["provider", "provider_reference"]),
        ("ix_payment_transactions_settled", ["provider", "settled_at"]),
    ):
        op.create_index(name, "payment_transactions", columns)


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        for name in reversed(FIGURES):
            batch_op.drop_column(name)
        batch_op.drop_column("payment_status")
    dialect = op.get_bind().dialect.name
    for statement in (
        DROP_APPEND_ONLY_POSTGRESQL if dialect == "postgresql" else DROP_APPEND_ONLY_SQLITE
    ):
        op.execute(statement)
    op.drop_table("payment_transactions")
    op.drop_table("payments")
