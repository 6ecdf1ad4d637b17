"""products: the category a product is filed under; the SKU day sums name their variant
(issue 14's top categories)

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-06 09:00:00.000000

``products.category`` is a path such as ``Home > Kitchen`` (levels joined by `` > ``), NULL while
the product is uncategorised. ``report_product_days.variant_id`` is the variant a SKU day sum
belongs to (order lines keep the SKU as written, ``85123a``, so the categories report finds the
product through the variant, not the text). The summaries are derived data: their rows are
deleted and the watermark cleared, so the next refresh (a report read, ``oms report-refresh``
or the worker) builds them again, variant ids included.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DERIVED = (
    "report_customer_totals", "report_cohort_days", "report_customer_days",
    "report_order_returns", "report_product_days", "report_sales_days", "report_orders",
)  # fmt: skip


def upgrade() -> None:
    op.add_column("products", sa.Column("category", sa.String(120), nullable=True))
    op.add_column("report_product_days", sa.Column("variant_id", sa.Uuid(), nullable=True))
    _rebuild_summaries()


def downgrade() -> None:
    op.drop_column("report_product_days", "variant_id")
    op.drop_column("products", "category")
    _rebuild_summaries()


def _rebuild_summaries() -> None:
    for table in DERIVED:
        op.execute(f"DELETE FROM {table}")  # noqa: S608 (a fixed table name)
    op.execute("UPDATE report_refresh SET checked_from = NULL")
