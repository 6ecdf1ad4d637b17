"""What goes on invoices and credit notes: pure rules, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from oms.invoicing.domain import (
    CreditNoteIssued,
    Document,
    DocumentKind,
    InvoiceIssued,
    Issue,
    LineKind,
    Party,
    Sale,
    SaleLine,
    UnitsNotCreditable,
    UnitsNotInvoiceable,
    UnknownOrderLine,
    credit_note,
    credited_lines,
    document_locale,
    document_number,
    invoice,
    invoice_lines,
    issued,
    refund_lines,
    shipping_rate,
    split,
)
from oms.shared.address import Address
from oms.shared.money import Money

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SHIRT = UUID(int=1)
BOOK = UUID(int=2)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def a_sale(**overrides: object) -> Sale:
    """Two shirts at 19 % and a discounted book at 7 %, prices including tax, 4.90 shipping."""
    fields: dict[str, object] = {
        "order_id": uuid4(),
        "order_number": "SO-10001",
        "channel": "web",
        "customer_id": uuid4(),
        "currency": "EUR",
        "locale": "de_DE",
        "prices_include_tax": True,
        "ordered_at": NOW,
        "seller": Party(
            name="Acme GmbH",
            address=Address(
                line1="Lagerstraße 5", city="Hamburg", postal_code="20095", country="DE"
            ),
        ),
        "buyer": Party(
            name="Ada Lovelace",
            address=Address(
                line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
            ),
        ),
        "lines": (
            SaleLine(
                order_line_id=SHIRT,
                sku="TS-1",
                name="T-shirt",
                quantity=3,
                unit_price=eur("19.99"),
                discount=eur("0"),
                tax_rate=Decimal("0.19"),
                tax=eur("9.58"),
                total=eur("59.97"),
            ),
            SaleLine(
                order_line_id=BOOK,
                sku="BK-1",
                name="Book",
                quantity=1,
                unit_price=eur("10.00"),
                discount=eur("1.00"),
                tax_rate=Decimal("0.07"),
                tax=eur("0.59"),
                total=eur("9.00"),
            ),
        ),
        "shipping": eur("4.90"),
        "shipping_tax": eur("0.78"),
        "shipping_rate": Decimal("0.19"),
    }
    fields.update(overrides)
    return Sale(**fields)  # type: ignore[arg-type]


def numbered(number: str, key: str | None = None) -> Issue:
    return Issue(id=uuid4(), number=number, at=NOW, issue_key=key)


def an_invoice(sale: Sale, earlier: list[Document] | None = None, **units: int) -> Document:
    wanted = {SHIRT: units["shirts"], BOOK: units.get("books", 0)} if units else None
    lines = invoice_lines(sale, earlier or [], wanted)
    return invoice(sale, lines, numbered(f"INV-2026-{len(earlier or []) + 1:06d}"), paid=True)


def test_numbers_name_the_series_the_year_and_six_digits() -> None:
    assert document_number(DocumentKind.INVOICE, 2026, 1) == "INV-2026-000001"
    assert document_number(DocumentKind.CREDIT_NOTE, 2027, 42) == "CN-2027-000042"


@pytest.mark.parametrize(
    ("tag", "printed_in"),
    [
        ("de_DE", "de_DE"),
        ("fr", "fr"),
        ("es-MX", "es_MX"),
        ("zh_Hans_CN", "zh_Hans_CN"),
        ("it_IT", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_a_document_is_printed_in_the_buyers_locale_when_its_language_is_supported(
    tag: str | None, printed_in: str
) -> None:
    assert document_locale(tag) == printed_in


def test_the_first_invoice_bills_every_unit_and_the_shipping_and_adds_up_to_the_order() -> None:
    sale = a_sale()
    document = an_invoice(sale)
    assert [(line.kind, line.sku, line.quantity) for line in document.lines] == [
        (LineKind.ITEM, "TS-1", 3),
        (LineKind.ITEM, "BK-1", 1),
        (LineKind.SHIPPING, "", 1),
    ]
    assert document.total == eur("73.87")  # 59.97 + 9.00 + 4.90
    assert document.tax == eur("10.95")  # 9.58 + 0.59 + 0.78
    assert document.net == eur("62.92")
    assert document.locale == "de_DE"
    assert document.paid
    assert document.due_on == NOW.date()


def test_the_tax_breakdown_groups_lines_by_rate_highest_first() -> None:
    taxes = an_invoice(a_sale()).taxes
    assert [(t.rate, t.net, t.tax, t.gross) for t in taxes] == [
        (Decimal("0.19"), eur("54.51"), eur("10.36"), eur("64.87")),
        (Decimal("0.07"), eur("8.41"), eur("0.59"), eur("9.00")),
    ]


def test_nothing_is_left_to_invoice_after_the_whole_order_was() -> None:
    sale = a_sale()
    assert invoice_lines(sale, [an_invoice(sale)]) == ()


def test_shipments_invoice_their_units_and_the_last_one_takes_what_is_left_to_the_cent() -> None:
    sale = a_sale()
    first = an_invoice(sale, shirts=1)
    second = an_invoice(sale, [first], shirts=1, books=1)
    third = an_invoice(sale, [first, second], shirts=1)
    shirts = [ln for d in (first, second, third) for ln in d.lines if ln.sku == "TS-1"]
    assert [ln.total for ln in shirts] == [eur("19.99"), eur("19.99"), eur("19.99")]
    assert [ln.tax for ln in shirts] == [eur("3.19"), eur("3.19"), eur("3.20")]
    assert sum((d.total for d in (first, second, third)), eur("0")) == eur("73.87")
    assert [ln.kind for ln in first.lines] == [LineKind.ITEM, LineKind.SHIPPING]
    assert LineKind.SHIPPING not in {ln.kind for ln in second.lines + third.lines}


def test_invoicing_more_units_than_remain_is_refused_with_the_facts() -> None:
    sale = a_sale()
    first = an_invoice(sale, shirts=2)
    with pytest.raises(UnitsNotInvoiceable) as refused:
        invoice_lines(sale, [first], {SHIRT: 2})
    assert refused.value.facts == {"sku": "TS-1", "requested": 2, "remaining": 1}


def test_invoicing_a_line_the_order_does_not_have_names_it() -> None:
    stranger = uuid4()
    with pytest.raises(UnknownOrderLine) as refused:
        invoice_lines(a_sale(), [], {stranger: 1})
    assert refused.value.problems[0].field == f"lines.{stranger}"


def test_a_refund_is_credited_over_the_invoiced_rates_in_proportion_with_tax_inside() -> None:
    document = an_invoice(a_sale())
    lines = refund_lines(eur("20.00"), [document])
    assert [(ln.kind, ln.tax_rate, ln.total, ln.tax) for ln in lines] == [
        (LineKind.REFUND, Decimal("0.19"), eur("17.56"), eur("2.80")),
        (LineKind.REFUND, Decimal("0.07"), eur("2.44"), eur("0.16")),
    ]
    assert sum((ln.total for ln in lines), eur("0")) == eur("20.00")


def test_a_refund_larger_than_what_is_left_invoiced_credits_only_what_is_left() -> None:
    sale = a_sale()
    document = an_invoice(sale)
    first = credit_note(document, refund_lines(eur("70.00"), [document]), numbered("CN-1"))
    rest = refund_lines(eur("70.00"), [document, first])
    assert sum((ln.total for ln in rest), eur("0")) == eur("3.87")
    assert refund_lines(eur("1.00"), [document, first, replace(first, lines=rest)]) == ()


def test_an_order_never_invoiced_gets_no_credit_lines() -> None:
    assert refund_lines(eur("5.00"), []) == ()


def test_a_credit_note_repeats_the_invoice_it_corrects() -> None:
    document = an_invoice(a_sale())
    note = credit_note(document, refund_lines(eur("5.00"), [document]), numbered("CN-2026-000001"))
    assert note.kind is DocumentKind.CREDIT_NOTE
    assert (note.credited_id, note.credited_number) == (document.id, document.number)
    assert (note.buyer, note.seller, note.locale) == (document.buyer, document.seller, "de_DE")
    assert note.total == eur("5.00")


def test_an_invoice_issued_before_payment_is_due_in_fourteen_days() -> None:
    sale = a_sale()
    unpaid = invoice(sale, invoice_lines(sale, []), numbered("INV-2026-000001"), paid=False)
    assert (unpaid.due_on - NOW.date()).days == 14
    assert not unpaid.paid


def test_the_events_name_the_document_its_order_and_its_money() -> None:
    document = an_invoice(a_sale())
    event = issued(document)
    assert isinstance(event, InvoiceIssued)
    assert (event.aggregate_id, event.number, event.total) == (
        document.order_id,
        document.number,
        eur("73.87"),
    )
    note = credit_note(document, refund_lines(eur("5.00"), [document]), numbered("CN-2026-000001"))
    corrected = issued(note)
    assert isinstance(corrected, CreditNoteIssued)
    assert (corrected.invoice_number, corrected.total) == (document.number, eur("5.00"))
    assert InvoiceIssued.from_payload(event.payload()) == event


def test_split_adds_up_to_the_cent_with_the_largest_remainders_first() -> None:
    shares = split(eur("10.00"), [eur("1"), eur("1"), eur("1")])
    assert shares == [eur("3.34"), eur("3.33"), eur("3.33")]


def test_the_shipping_rate_is_the_line_rate_that_gives_its_tax() -> None:
    assert shipping_rate(eur("4.90"), eur("0.78"), [Decimal("0.07"), Decimal("0.19")]) == Decimal(
        "0.19"
    )
    assert shipping_rate(eur("4.90"), eur("0"), [Decimal("0.19")]) == Decimal(0)
    assert shipping_rate(eur("5.00"), eur("1.00"), [Decimal("0.07")]) == Decimal("0.2500")


def test_returned_units_are_credited_at_what_they_were_invoiced_for() -> None:
    document = an_invoice(a_sale())
    first = credit_note(document, credited_lines({SHIRT: 2}, [document]), numbered("CN-1"))
    last = credited_lines({SHIRT: 1, BOOK: 1}, [document, first])
    assert [(ln.sku, ln.quantity, ln.total, ln.tax) for ln in first.lines] == [
        ("TS-1", 2, eur("39.98"), eur("6.39"))
    ]
    assert [(ln.sku, ln.quantity, ln.total, ln.tax) for ln in last] == [
        ("TS-1", 1, eur("19.99"), eur("3.19")),
        ("BK-1", 1, eur("9.00"), eur("0.59")),
    ]


def test_crediting_more_units_than_were_invoiced_and_not_credited_is_refused() -> None:
    document = an_invoice(a_sale())
    first = credit_note(document, credited_lines({SHIRT: 3}, [document]), numbered("CN-1"))
    with pytest.raises(UnitsNotCreditable) as refused:
        credited_lines({SHIRT: 1}, [document, first])
    assert refused.value.facts == {"sku": "TS-1", "requested": 1, "remaining": 0}
