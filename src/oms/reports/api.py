"""``GET /v1/reports/{name}``: one report as JSON or CSV, with ``reports:read``. A channel key
sees only its own channel's figures (asking for another channel is a 422)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from oms.platform.http import UoW
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.reports import services
from oms.reports.domain import parse_filters, report_name
from oms.reports.schemas import ReportOut
from oms.reports.views import csv_filename, report_csv

router = APIRouter(prefix="/v1", tags=["reports"])

Reader = Annotated[Principal, Depends(Requires(Permission.REPORTS_READ))]

CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report as JSON, or as CSV with `format=csv`",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.get("/reports/{name}", response_model=ReportOut, responses=CSV | responses(403, 404, 422))
def get_report(  # noqa: PLR0913, PLR0917 (the report's filters are its query parameters)
    name: str,
    principal: Reader,
    uow: UoW,
    start: Annotated[
        str | None, Query(alias="from", description="First day, YYYY-MM-DD (UTC).")
    ] = None,
    end: Annotated[
        str | None, Query(alias="to", description="Last day, YYYY-MM-DD, included.")
    ] = None,
    channel: Annotated[str | None, Query(max_length=40)] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    granularity: Annotated[Literal["day", "week", "month"] | None, Query()] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Any:
    """A report: `sales`, `products`, `categories`, `returns`, `fulfilment`, `inventory`,
    `payments`, `settlements`, `customers`, `cohorts` or `rfm` (docs/reports.md defines every
    figure).

    The range defaults to the last 365 days; `granularity` (default `month`) sets the period
    of reports that have one. Money is integer minor units beside the row's `currency`.
    """
    report = services.run_report(
        report_name(name),
        parse_filters(
            start=start,
            end=end,
            channel=channel,
            country=country,
            granularity=granularity,
            today=uow.clock.now().date(),
        ),
        uow=uow,
        visible_to=principal.channel_scope,
    )
    if format == "csv":
        disposition = f'attachment; filename="{csv_filename(report)}"'
        return Response(
            report_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": disposition},
        )
    return ReportOut.of(report)
