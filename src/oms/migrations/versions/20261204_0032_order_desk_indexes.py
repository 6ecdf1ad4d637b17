"""orders: indexes for the console's order lists on hold and by payment status

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04 13:15:00.000000

The console lists orders on hold (by reason) and by payment status, newest first; each index
leads with the filtered column and keeps (placed_at, id) for keyset paging, so a page reads
its fifty rows and stops.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_hold_placed", "orders", ["on_hold", "placed_at", "id"])
    op.create_index("ix_orders_payment_placed", "orders", ["payment_status", "placed_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_orders_payment_placed", table_name="orders")
    op.drop_index("ix_orders_hold_placed", table_name="orders")
