"""products: the category a product is filed under (issue 14's top categories)

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-06 09:00:00.000000

``category`` is a path such as ``Home > Kitchen`` (levels joined by `` > ``), NULL while the
product is uncategorised; the products report ranks categories by it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("products", sa.Column("category", sa.String(120), nullable=True))


def downgrade() -> None:
    op.drop_column("products", "category")
