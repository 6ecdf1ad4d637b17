"""Reports on a real sample of the UCI Online Retail file (its first 15,000 lines and later
credit notes of the same customers, sliced as the history import's test slices it), imported
once per backend through ``oms.history`` (SQLite and PostgreSQL): every report at every
granularity, and with a country and a channel filter, equals DuckDB's answer over the Parquet
export to the cent; the sales report's figures equal figures computed here from the CSV
sample itself, without the importer's code.

The whole file on both databases is ``make reports-check`` (docs/reports.md records its run).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Engine

from oms.history.domain.reading import ImportFormat
from oms.history.services import ImportHistory, import_history
from oms.platform.unit_of_work import UnitOfWork
from oms.reports.domain import Filters, Granularity, ReportName, Value
from oms.reports.repository import export, parquet_sql
from oms.reports.services import run_report
from tests.conftest import empty
from tests.integration.test_history_import import sample  # noqa: F401 (the sample fixture)

YEAR = Filters(start=date(2010, 12, 1), end=date(2011, 12, 9))
SHIPPING = {"POST", "DOT", "C2"}
DISCOUNT = {"D"}
CHARGES = {"M", "BANK CHARGES", "AMAZONFEE", "CRUK", "S", "B"}
"""Non-goods codes as docs/import.md maps them (the rest is goods)."""


@pytest.fixture(scope="module")
def imported(database: Engine, sample: bytes) -> Iterator[Engine]:  # noqa: F811 (the fixture)
    empty(database)
    import_history(
        ImportHistory(
            content=sample,
            file_name="sample.csv",
            format=ImportFormat.ONLINE_RETAIL,
            channel=None,
            actor="test",
        ),
        uow=UnitOfWork(database),
    )
    yield database
    empty(database)


@pytest.fixture(scope="module")
def duck(imported: Engine, tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    folder = tmp_path_factory.mktemp("parquet")
    export.write_parquet(imported, folder)
    return parquet_sql.connect(Path(folder))


def canonical(rows: list[tuple[Value, ...]]) -> list[tuple[Value, ...]]:
    return sorted(rows, key=lambda row: tuple((v is None, str(v)) for v in row))


def _filters(
    granularity: Granularity, *, channel: str | None = None, country: str | None = None
) -> Filters:
    return Filters(
        start=YEAR.start, end=YEAR.end, granularity=granularity, channel=channel, country=country
    )


@pytest.mark.parametrize("name", list(ReportName))
def test_every_report_equals_duckdb_on_the_real_sample(
    imported: Engine, duck: duckdb.DuckDBPyConnection, name: ReportName
) -> None:
    variants = [_filters(g) for g in Granularity]
    if name is not ReportName.SETTLEMENTS:
        variants += [
            _filters(Granularity.WEEK, country="GB"),
            _filters(Granularity.DAY, country="FR"),
            _filters(Granularity.MONTH, channel="online-retail"),
        ]
    uow = UnitOfWork(imported)
    for filters in variants:
        ours = canonical(run_report(name, filters, uow=uow).rows)
        theirs = canonical(parquet_sql.run(duck, name, filters))
        assert ours == theirs, filters
    found = run_report(name, variants[0], uow=uow).rows
    # the history has no fulfilment, stock, payments or settlement rows: those reports are
    # empty on it, the order-based ones are not
    empty_here = {
        ReportName.FULFILMENT,
        ReportName.INVENTORY,
        ReportName.PAYMENTS,
        ReportName.SETTLEMENTS,
    }
    assert bool(found) == (name not in empty_here)


def _pence(quantity: int, price: str) -> int:
    return int((Decimal(price) * quantity * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def sales_of_the_csv(content: bytes) -> dict[str, dict[str, int]]:
    """Per UTC day (December: UK time is UTC): the sample's invoices and their figures."""
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))
    sold = [r for r in rows if r["InvoiceNo"][0].isdigit() and int(r["Quantity"]) > 0]
    placed: dict[str, datetime] = {}
    for r in sold:
        at = datetime.strptime(r["InvoiceDate"], "%m/%d/%Y %H:%M")
        placed[r["InvoiceNo"]] = min(placed.get(r["InvoiceNo"], at), at)
    assert all(at.month == 12 for at in placed.values()), "the sample is winter time only"
    days: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for at in placed.values():
        days[at.date().isoformat()]["orders"] += 1
    for r in sold:
        figures = days[placed[r["InvoiceNo"]].date().isoformat()]
        code, quantity = r["StockCode"].upper(), int(r["Quantity"])
        amount = _pence(quantity, r["UnitPrice"])
        if code in SHIPPING:
            figures["shipping_minor"] += amount
        elif code in DISCOUNT:
            amount = -abs(amount)
            figures["discounts_minor"] += -amount
        elif code in CHARGES or code.startswith("GIFT_0001"):
            figures["other_charges_minor"] += amount
        else:
            figures["units"] += quantity
            figures["gross_minor"] += amount
        figures["net_minor"] += amount
    return {day: dict(figures) for day, figures in days.items()}


FIGURES = (
    "orders",
    "units",
    "gross_minor",
    "discounts_minor",
    "shipping_minor",
    "other_charges_minor",
    "net_minor",
)


def test_sales_equal_the_figures_of_the_csv_sample(
    imported: Engine,
    sample: bytes,  # noqa: F811 (the fixture)
) -> None:
    expected = sales_of_the_csv(sample)
    got: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    report = run_report(ReportName.SALES, _filters(Granularity.DAY), uow=UnitOfWork(imported))
    for row in report.as_dicts():
        assert row["currency"] == "GBP"
        assert row["channel"] == "online-retail"
        assert row["tax_minor"] == 0
        for figure in FIGURES:
            got[str(row["period"])][figure] += int(row[figure] or 0)
    assert {day: {f: got[day][f] for f in FIGURES} for day in got} == {
        day: {f: figures.get(f, 0) for f in FIGURES} for day, figures in expected.items()
    }
    total = sum(f["net_minor"] for f in expected.values())
    assert sum(f["orders"] for f in expected.values()) > 500
    assert total > 0
    monthly = run_report(ReportName.SALES, YEAR, uow=UnitOfWork(imported)).as_dicts()
    assert sum(int(r["net_minor"] or 0) for r in monthly) == total
