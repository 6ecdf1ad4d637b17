"""inventory_items: the unit cost price (value of stock at cost, issue 14's inventory report)

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-05 11:00:00.000000

``unit_cost_minor`` in ``cost_currency``: what one unit cost the merchant, both NULL while
unknown (the inventory report then shows no value at cost for the SKU).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inventory_items", sa.Column("unit_cost_minor", sa.BigInteger(), nullable=True))
    op.add_column("inventory_items", sa.Column("cost_currency", sa.String(3), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35 has it): a batch copy of the table would break the
    # triggers on order_lines that name inventory_items while it is renamed.
    op.drop_column("inventory_items", "cost_currency")
    op.drop_column("inventory_items", "unit_cost_minor")
