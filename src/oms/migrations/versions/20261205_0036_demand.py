"""demand: forecast runs, weekly forecasts per SKU and location, reorder settings

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-05 11:00:00.000000

Forecasts are recomputed by runs (``oms.demand``); each weekly forecast keeps its model, the
model's version and its backtest score.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from oms.platform.database import UTCDateTime

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forecast_runs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("model_version", sa.String(80), nullable=False),
        sa.Column("first_week_on", sa.Date(), nullable=True),
        sa.Column("last_week_on", sa.Date(), nullable=True),
        sa.Column("series", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_forecast_runs_status_finished", "forecast_runs", ["status", "finished_at"])
    op.create_table(
        "demand_forecasts",
        sa.Column("run_id", sa.Uuid(), primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("location_code", sa.String(40), primary_key=True),
        sa.Column("week_on", sa.Date(), primary_key=True),
        sa.Column("units", sa.Float(), nullable=False),
        sa.Column("lo_80", sa.Float(), nullable=False),
        sa.Column("hi_80", sa.Float(), nullable=False),
        sa.Column("lo_95", sa.Float(), nullable=False),
        sa.Column("hi_95", sa.Float(), nullable=False),
        sa.Column("model", sa.String(40), nullable=False),
        sa.Column("model_version", sa.String(80), nullable=False),
        sa.Column("backtest_mase", sa.Float(), nullable=True),
        sa.Column("backtest_pinball", sa.Float(), nullable=True),
    )
    op.create_index("ix_demand_forecasts_sku", "demand_forecasts", ["sku", "run_id"])
    op.create_table(
        "reorder_settings",
        sa.Column("scope", sa.String(10), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("supplier", sa.String(64), nullable=True),
        sa.Column("lead_time_days", sa.Integer(), nullable=True),
        sa.Column("service_level_pct", sa.Float(), nullable=True),
        sa.Column("review_days", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reorder_settings")
    op.drop_index("ix_demand_forecasts_sku", table_name="demand_forecasts")
    op.drop_table("demand_forecasts")
    op.drop_index("ix_forecast_runs_status_finished", table_name="forecast_runs")
    op.drop_table("forecast_runs")
