"""Console pages: reports. An index of the ten reports and a page per report (docs/reports.md
defines every figure): a filter form (from, to, channel, country and, for reports with periods,
granularity), a chart, the same figures as a table, and the CSV download (the API's CSV, the
same filters, through ``?format=csv`` on the page's own route).

Every page needs ``reports:read``, as ``GET /v1/reports/{name}`` does, and runs the same
``run_report``. A bad filter answers 422 with the message next to its field and the typed values
kept. Charts draw money in major units (a chart draws numbers); the table writes every figure in
the reader's locale, money with its currency, rates as percentages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response

from oms import channels
from oms.console.shell import N_, ConsoleRequires, FormErrors, Staff, render
from oms.console.shell.guard import uow_of
from oms.console.shell.templating import language_of, translations
from oms.platform.security import Permission
from oms.reports.domain import Filters, Kind, Report, ReportName, parse_filters
from oms.reports.services import UNSCOPED, run_report
from oms.reports.views import csv_filename, report_csv
from oms.shared.errors import DomainError, FieldProblem, Invalid
from oms.shared.money import Money

router = APIRouter(prefix="/console", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.REPORTS_READ))]

FIELDS = ("from", "to", "channel", "country", "granularity")
TABLE_ROWS = 500
"""Rows the page's table shows at most (the CSV has them all)."""
TOP_PRODUCTS = 20
COHORT_LINES = 12
"""Cohorts drawn in the retention chart (the most recent ones); the table has them all."""

PERIODIC = frozenset(
    {
        ReportName.SALES,
        ReportName.FULFILMENT,
        ReportName.PAYMENTS,
        ReportName.SETTLEMENTS,
        ReportName.CUSTOMERS,
    }
)
"""Reports with a ``period`` column: the granularity field applies to them."""

TITLES: dict[ReportName, str] = {
    ReportName.SALES: N_("Sales"),
    ReportName.PRODUCTS: N_("Top products"),
    ReportName.CATEGORIES: N_("Top categories"),
    ReportName.RETURNS: N_("Returns and cancellations"),
    ReportName.FULFILMENT: N_("Fulfilment"),
    ReportName.INVENTORY: N_("Inventory"),
    ReportName.PAYMENTS: N_("Payments"),
    ReportName.SETTLEMENTS: N_("Settlements"),
    ReportName.CUSTOMERS: N_("New and returning customers"),
    ReportName.COHORTS: N_("Cohorts"),
    ReportName.RFM: N_("RFM segments"),
}

DESCRIPTIONS: dict[ReportName, str] = {
    ReportName.SALES: N_(
        "Orders, units, gross, discounts, tax, shipping and net per period, channel, country "
        "and currency; cancelled orders left out."
    ),
    ReportName.PRODUCTS: N_("The 50 SKUs with the highest net sales in each currency."),
    ReportName.CATEGORIES: N_(
        "The 50 product categories with the highest net sales in each currency, each SKU under "
        "its product's category now; an empty category holds the uncategorised products."
    ),
    ReportName.RETURNS: N_(
        "Cancelled, returned and credited units and their value by reason, channel and SKU, "
        "with the rate against the units ordered."
    ),
    ReportName.FULFILMENT: N_(
        "Time to ship and to deliver, late shipments and split orders per period and channel."
    ),
    ReportName.INVENTORY: N_(
        "On hand, allocated, available, value at cost, demand of the last 28 days, days of "
        "cover and stock-outs per SKU, now."
    ),
    ReportName.PAYMENTS: N_(
        "Captured, refunded and charged back per period, channel and currency, and what no "
        "settlement file has named yet."
    ),
    ReportName.SETTLEMENTS: N_("Payouts of reconciled settlement files: gross, fees and net."),
    ReportName.CUSTOMERS: N_("Customers who ordered per period: new ones and returning ones."),
    ReportName.COHORTS: N_(
        "Customers by the month of their first order, and the share of them who ordered again "
        "in each month after."
    ),
    ReportName.RFM: N_(
        "Customers scored by recency, frequency and spend (quintiles, Chen et al. 2012) and "
        "grouped in segments."
    ),
}

