"""exchanges: the replacements an exchange sends in place of the returned goods

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "return_replacements",
        sa.Column("return_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("charged_unit_minor", sa.BigInteger(), nullable=True),
        sa.Column("refund_minor", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("quantity > 0", name="replacement_quantity_positive"),
        sa.CheckConstraint("unit_price_minor >= 0", name="replacement_price_not_negative"),
        sa.CheckConstraint(
            "charged_unit_minor IS NULL OR charged_unit_minor >= 0", name="charged_not_negative"
        ),
        sa.CheckConstraint(
            "refund_minor IS NULL OR refund_minor >= 0", name="difference_not_negative"
        ),
        sa.ForeignKeyConstraint(["return_id"], ["returns.id"]),
        sa.PrimaryKeyConstraint("return_id", "line_id"),
    )


def downgrade() -> None:
    op.drop_table("return_replacements")
