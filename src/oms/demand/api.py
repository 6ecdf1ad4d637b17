"""HTTP routes of demand: a SKU's forecast with reorder advice (``inventory:read``), forecast
runs on demand (``predictions:run``: 202 and a job to poll) and reorder settings (reading with
``inventory:read``, writing with ``inventory:write``)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from oms.demand import services
from oms.demand.schemas import (
    ForecastRunOut,
    ReorderSettingIn,
    ReorderSettingOut,
    SkuForecastOut,
)
from oms.demand.services.jobs import request_run, run_job
from oms.platform.http import UoW
from oms.platform.idempotency import OptionalIdempotencyKey, run_idempotent
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["forecasts"])

Reader = Annotated[Principal, Depends(Requires(Permission.INVENTORY_READ))]
Writer = Annotated[Principal, Depends(Requires(Permission.INVENTORY_WRITE))]
Runner = Annotated[Principal, Depends(Requires(Permission.PREDICTIONS_RUN))]


@router.get("/inventory/{sku}/forecast", responses=responses(401, 403, 404))
def get_sku_forecast(sku: str, _: Reader, uow: UoW) -> SkuForecastOut:
    """The SKU's weekly forecast for 12 weeks with 80% and 95% intervals, per location that
    has its own fulfilment history and for the rest of the network (``location_code`` ""):
    the model chosen by backtest, its version and score, the reorder point, the suggested
    purchase quantity and the predicted stock-out day. 404 `no-forecast` before any run."""
    return SkuForecastOut.of(services.sku_forecast(sku, uow=uow))


@router.post(
    "/forecasts/runs",
    status_code=202,
    response_model=ForecastRunOut,
    responses=responses(401, 403, 409, 422),
)
def request_forecast_run(
    principal: Runner, uow: UoW, idempotency: OptionalIdempotencyKey
) -> Response:
    """Queue a recomputation of every forecast (202); poll `GET /v1/forecasts/runs/{id}` for
    its progress. With an `Idempotency-Key`, a retry returns the first job."""
    return run_idempotent(
        uow,
        idempotency,
        lambda: request_run(uow, created_by=principal.actor),
        ForecastRunOut.of,
        status_code=202,
    )


@router.get("/forecasts/runs/{run_id}", responses=responses(401, 403, 404))
def get_forecast_run(run_id: UUID, _: Runner, uow: UoW) -> ForecastRunOut:
    """A forecast run's status and progress (``succeeded`` with its result, or ``failed``)."""
    return ForecastRunOut.of(run_job(uow, run_id))


@router.get("/forecasts/reorder-settings", responses=responses(401, 403))
def list_reorder_settings(_: Reader, uow: UoW) -> list[ReorderSettingOut]:
    """Every reorder settings row (defaults when none: lead time 14 days, service level 95%,
    review every 7 days)."""
    return [
        ReorderSettingOut.model_validate(row, from_attributes=True)
        for row in services.reorder_settings(uow=uow)
    ]


@router.put(
    "/forecasts/reorder-settings/{scope}/{key}",
    status_code=204,
    responses=responses(401, 403, 422),
)
def put_reorder_setting(
    scope: Literal["default", "supplier", "sku"],
    key: str,
    body: ReorderSettingIn,
    _: Writer,
    uow: UoW,
) -> Response:
    """Set the reorder settings of a SKU, a supplier or the default (key `*`); a field left
    out falls back to the supplier's, then the default's, then the built-in default."""
    services.set_reorder_setting(
        scope=scope,
        key=key,
        lead_time_days=body.lead_time_days,
        service_level_pct=None if body.service_level_pct is None else float(body.service_level_pct),
        review_days=body.review_days,
        supplier=body.supplier,
        uow=uow,
    )
    return Response(status_code=204)
