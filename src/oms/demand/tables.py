"""Demand's own tables: forecast runs, their weekly forecasts per SKU × location, and the
reorder settings (lead time, service level, review period) per SKU, supplier or default."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    Index,
    Integer,
    String,
    Table,
    Uuid,
)

from oms.platform.database import UTCDateTime, metadata

forecast_runs = Table(
    "forecast_runs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("job_id", Uuid, nullable=True),
    Column("status", String(12), nullable=False),
    Column("model_version", String(80), nullable=False),
    Column("first_week_on", Date, nullable=True),
    Column("last_week_on", Date, nullable=True),
    Column("series", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Index("ix_forecast_runs_status_finished", "status", "finished_at"),
)
"""One recomputation of every forecast; ``succeeded`` runs are read, the newest first."""

demand_forecasts = Table(
    "demand_forecasts",
    metadata,
    Column("run_id", Uuid, primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("location_code", String(40), primary_key=True),
    Column("week_on", Date, primary_key=True),
    Column("units", Float, nullable=False),
    Column("lo_80", Float, nullable=False),
    Column("hi_80", Float, nullable=False),
    Column("lo_95", Float, nullable=False),
    Column("hi_95", Float, nullable=False),
    Column("model", String(40), nullable=False),
    Column("model_version", String(80), nullable=False),
    Column("backtest_mase", Float, nullable=True),
    Column("backtest_pinball", Float, nullable=True),
    Index("ix_demand_forecasts_sku", "sku", "run_id"),
)
"""Weekly forecasts of a run (``location_code`` ``""`` = all locations together), each with the
model that made it, its version and its score on the weeks before the forecast (NULL when the
series never changed there, so has no scale)."""

reorder_settings = Table(
    "reorder_settings",
    metadata,
    Column("scope", String(10), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("supplier", String(64), nullable=True),
    Column("lead_time_days", Integer, nullable=True),
    Column("service_level_pct", Float, nullable=True),
    Column("review_days", Integer, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)
"""Reorder settings: ``scope`` ``sku`` (key a SKU, optionally naming its supplier), ``supplier``
(key a supplier) or ``default`` (key ``*``). A NULL field falls back to the next scope."""
