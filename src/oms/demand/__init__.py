"""Demand: weekly forecasts per SKU (and SKU × location), the median of three models chosen by
backtest, and the reorder points and suggested quantities they give. The worker runs forecast
runs as jobs."""

from oms.demand.domain.errors import NoForecast, UnknownSku
from oms.demand.services import ReorderLine, SkuForecast, reorder_list, sku_forecast
from oms.demand.services.jobs import FORECAST_RUN, forecast_run_handler, schedule_due

__all__ = [
    "FORECAST_RUN",
    "NoForecast",
    "ReorderLine",
    "SkuForecast",
    "UnknownSku",
    "forecast_run_handler",
    "reorder_list",
    "schedule_due",
    "sku_forecast",
]
