"""inventory backorders

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Both steps ALTER inventory_items in place, on SQLite too (DROP COLUMN needs SQLite 3.35+):
# batch mode's copy-and-move would drop the original table, which stock_levels references, and
# SQLite refuses that once it holds rows.


def upgrade() -> None:
    # Existing SKUs keep refusing backorders: the server default fills their rows.
    with op.batch_alter_table("inventory_items", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("allows_backorders", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("inventory_items", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("allows_backorders")
