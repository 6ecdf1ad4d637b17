"""reports: the fulfilment figures of each order and their day sums (issue 14's fulfilment
report from the summaries, ADR 0015)

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07 09:00:00.000000

``report_orders`` gains each order's fulfilment figures (its fulfilment orders not cancelled,
how many shipped, were late and were delivered, their seconds to ship and to deliver, whether
it was split) and their fingerprint ``fulfilment_at`` (the latest ``updated_at`` of its
fulfilment orders); ``report_fulfilment_days`` sums them per day x channel x country; and
``ix_fulfilment_orders_updated`` lets the refresh find the fulfilment orders changed since its
watermark. The summaries are derived data: their rows are deleted and the watermark cleared, so
the next refresh builds them again with the new figures.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from oms.platform.database import UTCDateTime

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = (
    "fulfilment_orders", "shipped", "ship_seconds", "late", "delivered", "deliver_seconds",
    "split",
)  # fmt: skip
DERIVED = (
    "report_customer_totals", "report_cohort_days", "report_customer_days",
    "report_order_returns", "report_product_days", "report_sales_days", "report_orders",
)  # fmt: skip


def upgrade() -> None:
    _clear_summaries()
    with op.batch_alter_table("report_orders") as batch:
        for name in FIGURES:
            batch.add_column(
                sa.Column(name, sa.BigInteger(), nullable=False, server_default=sa.text("0"))
            )
        batch.add_column(sa.Column("fulfilment_at", UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "report_fulfilment_days",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("channel_code", sa.String(40), primary_key=True),
        sa.Column("country", sa.String(60), primary_key=True),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in ("orders", *FIGURES)),
    )
    op.create_index("ix_fulfilment_orders_updated", "fulfilment_orders", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_fulfilment_orders_updated", table_name="fulfilment_orders")
    op.drop_table("report_fulfilment_days")
    _clear_summaries()
    with op.batch_alter_table("report_orders") as batch:
        batch.drop_column("fulfilment_at")
        for name in reversed(FIGURES):
            batch.drop_column(name)


def _clear_summaries() -> None:
    for table in DERIVED:
        op.execute(f"DELETE FROM {table}")  # noqa: S608 (a fixed table name)
    op.execute("UPDATE report_refresh SET checked_from = NULL")
