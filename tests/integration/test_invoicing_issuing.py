"""Issuing invoices and credit notes on SQLite and PostgreSQL: gap-free numbers per series and
year, one invoice per order on capture, invoices per shipment, credit notes on refund."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import Engine, select

from oms import channels, inventory, orders
from oms.catalog import TaxCategory
from oms.invoicing import (
    CreditDiffersFromRefund,
    Document,
    NothingToInvoice,
    UnitsNotInvoiceable,
    issue_credit_note,
    issue_invoice_for_capture,
    issue_invoice_for_shipment,
    order_documents,
)
from oms.platform.outbox import outbox_table as outbox
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from oms.shared.money import Money
from tests import builders

YEAR = datetime.now(UTC).year
"""Numbers count per calendar year (UTC) of issue."""
BILLING = Address(
    name="Ada Lovelace", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    open_shop(uow)


def open_shop(uow: UnitOfWork) -> None:
    """Channel ``web`` invoices on capture, ``shop`` on shipment; shirts at 19 %, books at 7 %."""
    builders.location(uow, "wh-de")
    builders.channel(uow, "web", locations=("wh-de",), name="Acme Web", default_locale="de_DE")
    builders.channel(uow, "shop", locations=("wh-de",), invoice_on=channels.InvoiceOn.SHIPMENT)
    builders.pricing(uow)
    builders.product(uow, "TS-1", prices={"web": "19.99", "shop": "19.99"}, name="T-Shirt")
    builders.product(
        uow, "BK-1", prices={"web": "10.00", "shop": "10.00"}, tax_category=TaxCategory.REDUCED
    )
    for sku in ("TS-1", "BK-1"):
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location="wh-de", quantity=500, actor="setup"),
            uow=uow,
        )


def place(uow: UnitOfWork, channel: str = "web", shirts: int = 3, books: int = 1) -> orders.Order:
    placed = orders.place_order(
        orders.PlaceOrder(
            channel=channel,
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["DE"],
            billing_address=BILLING,
            lines=(
                orders.NewLine(sku="TS-1", quantity=shirts),
                orders.NewLine(sku="BK-1", quantity=books),
            ),
            actor="test",
        ),
        uow=uow,
    )
    return placed.order


def test_the_first_capture_invoices_the_whole_order_under_the_first_number(
    shop: None, uow: UnitOfWork
) -> None:
    order = place(uow)
    document = issue_invoice_for_capture(order.id, transaction_id=uuid4(), uow=uow)
    assert document is not None
    assert document.number == f"INV-{YEAR}-000001"
    assert document.total == order.totals.total
    assert document.tax == order.totals.tax
    assert [(line.sku, line.quantity) for line in document.lines] == [("TS-1", 3), ("BK-1", 1)]
    assert document.buyer.name == "Ada Lovelace"
    assert document.buyer.address == order.billing_address
    assert document.seller.name == "Acme Web"
    assert document.seller.address.city == "HAMBURG"
    assert document.locale == "de_DE"
    assert document.paid


def test_a_second_capture_or_a_redelivery_issues_nothing_more(
    shop: None, uow: UnitOfWork, engine: Engine
) -> None:
    order = place(uow)
    capture = uuid4()
    first = issue_invoice_for_capture(order.id, transaction_id=capture, uow=uow)
    again = issue_invoice_for_capture(order.id, transaction_id=capture, uow=uow)
    later = issue_invoice_for_capture(order.id, transaction_id=uuid4(), uow=uow)
    assert first is not None
    assert again == first
    assert later is None
    assert [d.number for d in order_documents(order.id, uow=uow)] == [first.number]
    with engine.connect() as conn:
        types = conn.execute(select(outbox.c.event_type).where(outbox.c.aggregate_id == order.id))
        assert [t for (t,) in types if t.startswith("invoicing.")] == [
            "invoicing.invoice_issued.v1"
        ]


def test_a_rolled_back_issue_gives_its_number_back(shop: None, uow: UnitOfWork) -> None:
    first, second = place(uow), place(uow)
    drafted: list[str] = []

    def issue_then_fail() -> None:
        with uow.begin():
            issued = issue_invoice_for_capture(first.id, transaction_id=uuid4(), uow=uow)
            drafted.append(issued.number if issued else "")
            raise RuntimeError("the surrounding transaction fails after the invoice was drafted")

    with pytest.raises(RuntimeError):
        issue_then_fail()
    assert drafted == [f"INV-{YEAR}-000001"]
    assert order_documents(first.id, uow=uow) == []
    document = issue_invoice_for_capture(second.id, transaction_id=uuid4(), uow=uow)
    assert document is not None
    assert document.number == f"INV-{YEAR}-000001"


def test_concurrent_issues_never_share_a_number_and_leave_no_gap(
    shop: None, uow: UnitOfWork, engine: Engine
) -> None:
    placed = [place(uow, shirts=1, books=1) for _ in range(8)]
    start = threading.Barrier(len(placed))

    def issue(order: orders.Order) -> Document | None:
        start.wait(timeout=30)
        return issue_invoice_for_capture(order.id, transaction_id=uuid4(), uow=UnitOfWork(engine))

    with ThreadPoolExecutor(max_workers=len(placed)) as pool:
        documents = list(pool.map(issue, placed))
    numbers = sorted(d.number for d in documents if d is not None)
    assert numbers == [f"INV-{YEAR}-{n:06d}" for n in range(1, len(placed) + 1)]


def test_concurrent_deliveries_of_one_capture_issue_one_invoice(
    shop: None, uow: UnitOfWork, engine: Engine
) -> None:
    order = place(uow)
    capture = uuid4()
    start = threading.Barrier(4)

    def issue(_: int) -> Document | None:
        start.wait(timeout=30)
        return issue_invoice_for_capture(order.id, transaction_id=capture, uow=UnitOfWork(engine))

    with ThreadPoolExecutor(max_workers=4) as pool:
        documents = list(pool.map(issue, range(4)))
    assert {d.number for d in documents if d is not None} == {f"INV-{YEAR}-000001"}
    assert len(order_documents(order.id, uow=uow)) == 1


def test_a_channel_that_invoices_on_shipment_invoices_each_shipment(
    shop: None, uow: UnitOfWork
) -> None:
    order = place(uow, channel="shop")
    shirts, books = (line.id for line in order.lines)
    assert issue_invoice_for_capture(order.id, transaction_id=uuid4(), uow=uow) is None
    first = issue_invoice_for_shipment(order.id, {shirts: 2}, uow=uow, shipment_id=uuid4())
    second = issue_invoice_for_shipment(order.id, {shirts: 1, books: 1}, uow=uow)
    assert first is not None
    assert second is not None
    assert (first.number, second.number) == (f"INV-{YEAR}-000001", f"INV-{YEAR}-000002")
    assert not first.paid
    assert (first.due_on - first.issued_at.date()).days == 14
    assert first.total + second.total == order.totals.total
    with pytest.raises(UnitsNotInvoiceable):
        issue_invoice_for_shipment(order.id, {shirts: 1}, uow=uow)
    with pytest.raises(NothingToInvoice):
        issue_invoice_for_shipment(order.id, {}, uow=uow)


def test_a_channel_that_invoices_on_capture_ignores_shipments(shop: None, uow: UnitOfWork) -> None:
    order = place(uow)
    assert issue_invoice_for_shipment(order.id, {order.lines[0].id: 1}, uow=uow) is None


def test_a_refund_issues_a_credit_note_against_the_invoice(shop: None, uow: UnitOfWork) -> None:
    order = place(uow)
    invoice = issue_invoice_for_capture(order.id, transaction_id=uuid4(), uow=uow)
    assert invoice is not None
    refund = uuid4()
    note = issue_credit_note(order.id, eur("20.00"), transaction_id=refund, uow=uow)
    assert note is not None
    assert note.number == f"CN-{YEAR}-000001"
    assert (note.credited_id, note.credited_number) == (invoice.id, invoice.number)
    assert note.total == eur("20.00")
    assert {t.rate for t in note.taxes} == {Decimal("0.19"), Decimal("0.07")}
    assert issue_credit_note(order.id, eur("20.00"), transaction_id=refund, uow=uow) == note
    assert [d.number for d in order_documents(order.id, uow=uow)] == [invoice.number, note.number]


def test_a_refund_of_an_order_never_invoiced_issues_no_credit_note(
    shop: None, uow: UnitOfWork
) -> None:
    order = place(uow, channel="shop")
    assert issue_credit_note(order.id, eur("5.00"), transaction_id=uuid4(), uow=uow) is None


def test_a_refund_naming_returned_lines_credits_those_units(shop: None, uow: UnitOfWork) -> None:
    order = place(uow)
    shirts = order.lines[0]
    invoice = issue_invoice_for_capture(order.id, transaction_id=uuid4(), uow=uow)
    assert invoice is not None
    one_shirt = Money(shirts.total.amount / 3, "EUR")
    with pytest.raises(CreditDiffersFromRefund):
        issue_credit_note(
            order.id, eur("1.00"), transaction_id=uuid4(), uow=uow, lines={shirts.id: 1}
        )
    note = issue_credit_note(
        order.id, one_shirt, transaction_id=uuid4(), uow=uow, lines={shirts.id: 1}
    )
    assert note is not None
    assert note.number == f"CN-{YEAR}-000001"
    assert [(line.sku, line.quantity, line.total) for line in note.lines] == [
        ("TS-1", 1, one_shirt)
    ]
