"""indexes for order search

The search's ``q`` matches an order number or an external id in any channel; the unique
``(channel_code, external_id)`` index leads with the channel, so PostgreSQL scanned the whole of
it (37 ms at 1,000,000 orders). ``ix_orders_external_id`` makes it a lookup; partial, so orders
without an external id (most of them) cost it nothing when placed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_orders_external_id",
        "orders",
        ["external_id"],
        postgresql_where=sa.text("external_id IS NOT NULL"),
        sqlite_where=sa.text("external_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_orders_external_id", table_name="orders")
