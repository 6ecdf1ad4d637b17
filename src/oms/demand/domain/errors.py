"""Demand's errors: facts, not HTTP (``oms.platform.problems`` maps each branch)."""

from __future__ import annotations

from uuid import UUID

from oms.shared.errors import Invalid, NotFound


class UnknownSku(NotFound):
    code = "unknown-sku"
    title = "Unknown SKU"

    def __init__(self, sku: str) -> None:
        super().__init__(f"no SKU {sku!r}", sku=sku)
        self.sku = sku


class NoForecast(NotFound):
    code = "no-forecast"
    title = "No forecast yet"

    def __init__(self, sku: str) -> None:
        super().__init__(
            f"no forecast for {sku!r} yet: run one (POST /v1/forecasts/runs, oms forecast run)",
            sku=sku,
        )
        self.sku = sku


class InvalidReorderSetting(Invalid):
    code = "invalid-reorder-setting"
    title = "Invalid reorder setting"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field} {reason}", field=field)


class RunNotFound(NotFound):
    code = "forecast-run-not-found"
    title = "No such forecast run"

    def __init__(self, job_id: UUID) -> None:
        super().__init__(f"no forecast run {job_id}", job_id=str(job_id))
