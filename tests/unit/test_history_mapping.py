"""The history import's pure part: reading lines, what each becomes, matching credit notes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from oms.history.domain.figures import FileFigures
from oms.history.domain.importing import Plan, plan_import
from oms.history.domain.online_retail import Parser, line_kind, parse_invoice_date, parse_line
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


def test_a_parser_reads_each_line_as_a_line_read_alone_would_be_read() -> None:
    """The parser's caches (per invoice/date/customer/country, code/description and
    quantity/price) hand every line the readings it would get on its own."""
    rows = [
        _row("536365", "85123A", 6, "2.55"),
        _row("536365", "85123A", 6, "2.55"),
        _row("536365", "85123a", 2, "2.55"),
        _row("C536366", "85123A", -6, "2.55"),
        _row("A563185", "B", 1, "11062.06", customer=""),
        _row("536367", "POST", 1, "18", customer="12583.0"),
    ]
    parser = Parser(list(rows[0]))
    for number, row in enumerate(rows, start=2):
        assert parser(number, list(row.values())) == parse_line(number, row)
    again = parser(9, list(rows[0].values()))
    assert (again.row, again.amount_minor, again.unit_price_minor) == (9, 1530, 255)
    assert parser(7, list(rows[5].values())).customer_ref == "12583"
    assert parser(6, list(rows[4].values())).kind is LineKind.BAD_DEBT


def test_a_bad_line_names_its_first_bad_field_even_when_its_other_fields_were_seen() -> None:
    parser = Parser(list(_row("536365", "85123A", 6, "2.55")))
    parser(2, list(_row("536365", "85123A", 6, "2.55").values()))
    faults = {
        "Quantity": _row("536365", "85123A", -6, "2.55"),  # a stock adjustment
        "UnitPrice": {**_row("536365", "85123A", 6, "2.55"), "UnitPrice": "x"},
        "InvoiceDate": {**_row("536365", "85123A", 6, "2.55"), "InvoiceDate": "yesterday"},
        "Country": {**_row("536365", "85123A", 6, "2.55"), "Country": "Atlantis"},
        "StockCode": {**_row("536365", "", 6, "2.55"), "Country": "Atlantis"},
    }
    for field, row in faults.items():
        with pytest.raises(BadLine) as refused:
            parser(3, list(row.values()))
        assert refused.value.field == field
    # the good readings stay usable after the faults
    assert parser(4, list(_row("536365", "85123A", 6, "2.55").values())).amount_minor == 1530


def test_the_files_sums_count_each_quantity_and_price_as_often_as_it_occurs() -> None:
    figures = FileFigures()
    for _ in range(3):
        figures.add("536365", "85123A", "17850", "EIRE", "6", "2.55")
    figures.add("536366", "POST", "", "", "-1", "0.001")
    figures.add("536367", "X", "", "", "x", "1")  # unreadable: counted as a line only
    assert figures.as_dict() == {
        "lines": 5, "documents": 3, "codes": 3, "customers": 1, "countries": 1,
        "quantity": 17, "amount": "45.899",
    }  # fmt: skip


def test_credit_notes_match_only_the_customer_and_sku_pairs_they_ask_for() -> None:
    plan, _ = _plan(
        _row("536365", "85123A", 6, "2.55"),
        _row("536365", "71053", 6, "3.39"),
        _row("536366", "85123A", 4, "2.55", customer="13047"),
        _row("C536400", "85123A", -2, "2.55"),
    )
    orders = {o.document: o for o in plan.orders}
    assert [line.returned_quantity for line in orders["536365"].lines] == [2, 0]
    assert [line.returned_quantity for line in orders["536366"].lines] == [0]
    assert orders["536365"].return_status == "partially_returned"
    assert orders["536366"].return_status == "none"
    assert plan.figures()["credits"] == 0
