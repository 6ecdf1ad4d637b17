"""Console page: what to reorder. Every SKU (per location with its own fulfilment history, else
for the network) whose available stock is at or below its reorder point, soonest stock-out
first, from the latest forecast run; ``?sku=`` adds that SKU's 12-week forecast as a chart with
its 80% and 95% bands. Reading needs ``inventory:read``, as ``GET /v1/inventory/{sku}/forecast``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from oms import demand
from oms.console.shell import ConsoleRequires, Staff, render
from oms.console.shell.guard import uow_of
from oms.platform.security import Permission

router = APIRouter(prefix="/console", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.INVENTORY_READ))]


def _chart(found: demand.SkuForecast) -> dict[str, Any]:
    """Chart.js data: the network's (or first location's) point forecast and its bands."""
    item = next((x for x in found.locations if x.location_code == ""), found.locations[0])
    return {
        "labels": [week.week_on.isoformat() for week in item.weeks],
        "datasets": [
            {"label": "forecast", "data": [round(w.units, 1) for w in item.weeks]},
            {"label": "80% low", "data": [round(w.lo_80, 1) for w in item.weeks]},
            {"label": "80% high", "data": [round(w.hi_80, 1) for w in item.weeks]},
            {"label": "95% high", "data": [round(w.hi_95, 1) for w in item.weeks]},
        ],
    }


@router.get("/reorder")
def reorder_page(request: Request, _: Reader, sku: str = "") -> Response:
    """The reorder list, and one SKU's forecast when asked for."""
    uow = uow_of(request)
    context: dict[str, Any] = {
        "lines": demand.reorder_list(uow=uow),
        "sku": sku,
        "sku_problem": None,
        "forecast": None,
        "chart_data": None,
    }
    if sku:
        try:
            found = demand.sku_forecast(sku, uow=uow)
        except (demand.UnknownSku, demand.NoForecast) as error:
            context["sku_problem"] = error.detail
        else:
            context["forecast"] = found
            context["chart_data"] = _chart(found)
    return render(request, "console/inventory/reorder.html", context)
