"""The issuing use cases on an in-memory unit of work: which event issues what, and the
numbers each series takes. No database: orders and channels answer from their doubles,
documents from ``InMemoryDocuments`` below (SQLite and PostgreSQL prove the SQL, the locks and
the concurrency in tests/integration/test_invoicing_issuing.py)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from oms.channels.domain import Channel, ChannelKind, InvoiceOn, Location, LocationKind
from oms.channels.repository import CHANNELS, LOCATIONS
from oms.invoicing.domain import (
    CreditNoteIssued,
    Document,
    DocumentKind,
    DocumentNotFound,
    InvoiceIssued,
)
from oms.invoicing.repository import DOCUMENTS, Documents
from oms.invoicing.services import (
    issue_credit_note,
    issue_invoice_for_capture,
    issue_invoice_for_shipment,
    order_documents,
)
from oms.orders import Order, OrderNotFound
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.money import Money
from oms.shared.permissions import channel_visible
from tests.unit.doubles.channels import InMemoryChannels, InMemoryLocations
from tests.unit.doubles.orders import HOME, NOW, a_line, an_order, order_doubles


class InMemoryDocuments:
    """``Documents`` over a dict; a counter per series and year (one writer: no locks)."""

    def __init__(self) -> None:
        self.stored: dict[UUID, Document] = {}
        self.counters: dict[tuple[str, int], int] = {}

    def lock_series(self, kind: DocumentKind, year: int) -> None:
        self.counters.setdefault((kind.series, year), 0)

    def take_number(self, kind: DocumentKind, year: int) -> int:
        self.counters[(kind.series, year)] += 1
        return self.counters[(kind.series, year)]

    def add(self, document: Document) -> None:
        assert document.number not in {d.number for d in self.stored.values()}
        self.stored[document.id] = document

    def get(self, document_id: UUID, *, visible_to: str | None = None) -> Document:
        found = self.stored.get(document_id)
        if found is None or not channel_visible(found.channel, to=visible_to):
            raise DocumentNotFound(str(document_id))
        return found

    def by_number(self, number: str, *, visible_to: str | None = None) -> Document:
        found = next((d for d in self.stored.values() if d.number == number), None)
        if found is None or not channel_visible(found.channel, to=visible_to):
            raise DocumentNotFound(number)
        return found

    def by_issue_key(self, issue_key: str) -> Document | None:
        return next((d for d in self.stored.values() if d.issue_key == issue_key), None)

    def of_order(self, order_id: UUID) -> list[Document]:
        return [d for d in self.stored.values() if d.order_id == order_id]


def _typed() -> None:
    """mypy proves the double implements the port's protocol (never called)."""
    checked: Documents = InMemoryDocuments()
    del checked


WAREHOUSE = Location(
    id=uuid4(),
    code="wh-de",
    name="Hamburg",
    kind=LocationKind.WAREHOUSE,
    address=replace(HOME, company="Acme GmbH", city="Hamburg"),
    latitude=Decimal("53.55"),
    longitude=Decimal("9.99"),
    ships=True,
    offers_pickup=False,
    daily_capacity=100,
    active=True,
)


def channel(invoice_on: InvoiceOn) -> Channel:
    return Channel(
        id=uuid4(),
        code="web",
        name="Acme Web",
        kind=ChannelKind.WEB,
        currency="EUR",
        default_locale="en",
        allows_backorders=False,
        prices_include_tax=True,
        active=True,
        location_codes=("wh-de",),
        invoice_on=invoice_on,
    )


def fake(order: Order, invoice_on: InvoiceOn = InvoiceOn.CAPTURE) -> FakeUnitOfWork:
    doubles: dict[str, Any] = order_doubles(order)
    doubles[CHANNELS.name] = InMemoryChannels((channel(invoice_on), [WAREHOUSE.id]))
    doubles[LOCATIONS.name] = InMemoryLocations(WAREHOUSE)
    doubles[DOCUMENTS.name] = InMemoryDocuments()
    return FakeUnitOfWork(doubles, clock=FixedClock(NOW))


def test_a_capture_issues_the_orders_invoice_and_announces_it() -> None:
    order = an_order(a_line(1, quantity=2), a_line(2, quantity=1))
    uow = fake(order)
    document = issue_invoice_for_capture(order.id, transaction_id=uuid4(), uow=uow)
    assert document is not None
    assert document.number == "INV-2026-000001"
    assert document.total == order.totals.total
    assert document.seller.name == "Acme GmbH"
    assert document.buyer.address == HOME
    assert [type(e) for e in uow.committed] == [InvoiceIssued]


def test_a_channel_that_invoices_on_shipment_issues_nothing_on_capture() -> None:
    order = an_order()
    uow = fake(order, InvoiceOn.SHIPMENT)
    assert issue_invoice_for_capture(order.id, transaction_id=uuid4(), uow=uow) is None
    shipped = issue_invoice_for_shipment(order.id, {order.lines[0].id: 1}, uow=uow)
    assert shipped is not None
    assert not shipped.paid
    assert [(ln.quantity, ln.total) for ln in shipped.lines] == [(1, Money.of("20", "EUR"))]


def test_the_same_capture_delivered_twice_issues_one_invoice_and_one_event() -> None:
    order = an_order()
    uow = fake(order)
    capture = uuid4()
    first = issue_invoice_for_capture(order.id, transaction_id=capture, uow=uow)
    second = issue_invoice_for_capture(order.id, transaction_id=capture, uow=uow)
    assert first == second
    assert len(order_documents(order.id, uow=uow)) == 1
    assert len(uow.committed) == 1


def test_credit_notes_count_in_their_own_series() -> None:
    order = an_order(a_line(1, quantity=5))
    uow = fake(order)
    issue_invoice_for_capture(order.id, transaction_id=uuid4(), uow=uow)
    notes = [
        issue_credit_note(order.id, Money.of("10", "EUR"), transaction_id=uuid4(), uow=uow)
        for _ in range(2)
    ]
    assert [n.number if n else None for n in notes] == ["CN-2026-000001", "CN-2026-000002"]
    assert [type(e) for e in uow.committed] == [InvoiceIssued, CreditNoteIssued, CreditNoteIssued]


def test_reading_another_channels_order_documents_is_not_found() -> None:
    order = an_order()
    uow = fake(order)
    with pytest.raises(OrderNotFound):
        order_documents(order.id, uow=uow, visible_to="app")
