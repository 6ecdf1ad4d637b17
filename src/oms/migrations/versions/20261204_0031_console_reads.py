"""customers: staff notes on a customer; indexes for the console's dashboard counts

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 13:00:00.000000

``customer_notes`` keeps what staff wrote about a customer, newest first per customer. Two
partial indexes hold only the rows the dashboard counts (a failed tender, a line waiting for
stock), so they cost order placement and payment nothing for every other row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import oms.platform.database

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = oms.platform.database.UTCDateTime(timezone=True)
FAILED = sa.text("status = 'failed'")
WAITING = sa.text("backordered_quantity > 0")


def upgrade() -> None:
    op.create_table(
        "customer_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_customer_notes_customer", "customer_notes", ["customer_id", "created_at", "id"]
    )
    op.create_index(
        "ix_payments_failed",
        "payments",
        ["created_at", "order_id"],
        postgresql_where=FAILED,
        sqlite_where=FAILED,
    )
    op.create_index(
        "ix_order_lines_waiting",
        "order_lines",
        ["order_id"],
        postgresql_where=WAITING,
        sqlite_where=WAITING,
    )


def downgrade() -> None:
    op.drop_index("ix_order_lines_waiting", table_name="order_lines")
    op.drop_index("ix_payments_failed", table_name="payments")
    op.drop_index("ix_customer_notes_customer", table_name="customer_notes")
    op.drop_table("customer_notes")
