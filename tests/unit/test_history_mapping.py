"""The history import's pure part: reading lines, what each becomes, matching credit notes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from oms.history.domain.importing import Plan, plan_import
from oms.history.domain.online_retail import line_kind, parse_invoice_date, parse_line
from oms.history.domain.plan import Known
from oms.history.domain.reading import ImportFormat, read
from oms.history.domain.source import BadLine, LineKind, Reject, to_minor

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"


def _row(
    invoice: str, code: str, quantity: int, price: str, customer: str = "17850"
) -> dict[str, str]:
    return {
        "InvoiceNo": invoice,
        "StockCode": code,
        "Description": "WHITE MUG",
        "Quantity": str(quantity),
        "InvoiceDate": "12/1/2010 8:26",
        "UnitPrice": price,
        "CustomerID": customer,
        "Country": "EIRE",
    }


def test_invoice_dates_are_uk_local_time_stored_as_utc() -> None:
    assert parse_invoice_date("12/1/2010 8:26") == datetime(2010, 12, 1, 8, 26, tzinfo=UTC)
    assert parse_invoice_date("6/1/2011 9:00") == datetime(2011, 6, 1, 8, 0, tzinfo=UTC)


def test_non_goods_codes_are_charges_and_pads_stays_goods() -> None:
    assert line_kind("POST") is LineKind.SHIPPING
    assert line_kind("m") is LineKind.MANUAL
    assert line_kind("AMAZONFEE") is LineKind.FEE
    assert line_kind("gift_0001_20") is LineKind.OTHER
    assert line_kind("PADS") is LineKind.PRODUCT
    assert line_kind("85123A") is LineKind.PRODUCT


def test_a_line_keeps_its_country_name_next_to_the_iso_code() -> None:
    line = parse_line(2, _row("536365", "85123A", 6, "2.55"))
    assert (line.country, line.country_name, line.amount_minor) == ("IE", "EIRE", 1530)


def test_a_negative_quantity_outside_a_credit_note_is_a_stock_adjustment_refused() -> None:
    with pytest.raises(BadLine) as refused:
        parse_line(2, _row("536999", "21275", -3, "0", customer=""))
    assert refused.value.field == "Quantity"


def test_line_amounts_round_half_even_once_per_line() -> None:
    assert to_minor(Decimal("0.001") * 1, "GBP") == 0
    assert to_minor(Decimal("0.125") * 1, "GBP") == 12
    assert to_minor(Decimal("0.135"), "GBP") == 14


def _plan(*rows: dict[str, str]) -> tuple[Plan, list[Reject]]:
    rejects: list[Reject] = []
    lines = [parse_line(n, row) for n, row in enumerate(rows, start=2)]
    return plan_import(lines, Known(), "online-retail", rejects), rejects


def test_a_credit_note_returns_units_bought_earlier_and_credits_the_rest() -> None:
    plan, _ = _plan(
        _row("536365", "85123A", 6, "2.55"),
        _row("536366", "85123A", 2, "2.55"),
        _row("C536400", "85123a", -10, "2.55"),
        _row("C536401", "POST", -1, "18.00"),
    )
    assert plan.figures()["returns"] == 2
    orders = {o.document: o for o in plan.orders}
    assert [line.returned_quantity for line in orders["536366"].lines] == [2]
    assert [line.returned_quantity for line in orders["536365"].lines] == [6]
    credits = plan.credits
    assert [(c.kind, c.quantity, c.amount_minor) for c in credits] == [
        ("return", -2, -510), ("shipping", -1, -1800),
    ]  # fmt: skip
    assert orders["536365"].payment_status == "refunded"


def test_a_rerun_plans_nothing() -> None:
    rows = (_row("536365", "85123A", 6, "2.55"),)
    plan, _ = _plan(*rows)
    known = Known(documents=frozenset({"536365"}))
    again = plan_import([parse_line(2, rows[0])], known, "online-retail", [])
    assert (again.orders, again.skipped_documents) == ([], 1)
    assert plan.figures()["orders"] == 1


def test_a_file_is_read_with_its_own_figures_and_its_rejects() -> None:
    content = "\n".join([
        HEADER,
        "536365,85123A,WHITE MUG,6,12/1/2010 8:26,2.55,17850,United Kingdom",
        "536365,POST,POSTAGE,1,12/1/2010 8:26,18,17850,United Kingdom",
        "536366,22633,HAND WARMER,x,12/1/2010 8:28,1.85,17850,Atlantis",
    ]).encode()  # fmt: skip
    found = read(content, ImportFormat.ONLINE_RETAIL)
    assert len(found.lines) == 2
    assert [(r.row, r.field) for r in found.rejects] == [(4, "Quantity")]
    assert found.figures.as_dict()["documents"] == 2
    assert found.figures.as_dict()["amount"] == "33.30"