COLUMN_LABELS: dict[str, str] = {
    "period": N_("Period"),
    "channel": N_("Channel"),
    "country": N_("Country"),
    "currency": N_("Currency"),
    "orders": N_("Orders"),
    "units": N_("Units"),
    "gross_minor": N_("Gross"),
    "discounts_minor": N_("Discounts"),
    "tax_minor": N_("Tax"),
    "shipping_minor": N_("Shipping"),
    "other_charges_minor": N_("Other charges"),
    "net_minor": N_("Net"),
    "average_order_minor": N_("Average order"),
    "rank": N_("Rank"),
    "sku": N_("SKU"),
    "kind": N_("Kind"),
    "reason": N_("Reason"),
    "value_minor": N_("Value"),
    "ordered_units": N_("Units ordered"),
    "rate_bp": N_("Rate"),
    "split_orders": N_("Split orders"),
    "fulfilment_orders": N_("Fulfilment orders"),
    "shipped": N_("Shipped"),
    "ship_seconds": N_("Time to ship (total)"),
    "average_ship_seconds": N_("Average time to ship"),
    "late": N_("Late"),
    "late_bp": N_("Late share"),
    "delivered": N_("Delivered"),
    "deliver_seconds": N_("Time to deliver (total)"),
    "average_deliver_seconds": N_("Average time to deliver"),
    "locations": N_("Locations"),
    "on_hand": N_("On hand"),
    "allocated": N_("Allocated"),
    "unavailable": N_("Unavailable"),
    "available": N_("Available"),
    "value_at_cost_minor": N_("Value at cost"),
    "demand_28d": N_("Demand, 28 days"),
    "cover_days": N_("Days of cover"),
    "stock_out": N_("Out of stock"),
    "locations_out": N_("Locations out"),
    "captures": N_("Captures"),
    "captured_minor": N_("Captured"),
    "refunds": N_("Refunds"),
    "refunded_minor": N_("Refunded"),
    "charged_back_minor": N_("Charged back"),
    "unreconciled": N_("Unreconciled"),
    "unreconciled_minor": N_("Unreconciled amount"),
    "payouts": N_("Payouts"),
    "lines": N_("Lines"),
    "fees_minor": N_("Fees"),
    "expected_net_minor": N_("Expected net"),
    "customers": N_("Customers"),
    "new_customers": N_("New customers"),
    "returning_customers": N_("Returning customers"),
    "new_orders": N_("Orders of new customers"),
    "returning_orders": N_("Orders of returning customers"),
    "new_net_minor": N_("Net of new customers"),
    "returning_net_minor": N_("Net of returning customers"),
    "cohort": N_("Cohort"),
    "months_after": N_("Months after"),
    "cohort_customers": N_("Cohort size"),
    "active_customers": N_("Active customers"),
    "retention_bp": N_("Retention"),
    "segment": N_("Segment"),
    "monetary_minor": N_("Spend"),
    "average_monetary_minor": N_("Average spend"),
}

