"""Demand: weekly forecasts per SKU (and SKU × location), chosen per series by backtest, and the
reorder points and suggested quantities they give. The worker runs forecast runs as jobs."""

from oms.demand.services.jobs import FORECAST_RUN, forecast_run_handler, schedule_due

__all__ = ["FORECAST_RUN", "forecast_run_handler", "schedule_due"]
