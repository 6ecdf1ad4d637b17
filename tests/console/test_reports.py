"""The console's report pages on the demo merchant (SQLite and PostgreSQL): every page's table
holds the service's figures (read back from the HTML, money with its currency), the chart is
drawn from them, a bad filter is a 422 with messages next to the fields and the values kept,
the CSV download is the API's CSV, and only roles with ``reports:read`` get in. On an empty
database every page shows its empty state."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from babel.numbers import format_currency, format_decimal, format_percent
from sqlalchemy import Engine

from oms.app import demo
from oms.console.pages.reports import TABLE_ROWS, cohort_table, return_rates
from oms.payments.settlements import services as settlements
from oms.payments.settlements.domain import StatementFormat
from oms.platform.unit_of_work import UnitOfWork
from oms.reports.domain import Filters, Granularity, Kind, Report, ReportName, columns
from oms.reports.services import run_report
from oms.reports.views import report_csv
from oms.shared.money import Money
from tests.console.conftest import StaffFor

START = date(2000, 1, 1)


def _end() -> date:
    return date.today() + timedelta(days=1)


class Tables(HTMLParser):
    """Each table's body rows as the text of their cells, by the table's id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs).get("id") or ""
            self.tables[self._table] = []
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_of(page: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(page)
    return parser.tables


def expected_cell(kind: Kind, name: str, value: object, currency: object) -> str:  # noqa: PLR0911 (one format per kind)
    """A figure as the page writes it in English (the same Babel formats the console uses)."""
    if value is None:
        return "—"
    if kind is Kind.MONEY and isinstance(value, int) and currency:
        money = Money.from_minor(value, str(currency))
        return format_currency(money.amount, money.currency, locale="en")
    if kind is Kind.COUNT and isinstance(value, int):
        return format_decimal(value, locale="en")
    if kind is Kind.BASIS_POINTS and isinstance(value, int):
        return format_percent(value / 10_000, format="#,##0.00%", locale="en")
    if kind is Kind.SECONDS and isinstance(value, int):
        return f"{format_decimal(round(value / 3600, 1), locale='en')} h"
    if name in ("segment", "kind"):
        return str(value).replace("_", " ")
    return str(value) or "—"


def service_report(engine: Engine, name: ReportName, filters: Filters) -> Report:
    return run_report(name, filters, uow=UnitOfWork(engine))


def wide(granularity: Granularity = Granularity.MONTH) -> Filters:
    return Filters(start=START, end=_end(), granularity=granularity)


def query(granularity: str = "month") -> str:
    return f"?from={START.isoformat()}&to={_end().isoformat()}&granularity={granularity}"


def reconcile_the_demos_settlement_file(engine: Engine, summary: demo.Summary) -> None:
    assert summary.settlement_file is not None
    settlements.reconcile_file(
        settlements.ReconcileFile(
            format=StatementFormat("stripe"),
            content=summary.settlement_file.read_bytes(),
            file_name=summary.settlement_file.name,
            actor="test",
        ),
        uow=UnitOfWork(engine),
    )


def test_each_report_page_shows_the_services_figures(
    engine: Engine, staff_for: StaffFor, demo_merchant: demo.Summary
) -> None:
    reconcile_the_demos_settlement_file(engine, demo_merchant)
    console = staff_for("finance")
    for name in ReportName:
        expected = service_report(engine, name, wide(Granularity.WEEK))
        assert expected.rows or name is ReportName.FULFILMENT, f"the demo has no {name}"
        answer = console.get(f"/console/reports/{name.value}" + query("week"))
        assert answer.status_code == 200, answer.text
        page = answer.text
        rows = tables_of(page)["report-table"]
        assert len(rows) == min(len(expected.rows), TABLE_ROWS)
        for shown, row in zip(rows, expected.as_dicts(), strict=False):
            wanted = [
                expected_cell(c.kind, c.name, row[c.name], row.get("currency"))
                for c in expected.columns
            ]
            assert shown == wanted, name
        if expected.rows:
            assert 'data-chart="' in page
            assert "Nothing in this range." not in page
        assert re.search(r'href="/console/reports/[^"]+format=csv"', page), name


def test_the_sales_chart_is_net_per_period_per_channel(
    engine: Engine, staff_for: StaffFor, demo_merchant: demo.Summary
) -> None:
    expected = service_report(engine, ReportName.SALES, wide())
    page = staff_for("admin").get("/console/reports/sales" + query()).text
    charts = {
        m.group(1): json.loads(html.unescape(m.group(2)))
        for m in re.finditer(
            r'<canvas id="([^"]+)" data-chart="bar" data-chart-data="([^"]+)"', page
        )
    }
    totals: dict[tuple[str, str, str], int] = {}
    for row in expected.as_dicts():
        key = (str(row["currency"]), str(row["channel"]), str(row["period"]))
        totals[key] = totals.get(key, 0) + int(row["net_minor"] or 0)
    drawn: dict[tuple[str, str, str], int] = {}
    for chart_id, data in charts.items():
        currency = chart_id.removeprefix("chart-sales-")
        for dataset in data["datasets"]:
            for period, amount in zip(data["labels"], dataset["data"], strict=True):
                if amount:
                    drawn[(currency, dataset["label"], period)] = round(amount * 100)
    assert drawn == {k: v for k, v in totals.items() if v}
    assert len(charts) == len({c for c, _, _ in totals})


def charts_of(page: str) -> dict[str, dict[str, Any]]:
    return {
        m.group(1): json.loads(html.unescape(m.group(2)))
        for m in re.finditer(
            r'<canvas id="([^"]+)" data-chart="\w+" data-chart-data="([^"]+)"', page
        )
    }


def test_the_charts_words_are_in_the_readers_language(
    engine: Engine, staff_for: StaffFor, demo_merchant: demo.Summary
) -> None:
    english = charts_of(staff_for("admin").get("/console/reports/rfm" + query()).text)
    german = staff_for("admin", locale="de")
    rfm = charts_of(german.get("/console/reports/rfm" + query()).text)["chart-rfm"]
    segments = english["chart-rfm"]["labels"]
    assert "needs attention" in segments or "champions" in segments
    assert "needs_attention" not in segments
    assert len(rfm["labels"]) == len(segments)
    if "champions" in segments:
        assert rfm["labels"][segments.index("champions")] == "Spitzenkunden"
    assert {d["label"] for d in rfm["datasets"]} <= {"EUR", "USD", "GBP"}, "codes stay"
    stock = charts_of(german.get("/console/reports/inventory").text)["chart-inventory"]
    assert stock["labels"] == ["auf Lager", "nicht auf Lager"]
    top = charts_of(german.get("/console/reports/categories" + query()).text)
    assert top, "a chart per currency"
    for data in top.values():
        assert [d["label"] for d in data["datasets"]] == ["netto"]
        assert any(label.startswith("Apparel > ") for label in data["labels"]), "as filed"


def test_cohorts_and_returns_show_their_derived_tables(
    engine: Engine, staff_for: StaffFor, demo_merchant: demo.Summary
) -> None:
    console = staff_for("marketing")
    cohorts = service_report(engine, ReportName.COHORTS, wide())
    table = cohort_table(cohorts)
    shown = tables_of(console.get("/console/reports/cohorts" + query()).text)["cohort-table"]
    assert [row[:2] for row in shown] == [[c, str(size)] for c, size, _ in table.rows]
    first_month = [row[2] for row in shown]
    assert all(cell == "100.0%" for cell in first_month)  # everyone ordered in their own month
    assert table.months == list(range(len(table.months)))
    for row, (_, _, retention) in zip(shown, table.rows, strict=True):
        assert row[2:] == [
            "" if bp is None else format_percent(bp / 10_000, "#,##0.0%", locale="en")
            for bp in retention
        ]
    assert sum(size for _, size, _ in table.rows) == sum(
        int(r["cohort_customers"] or 0) for r in cohorts.as_dicts() if r["months_after"] == 0
    )
    returns = service_report(engine, ReportName.RETURNS, wide())
    rates = return_rates(returns)
    shown = tables_of(console.get("/console/reports/returns" + query()).text)["rate-table"]
    assert [row[0] for row in shown] == [reason or "—" for reason in rates]
    assert sum(units for units, _ in rates.values()) == sum(
        int(r["units"] or 0) for r in returns.as_dicts()
    )


def test_the_cohort_table_fills_the_months_nobody_ordered_in() -> None:
    """The report has no row for a month without orders: inside the range it is 0%, past the
    range's end it is empty."""
    report = Report(
        ReportName.COHORTS,
        Filters(start=date(2026, 1, 1), end=date(2026, 3, 31)),
        columns(
            {
                "cohort": Kind.DIMENSION,
                "months_after": Kind.COUNT,
                "cohort_customers": Kind.COUNT,
                "active_customers": Kind.COUNT,
                "retention_bp": Kind.BASIS_POINTS,
            }
        ),
        [
            ("2026-01", 0, 10, 10, 10_000),
            ("2026-01", 2, 10, 3, 3_000),
            ("2026-03", 0, 5, 5, 10_000),
        ],
    )
    table = cohort_table(report)
    assert table.months == [0, 1, 2]
    assert table.rows == [
        ("2026-01", 10, [10_000, 0, 3_000]),
        ("2026-03", 5, [10_000, None, None]),
    ]


def test_bad_filters_are_422_next_to_their_fields_with_the_values_kept(
    staff_for: StaffFor, demo_merchant: demo.Summary
) -> None:
    console = staff_for("admin")
    answer = console.get(
        "/console/reports/sales?from=2026-02-30&to=2026-01-01&channel=nowhere&country=D1"
        "&granularity=year"
    )
    assert answer.status_code == 422
    page = answer.text
    for field in ("from", "channel", "country", "granularity"):
        assert f'id="e-{field}" class="error"' in page, field
        assert f'aria-describedby="e-{field}"' in page
    assert 'value="2026-02-30"' in page
    assert 'value="D1"' in page
    assert '<option value="nowhere" selected>' in page
    assert '<option value="year" selected>' in page
    assert 'id="report-table"' not in page
    backwards = console.get("/console/reports/sales?from=2026-02-01&to=2026-01-01")
    assert backwards.status_code == 422
    assert "must not be after" in backwards.text
    # settlements name no channel: asking for one is refused next to the field
    settled = console.get("/console/reports/settlements?channel=web")
    assert settled.status_code == 422
    assert 'id="e-channel" class="error"' in settled.text


def test_the_csv_download_is_the_apis_csv(
    engine: Engine, staff_for: StaffFor, demo_merchant: demo.Summary
) -> None:
    console = staff_for("finance")
    answer = console.get("/console/reports/products" + query() + "&channel=web&format=csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment;")
    filters = Filters(start=START, end=_end(), channel="web")
    expected = service_report(engine, ReportName.PRODUCTS, filters)
    assert answer.text == report_csv(expected)
    lines = list(csv.reader(io.StringIO(answer.text)))
    assert len(lines) == len(expected.rows) + 1 > 1
    page = console.get("/console/reports/products" + query() + "&channel=web").text
    link = re.search(r'href="(/console/reports/products\?[^"]+)"', page)
    assert link is not None
    again = console.get(html.unescape(link.group(1)))
    assert again.text == answer.text


@pytest.mark.parametrize(
    ("role", "status"),
    [("csr", 403), ("warehouse", 403), ("finance", 200), ("marketing", 200), ("admin", 200)],
)
def test_only_roles_that_read_reports_get_in(
    role: str, status: int, staff_for: StaffFor, engine: Engine
) -> None:
    console = staff_for(role)
    assert console.get("/console/reports").status_code == status
    assert console.get("/console/reports/rfm").status_code == status
    assert console.get("/console/reports/sales?format=csv").status_code == status
    nav = console.get("/console").text
    assert ('href="/console/reports"' in nav) == (status == 200)


def test_every_page_has_an_empty_state_on_an_empty_database(
    staff_for: StaffFor, engine: Engine
) -> None:
    console = staff_for("admin")
    index = console.get("/console/reports")
    assert index.status_code == 200
    for name in ReportName:
        assert f'href="/console/reports/{name.value}"' in index.text
        answer = console.get(f"/console/reports/{name.value}")
        assert answer.status_code == 200, name
        assert "Nothing in this range." in answer.text
        assert "data-chart=" not in answer.text
