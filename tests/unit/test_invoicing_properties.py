"""Properties of the money on documents, for any order and any way of splitting it: the
invoices of an order add up to it to the cent, and credit notes never credit more than was
invoiced, adding up to what was refunded."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from hypothesis import given, settings
from hypothesis import strategies as st

from oms.invoicing.domain import (
    Document,
    SaleLine,
    credit_note,
    invoice,
    invoice_lines,
    refund_lines,
)
from oms.shared.money import Money
from tests.unit.test_invoicing_drafting import a_sale, eur, numbered

RATES = (Decimal("0.19"), Decimal("0.07"), Decimal("0"))


@st.composite
def sale_lines(draw: st.DrawFn) -> tuple[SaleLine, ...]:
    """One to four lines of 1-9 units at 0.01-999.99, tax included, at a German rate."""
    lines = []
    for index in range(draw(st.integers(1, 4))):
        quantity = draw(st.integers(1, 9))
        unit = Money.from_minor(draw(st.integers(1, 99_999)), "EUR")
        rate = draw(st.sampled_from(RATES))
        total = unit * quantity
        lines.append(
            SaleLine(
                order_line_id=UUID(int=index + 1),
                sku=f"SKU-{index}",
                name=f"Item {index}",
                quantity=quantity,
                unit_price=unit,
                discount=eur("0"),
                tax_rate=rate,
                tax=Money(total.amount * rate / (1 + rate), "EUR"),
                total=total,
            )
        )
    return tuple(lines)


def total_of(documents: list[Document]) -> Money:
    return sum((d.total for d in documents), eur("0"))


@settings(max_examples=60, deadline=None)
@given(lines=sale_lines(), data=st.data())
def test_invoices_of_any_split_of_shipments_add_up_to_the_order(
    lines: tuple[SaleLine, ...], data: st.DataObject
) -> None:
    sale = a_sale(lines=lines)
    documents: list[Document] = []
    while invoice_lines(sale, documents):
        billed: dict[UUID, int] = {}
        for ln in (ln for d in documents for ln in d.lines):
            if ln.order_line_id is not None:
                billed[ln.order_line_id] = billed.get(ln.order_line_id, 0) + ln.quantity
        remaining = {
            ln.order_line_id: ln.quantity - billed.get(ln.order_line_id, 0) for ln in lines
        }
        shipped = {key: data.draw(st.integers(0, left)) for key, left in remaining.items()}
        if not any(shipped.values()):
            shipped = {key: left for key, left in remaining.items() if left}
        drafted = invoice_lines(sale, documents, shipped)
        documents.append(invoice(sale, drafted, numbered(f"INV-{len(documents)}"), paid=False))
    order_total = sum((ln.total for ln in lines), sale.shipping)
    order_tax = sum((ln.tax for ln in lines), sale.shipping_tax)
    assert total_of(documents) == order_total
    assert sum((d.tax for d in documents), eur("0")) == order_tax


@settings(max_examples=60, deadline=None)
@given(lines=sale_lines(), refunds=st.lists(st.integers(1, 200_000), min_size=1, max_size=5))
def test_credit_notes_add_up_to_the_refunds_and_never_exceed_the_invoice(
    lines: tuple[SaleLine, ...], refunds: list[int]
) -> None:
    sale = a_sale(lines=lines)
    billed = invoice(sale, invoice_lines(sale, []), numbered("INV-1"), paid=True)
    documents = [billed]
    refunded = eur("0")
    for minor in refunds:
        amount = Money.from_minor(minor, "EUR")
        credit = refund_lines(amount, documents)
        left = billed.total - total_of(documents[1:])
        assert sum((ln.total for ln in credit), eur("0")) == min(amount, left)
        for line in credit:
            assert line.tax == Money(line.total.amount * line.tax_rate / (1 + line.tax_rate), "EUR")
        if credit:
            documents.append(credit_note(billed, credit, numbered(f"CN-{len(documents)}")))
            refunded += min(amount, left)
    assert total_of(documents[1:]) == refunded
    assert total_of(documents[1:]) <= billed.total
    for rate in {t.rate for t in billed.taxes}:
        credited = sum(
            (t.gross for d in documents[1:] for t in d.taxes if t.rate == rate), eur("0")
        )
        invoiced = next(t.gross for t in billed.taxes if t.rate == rate)
        assert credited <= invoiced