CHART_LABELS: dict[ReportName, str] = {
    ReportName.SALES: N_("Net sales per period by channel in %(currency)s"),
    ReportName.PRODUCTS: N_("Net sales of the top 20 SKUs in %(currency)s"),
    ReportName.CATEGORIES: N_("Net sales of the top 20 categories in %(currency)s"),
    ReportName.RETURNS: N_(
        "Rate by reason: units cancelled, returned or credited per 100 units ordered of the "
        "SKUs concerned"
    ),
    ReportName.FULFILMENT: N_("Shipped and late fulfilment orders per period"),
    ReportName.INVENTORY: N_("SKUs in stock and out of stock"),
    ReportName.PAYMENTS: N_("Captured and refunded per period in %(currency)s"),
    ReportName.SETTLEMENTS: N_("Net paid out per period in %(currency)s"),
    ReportName.CUSTOMERS: N_("New and returning customers per period in %(currency)s"),
    ReportName.COHORTS: N_("Retention of each cohort, in percent, by months after the first order"),
    ReportName.RFM: N_("Customers per segment"),
}


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart of the page: its id, Chart.js kind, data and (untranslated) label. With
    ``words`` its axis labels are words to translate (segments, stock states), not values."""

    id: str
    kind: str
    data: dict[str, Any]
    label: str
    currency: str = ""
    words: bool = False

    def translated(self, gettext: Callable[[str], str]) -> Chart:
        """The chart with its series names (and its word labels) in the reader's language;
        what the catalogue does not hold (channel codes, currencies, months) stays as it is."""
        labels = self.data.get("labels", [])
        data = {
            **self.data,
            "labels": [gettext(str(x).replace("_", " ")) for x in labels] if self.words else labels,
            "datasets": [
                {**d, "label": gettext(str(d.get("label", "")))}
                for d in self.data.get("datasets", [])
            ],
        }
        return replace(self, data=data)


def _major(amount: int | None, currency: str) -> float:
    """Minor units as the number a chart draws (major units)."""
    return float(Money.from_minor(amount or 0, currency).amount) if currency else 0.0


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _by(rows: Iterable[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[str(row.get(key) or "")].append(row)
    return dict(sorted(grouped.items()))


def _per_period(report: Report, figure: str, series: str, chart_kind: str = "bar") -> list[Chart]:
    """One chart per currency: ``figure`` summed per period, one dataset per ``series`` value
    (money in major units)."""
    money = _kind_of(report, figure) is Kind.MONEY
    charts = []
    for currency, rows in _by(report.as_dicts(), "currency").items():
        periods = sorted({str(r["period"]) for r in rows})
        sums: dict[str, dict[str, int]] = {}
        for r in rows:
            line = sums.setdefault(str(r[series] or ""), dict.fromkeys(periods, 0))
            line[str(r["period"])] += _int(r[figure])
        datasets = [
            {
                "label": name or "—",
                "data": [_major(v, currency) if money else v for v in sums[name].values()],
            }
            for name in sorted(sums)
        ]
        data = {"labels": periods, "datasets": datasets, "stacked": chart_kind == "bar"}
        charts.append(
            Chart(f"chart-{report.name}-{currency or 'all'}", chart_kind, data,
                  CHART_LABELS[report.name], currency)
        )  # fmt: skip
    return charts


def _kind_of(report: Report, name: str) -> Kind | None:
    return next((c.kind for c in report.columns if c.name == name), None)


def _sales(report: Report) -> list[Chart]:
    return _per_period(report, "net_minor", "channel")


def _payments(report: Report) -> list[Chart]:
    charts = []
    for currency, rows in _by(report.as_dicts(), "currency").items():
        periods = sorted({str(r["period"]) for r in rows})
        captured = dict.fromkeys(periods, 0)
        refunded = dict.fromkeys(periods, 0)
        for r in rows:
            captured[str(r["period"])] += _int(r["captured_minor"])
            refunded[str(r["period"])] += _int(r["refunded_minor"])
        data = {
            "labels": periods,
            "datasets": [
                {"label": "captured", "data": [_major(v, currency) for v in captured.values()]},
                {"label": "refunded", "data": [_major(v, currency) for v in refunded.values()]},
            ],
        }
        charts.append(
            Chart(f"chart-payments-{currency}", "bar", data, CHART_LABELS[report.name], currency)
        )
    return charts


def _settlements(report: Report) -> list[Chart]:
    return _per_period(report, "net_minor", "currency")


def _ranking(report: Report, key: str) -> list[Chart]:
    """Net sales of the first ``TOP_PRODUCTS`` rows per currency, labelled by ``key``."""
    charts = []
    for currency, rows in _by(report.as_dicts(), "currency").items():
        top = sorted(rows, key=lambda r: _int(r["rank"]))[:TOP_PRODUCTS]
        data = {
            "labels": [str(r[key]) or "—" for r in top],
            "datasets": [
                {"label": "net", "data": [_major(_int(r["net_minor"]), currency) for r in top]}
            ],
        }
        chart_id = f"chart-{report.name.value}-{currency}"
        charts.append(Chart(chart_id, "bar", data, CHART_LABELS[report.name], currency))
    return charts


def _products(report: Report) -> list[Chart]:
    return _ranking(report, "sku")


def _categories(report: Report) -> list[Chart]:
    return _ranking(report, "category")


def return_rates(report: Report) -> dict[str, tuple[int, int]]:
    """Per reason: units cancelled, returned or credited, and the units ordered of the channel ×
    SKU × currency rows that reason names (each such row counted once per reason)."""
    units: dict[str, int] = defaultdict(int)
    ordered: dict[str, dict[tuple[Any, ...], int]] = defaultdict(dict)
    for r in report.as_dicts():
        reason = str(r["reason"] or "")
        units[reason] += _int(r["units"])
        ordered[reason][(r["channel"], r["sku"], r["currency"])] = _int(r["ordered_units"])
    return {reason: (units[reason], sum(ordered[reason].values())) for reason in sorted(units)}


def _returns(report: Report) -> list[Chart]:
    rates = return_rates(report)
    data = {
        "labels": [reason or "—" for reason in rates],
        "datasets": [
            {
                "label": "%",
                "data": [round(100 * n / d, 2) if d else 0 for n, d in rates.values()],
            }
        ],
    }
    return [Chart("chart-returns", "bar", data, CHART_LABELS[report.name])]


def _fulfilment(report: Report) -> list[Chart]:
    rows = report.as_dicts()
    periods = sorted({str(r["period"]) for r in rows})
    shipped = dict.fromkeys(periods, 0)
    late = dict.fromkeys(periods, 0)
    for r in rows:
        shipped[str(r["period"])] += _int(r["shipped"])
        late[str(r["period"])] += _int(r["late"])
    data = {
        "labels": periods,
        "datasets": [
            {"label": "shipped", "data": list(shipped.values())},
            {"label": "late", "data": list(late.values())},
        ],
    }
    return [Chart("chart-fulfilment", "bar", data, CHART_LABELS[report.name])]


def _inventory(report: Report) -> list[Chart]:
    rows = report.as_dicts()
    out = sum(_int(r["stock_out"]) for r in rows)
    data = {
        "labels": ["in stock", "out of stock"],
        "datasets": [{"label": "SKUs", "data": [len(rows) - out, out]}],
    }
    return [Chart("chart-inventory", "doughnut", data, CHART_LABELS[report.name], words=True)]


def _customers(report: Report) -> list[Chart]:
    charts = []
    for currency, rows in _by(report.as_dicts(), "currency").items():
        periods = sorted({str(r["period"]) for r in rows})
        new = dict.fromkeys(periods, 0)
        returning = dict.fromkeys(periods, 0)
        for r in rows:
            new[str(r["period"])] += _int(r["new_customers"])
            returning[str(r["period"])] += _int(r["returning_customers"])
        data = {
            "labels": periods,
            "datasets": [
                {"label": "new", "data": list(new.values())},
                {"label": "returning", "data": list(returning.values())},
            ],
            "stacked": True,
        }
        charts.append(
            Chart(f"chart-customers-{currency}", "bar", data, CHART_LABELS[report.name], currency)
        )
    return charts


@dataclass(frozen=True, slots=True)
class CohortTable:
    """Cohorts as rows, months after the first order as columns (retention in basis points)."""

    months: list[int]
    rows: list[tuple[str, int, list[int | None]]]
    """(cohort, size, retention per month after; None where the month is past the range)."""


def cohort_table(report: Report) -> CohortTable:
    """Every month after the first order from 0 to the last one seen: a month inside the range
    that no cohort member ordered in is 0 (the report has no row for it), one past the range's
    end is empty."""
    found: dict[str, dict[int, int]] = defaultdict(dict)
    sizes: dict[str, int] = {}
    for r in report.as_dicts():
        cohort = str(r["cohort"])
        found[cohort][_int(r["months_after"])] = _int(r["retention_bp"])
        sizes[cohort] = _int(r["cohort_customers"])
    last = max((m for by_month in found.values() for m in by_month), default=-1)
    months = list(range(last + 1))
    end = report.filters.end.year * 12 + report.filters.end.month - 1
    rows = []
    for cohort in sorted(found):
        year, month = (int(part) for part in cohort.split("-")[:2])
        left = end - (year * 12 + month - 1)
        retention = [found[cohort].get(m, 0) if m <= left else None for m in months]
        rows.append((cohort, sizes[cohort], retention))
    return CohortTable(months, rows)


def _cohorts(report: Report) -> list[Chart]:
    table = cohort_table(report)
    datasets = [
        {
            "label": cohort,
            "data": [None if bp is None else round(bp / 100, 2) for bp in retention],
        }
        for cohort, _, retention in table.rows[-COHORT_LINES:]
    ]
    data = {"labels": [str(m) for m in table.months], "datasets": datasets}
    return [Chart("chart-cohorts", "line", data, CHART_LABELS[report.name])]


def _rfm(report: Report) -> list[Chart]:
    rows = report.as_dicts()
    segments = [s for s in SEGMENT_ORDER if any(r["segment"] == s for r in rows)]
    datasets = []
    for currency, mine in _by(rows, "currency").items():
        counts = {str(r["segment"]): _int(r["customers"]) for r in mine}
        datasets.append({"label": currency, "data": [counts.get(s, 0) for s in segments]})
    data = {"labels": segments, "datasets": datasets}
    return [Chart("chart-rfm", "bar", data, CHART_LABELS[report.name], words=True)]


SEGMENT_ORDER = (
    "champions",
    "loyal",
    "new",
    "promising",
    "needs_attention",
    "at_risk",
    "hibernating",
)

VALUE_TEXTS = (
    N_("champions"),
    N_("loyal"),
    N_("new"),
    N_("promising"),
    N_("needs attention"),
    N_("at risk"),
    N_("hibernating"),
    N_("cancellation"),
    N_("return"),
    N_("credit"),
    N_("net"),
    N_("shipped"),
    N_("late"),
    N_("SKUs"),
    N_("in stock"),
    N_("out of stock"),
    N_("returning"),
    N_("captured"),
    N_("refunded"),
)
"""The segment and kind values the report table translates (``_(value|replace("_", " "))`` in
reports/show.html) and the words the charts show (``Chart.translated``), marked here so that
``make console-messages`` extracts them."""

CHARTS: dict[ReportName, Callable[[Report], list[Chart]]] = {
    ReportName.SALES: _sales,
    ReportName.PRODUCTS: _products,
    ReportName.CATEGORIES: _categories,
    ReportName.RETURNS: _returns,
    ReportName.FULFILMENT: _fulfilment,
    ReportName.INVENTORY: _inventory,
    ReportName.PAYMENTS: _payments,
    ReportName.SETTLEMENTS: _settlements,
    ReportName.CUSTOMERS: _customers,
    ReportName.COHORTS: _cohorts,
    ReportName.RFM: _rfm,
}


# -- pages ------------------------------------------------------------------------------------


@router.get("/reports")
def report_index(request: Request, _staff: Reader) -> Response:
    """The reports, each with what it shows."""
    listed = [(name, TITLES[name], DESCRIPTIONS[name]) for name in ReportName]
    return render(request, "console/reports/index.html", {"reports": listed})


def _channel_codes(request: Request, staff: Staff) -> list[str]:
    found = channels.list_channels(
        uow=uow_of(request), after=None, limit=200, visible_to=staff.principal.channel_scope
    )
    return [channel.code for channel in found]


def _filters(values: dict[str, str], codes: list[str], request: Request) -> Filters:
    """The typed filters, every bad field named at once (an unknown channel too)."""
    problems: list[FieldProblem] = []
    filters = None
    try:
        filters = parse_filters(
            start=values["from"] or None,
            end=values["to"] or None,
            channel=values["channel"] or None,
            country=values["country"] or None,
            granularity=values["granularity"] or None,
            today=request.app.state.clock.now().date(),
        )
    except Invalid as error:
        problems.extend(error.problems)
    if values["channel"] and values["channel"] not in codes:
        problems.append(FieldProblem("channel", "no such channel"))
    if problems or filters is None:
        raise Invalid("the report's filters are invalid", problems=problems)
    return filters


def report_page(name: ReportName) -> Callable[..., Response]:
    """The page of one report (a route of its own, so every report is a page of the tour)."""

    def page(request: Request, staff: Reader) -> Response:
        params = request.query_params
        values = {field: params.get(field, "").strip() for field in FIELDS}
        codes = _channel_codes(request, staff)
        context: dict[str, Any] = {
            "name": name,
            "title": TITLES[name],
            "description": DESCRIPTIONS[name],
            "values": values,
            "errors": None,
            "codes": codes,
            "periodic": name in PERIODIC,
            "scoped": name not in UNSCOPED,
            "report": None,
        }
        try:
            filters = _filters(values, codes, request)
            report = run_report(
                name, filters, uow=uow_of(request), visible_to=staff.principal.channel_scope
            )
        except DomainError as error:
            context["errors"] = FormErrors.of(error)
            return render(request, "console/reports/show.html", context, status=422)
        if params.get("format") == "csv":
            disposition = f'attachment; filename="{csv_filename(report)}"'
            return Response(
                report_csv(report),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
            )
        gettext = translations(language_of(staff.user.locale)).gettext
        context |= _report_context(report, gettext)
        return render(request, "console/reports/show.html", context)

    page.__name__ = f"{name.value}_report"
    page.__doc__ = f"The {name.value} report: filters, chart, table and CSV."
    return page


def _report_context(report: Report, gettext: Callable[[str], str]) -> dict[str, Any]:
    f = report.filters
    shown = {
        "from": f.start.isoformat(),
        "to": f.end.isoformat(),
        "channel": f.channel or "",
        "country": f.country or "",
        "granularity": f.granularity.value,
    }
    return {
        "report": report,
        "rows": report.as_dicts()[:TABLE_ROWS],
        "total_rows": len(report.rows),
        "charts": [c.translated(gettext) for c in CHARTS[report.name](report)]
        if report.rows
        else [],
        "cohorts": cohort_table(report) if report.name is ReportName.COHORTS else None,
        "rates": return_rates(report) if report.name is ReportName.RETURNS else None,
        "csv_query": urlencode({**{k: v for k, v in shown.items() if v}, "format": "csv"}),
        "column_labels": COLUMN_LABELS,
    }


for _name in ReportName:
    router.add_api_route(f"/reports/{_name.value}", report_page(_name), methods=["GET"])
