"""refunds, exchanges and claims of returns (R4): the refunds a return decided

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from oms.platform.database import UTCDateTime

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "return_refunds",
        sa.Column("refund_id", sa.Uuid(), nullable=False),
        sa.Column("return_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("destination", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name="return_refund_positive"),
        sa.CheckConstraint(
            "purpose IN ('resolution', 'price_difference')", name="return_refund_purpose"
        ),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"]),
        sa.PrimaryKeyConstraint("refund_id"),
        sa.UniqueConstraint("return_id", "purpose", name="uq_return_refunds_purpose"),
    )


def downgrade() -> None:
    op.drop_table("return_refunds")
