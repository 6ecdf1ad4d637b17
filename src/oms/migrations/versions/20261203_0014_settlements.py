"""reconciliation runs and their exceptions (H5)

Billing reconciliation: ``reconciliation_runs`` (one per settlement file matched), its
``reconciliation_payouts`` and ``reconciliation_exceptions``, and ``settled_transactions`` (the
ledger transactions some file has settled, once each).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import oms.platform.database

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _run_id() -> sa.Column[object]:
    return sa.Column("run_id", sa.Uuid(), nullable=False)


def _of_run(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["run_id"],
        ["reconciliation_runs.id"],
        name=op.f(f"fk_{table}_run_id_reconciliation_runs"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    instant = oms.platform.database.UTCDateTime(timezone=True)
    op.create_table(
        "reconciliation_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("older_than_days", sa.Integer(), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "lines",
                "matched",
                "missing_in_oms",
                "not_settled",
                "amount_mismatch",
                "currency_mismatch",
            )
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_runs")),
    )
    op.create_index("ix_reconciliation_runs_created", "reconciliation_runs", ["created_at", "id"])
    op.create_table(
        "reconciliation_payouts",
        _run_id(),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("payout_id", sa.String(length=255), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        *(
            sa.Column(f"{name}_minor", sa.BigInteger(), nullable=False)
            for name in ("gross", "fees", "net", "expected_net")
        ),
        _of_run("reconciliation_payouts"),
        sa.PrimaryKeyConstraint("run_id", "position", name=op.f("pk_reconciliation_payouts")),
    )
    op.create_table(
        "reconciliation_exceptions",
        _run_id(),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("payout_id", sa.String(length=255), nullable=True),
        sa.Column("file_amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("file_currency", sa.String(length=3), nullable=True),
        sa.Column("oms_amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("oms_currency", sa.String(length=3), nullable=True),
        sa.Column("transaction_id", sa.Uuid(), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=False),
        _of_run("reconciliation_exceptions"),
        sa.PrimaryKeyConstraint("run_id", "position", name=op.f("pk_reconciliation_exceptions")),
    )
    op.create_table(
        "settled_transactions",
        sa.Column("transaction_id", sa.Uuid(), nullable=False),
        _run_id(),
        sa.Column("payout_id", sa.String(length=255), nullable=True),
        sa.Column("settled_at", instant, nullable=False),
        _of_run("settled_transactions"),
        sa.PrimaryKeyConstraint("transaction_id", name=op.f("pk_settled_transactions")),
    )
    op.create_index("ix_settled_transactions_run_id", "settled_transactions", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_settled_transactions_run_id", table_name="settled_transactions")
    op.drop_table("settled_transactions")
    op.drop_table("reconciliation_exceptions")
    op.drop_table("reconciliation_payouts")
    op.drop_index("ix_reconciliation_runs_created", table_name="reconciliation_runs")
    op.drop_table("reconciliation_runs")
