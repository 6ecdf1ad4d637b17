"""Purchases and their RFM-T summary without fitting anything: the retail file's reading (on
its first lines, checked against a count made here), the calibration and holdout periods, and
the summary the models are fitted on. The models themselves are fitted once per backend in
``tests/integration/test_customer_value_runs.py`` (pymc-marketing takes ~40 s to import)."""

from __future__ import annotations

import csv
import lzma
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from oms.customer_value.domain.purchases import Purchase, outcomes, summarise
from oms.customer_value.repository.purchases import from_retail_file
from oms.customer_value.services.checking import periods_of

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "online_retail.csv.xz"
LINES = 5_000
NOT_GOODS = {"POST", "DOT", "C2", "D", "M", "BANK CHARGES", "AMAZONFEE", "CRUK", "S", "B"}


@pytest.fixture(scope="module")
def head(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first lines of the real file, as a plain CSV."""
    if not DATA.is_file():
        pytest.skip(f"the real dataset is not at {DATA} (see ../shared/data/README.md)")
    with lzma.open(DATA, "rt", encoding="utf-8", newline="") as handle:
        lines = [line for _, line in zip(range(LINES + 1), handle, strict=False)]
    path = tmp_path_factory.mktemp("retail") / "head.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_the_file_reads_as_one_purchase_per_invoice_of_a_known_customer(head: Path) -> None:
    values: dict[str, Decimal] = defaultdict(Decimal)
    with head.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            goods = row["StockCode"].upper() not in NOT_GOODS
            if row["CustomerID"] and row["InvoiceNo"][0].isdigit() and goods:
                values[row["InvoiceNo"]] += Decimal(row["Quantity"]) * Decimal(row["UnitPrice"])
    purchases = from_retail_file(head)
    assert len(purchases) == len(values)
    assert sum(p.value_minor for p in purchases) == pytest.approx(
        float(sum(values.values()) * 100), abs=len(values)
    )
    assert {p.currency for p in purchases} == {"GBP"}
    assert [p.at for p in purchases] == sorted(p.at for p in purchases)


def _bought(customer: str, day: str, value: int = 1_000) -> Purchase:
    at = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return Purchase(customer=customer, at=at, value_minor=value, currency="GBP")


def test_the_calibration_is_nine_calendar_months_and_the_holdout_the_rest() -> None:
    period = periods_of([_bought("a", "2010-12-01T08:26"), _bought("b", "2011-12-09T12:50")])
    assert period.start == datetime(2010, 12, 1, tzinfo=UTC)
    assert period.cutoff == datetime(2011, 9, 1, tzinfo=UTC)
    assert period.end == datetime(2011, 12, 10, tzinfo=UTC)
    assert period.has_holdout
    assert period.holdout_weeks == pytest.approx(100 / 7)
    short = periods_of([_bought("a", "2011-01-03T10:00"), _bought("a", "2011-05-03T10:00")])
    assert not short.has_holdout


def test_a_day_of_orders_is_one_purchase_and_time_is_in_weeks() -> None:
    purchases = [
        _bought("a", "2011-01-03T09:00", 1_000),
        _bought("a", "2011-01-03T15:00", 500),
        _bought("a", "2011-01-17T10:00", 3_000),
        _bought("a", "2011-01-24T10:00", 0),
        _bought("b", "2011-01-10T10:00", 700),
    ]
    a, b = summarise(purchases, end=datetime(2011, 1, 31, tzinfo=UTC))
    assert (a.frequency, a.recency, a.age) == (1, 2.0, 4.0)
    assert (a.repeat_value_minor, a.average_value_minor, a.total_minor) == (3_000, 2_250, 4_500)
    assert (b.frequency, b.recency, b.age, b.repeat_value_minor) == (0, 0.0, 3.0, 0.0)
    later = outcomes(
        purchases, start=datetime(2011, 1, 10, tzinfo=UTC), end=datetime(2011, 2, 1, tzinfo=UTC)
    )
    assert later[("a", "GBP")].purchases == 1
    assert later[("b", "GBP")].spend_minor == 700
