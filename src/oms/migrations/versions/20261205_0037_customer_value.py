"""customer value: BG/NBD + Gamma-Gamma runs and each customer's scores

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-05 12:00:00.000000

Scores are recomputed by runs (``oms.customer_value``); each keeps its model, the model's
version and its holdout error.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from oms.platform.database import UTCDateTime

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_value_runs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("model", sa.String(60), nullable=False),
        sa.Column("model_version", sa.String(80), nullable=False),
        sa.Column("customers", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("holdout", sa.JSON(), nullable=True),
        sa.Column("horizon_months", sa.Integer(), nullable=False),
        sa.Column("monthly_discount", sa.Float(), nullable=False),
        sa.Column("computed_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "customer_values",
        sa.Column(
            "customer_id",
            sa.Uuid(),
            sa.ForeignKey("customers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("purchases", sa.Integer(), nullable=False),
        sa.Column("expected_purchases_90d", sa.Float(), nullable=False),
        sa.Column("probability_alive", sa.Float(), nullable=False),
        sa.Column("expected_order_value_minor", sa.BigInteger(), nullable=False),
        sa.Column("clv_minor", sa.BigInteger(), nullable=False),
        sa.Column("model", sa.String(60), nullable=False),
        sa.Column("model_version", sa.String(80), nullable=False),
        sa.Column("holdout_mae_purchases", sa.Float(), nullable=True),
        sa.Column("computed_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_customer_values_clv", "customer_values", ["currency", "clv_minor"])
    op.create_index("ix_customer_values_alive", "customer_values", ["probability_alive"])


def downgrade() -> None:
    op.drop_index("ix_customer_values_alive", table_name="customer_values")
    op.drop_index("ix_customer_values_clv", table_name="customer_values")
    op.drop_table("customer_values")
    op.drop_table("customer_value_runs")
