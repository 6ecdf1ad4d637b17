"""reports: summary tables refreshed from a watermark (ADR 0015)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-05 18:00:00.000000

The reports context's per-order facts and day sums (``oms.reports.tables``), its refresh's
lock row and working sets, and the two indexes its refresh reads changes by
(``orders.updated_at``, ``returns.updated_at``). The summaries start empty: the first refresh
(any report read, ``oms report refresh``, or the worker) fills them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from oms.platform.database import UTCDateTime

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRAINS = ("day", "week", "month")


def _money(*names: str) -> list[sa.Column[int]]:
    return [sa.Column(name, sa.BigInteger(), nullable=False) for name in names]


def upgrade() -> None:
    op.create_index("ix_orders_updated", "orders", ["updated_at"])
    op.create_index("ix_returns_updated", "returns", ["updated_at"])
    op.create_table(
        "report_orders",
        sa.Column("order_id", sa.Uuid(), primary_key=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("channel_code", sa.String(40), nullable=False),
        sa.Column("country", sa.String(60), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("placed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        *_money(
            "ordered_units",
            "units",
            "gross_minor",
            "discounts_minor",
            "tax_minor",
            "shipping_minor",
            "other_minor",
            "net_minor",
        ),
        sa.Column("first_day", sa.String(10), nullable=True),
        sa.Column("first_of_day", sa.Integer(), nullable=False),
        sa.Column("first_of_week", sa.Integer(), nullable=False),
        sa.Column("first_of_month", sa.Integer(), nullable=False),
        sa.Column("first_of_month_any", sa.Integer(), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("source_updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("returns_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_report_orders_day", "report_orders", ["day"])
    op.create_index(
        "ix_report_orders_customer", "report_orders", ["customer_id", "currency", "placed_at"]
    )
    op.create_table(
        "report_sales_days",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("channel_code", sa.String(40), primary_key=True),
        sa.Column("country", sa.String(60), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        *_money(
            "orders",
            "units",
            "gross_minor",
            "discounts_minor",
            "tax_minor",
            "shipping_minor",
            "other_minor",
            "net_minor",
        ),
    )
    op.create_table(
        "report_product_days",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("channel_code", sa.String(40), primary_key=True),
        sa.Column("country", sa.String(60), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        *_money(
            "lines",
            "orders",
            "units",
            "gross_minor",
            "discounts_minor",
            "net_minor",
            "ordered_units",
        ),
    )
    op.create_table(
        "report_order_returns",
        sa.Column("order_id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("reason", sa.String(500), primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("channel_code", sa.String(40), nullable=False),
        sa.Column("country", sa.String(60), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        *_money("units", "value_minor"),
    )
    op.create_index("ix_report_order_returns_day", "report_order_returns", ["day"])
    op.create_table(
        "report_customer_days",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        *_money("orders", "net_minor"),
        *(
            column
            for grain in GRAINS
            for column in _money(
                f"customers_{grain}",
                f"new_customers_{grain}",
                f"new_orders_{grain}",
                f"new_net_{grain}",
            )
        ),
    )
    op.create_table(
        "report_cohort_days",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("cohort", sa.String(7), primary_key=True),
        *_money("active"),
    )
    op.create_table(
        "report_customer_totals",
        sa.Column("customer_id", sa.Uuid(), primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("last_at", UTCDateTime(timezone=True), nullable=False),
        *_money("orders", "monetary_minor"),
    )
    op.create_table(
        "report_refresh",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("checked_from", UTCDateTime(timezone=True), nullable=True),
        sa.Column("refreshed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("orders_refreshed", sa.BigInteger(), nullable=False),
    )
    op.create_table("report_pending", sa.Column("order_id", sa.Uuid(), primary_key=True))
    op.create_table(
        "report_pending_customers", sa.Column("customer_id", sa.Uuid(), primary_key=True)
    )
    op.create_table("report_pending_days", sa.Column("day", sa.String(10), primary_key=True))


def downgrade() -> None:
    for table in (
        "report_pending_days", "report_pending_customers", "report_pending", "report_refresh",
        "report_customer_totals", "report_cohort_days", "report_customer_days",
        "report_order_returns", "report_product_days", "report_sales_days", "report_orders",
    ):  # fmt: skip
        op.drop_table(table)
    op.drop_index("ix_returns_updated", table_name="returns")
    op.drop_index("ix_orders_updated", table_name="orders")
