"""Demand: weekly forecasts per SKU (and per SKU × location), their backtests, reorder points and
suggested purchase quantities."""
