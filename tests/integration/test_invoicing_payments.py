"""Payments issue documents through the outbox: a capture the order's invoice, a refund a
credit note against it, each once however often the event is delivered (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, update

from oms import invoicing, orders, payments
from oms.app.event_registry import registry
from oms.platform.outbox import event_deliveries, handled_events
from oms.platform.relay import Relay
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests.payments_core import eur, open_shop, place, providers

YEAR = datetime.now(UTC).year


@pytest.fixture
def relay(engine: Engine) -> Relay:
    """A relay delivering to invoicing's consumer only."""
    return Relay(engine, registry=registry(), subscriptions=invoicing.SUBSCRIPTIONS)


def till_sale(uow: UnitOfWork, order: orders.Order, amount: Money) -> payments.Payment:
    """A payment taken at the till: authorised and captured at once."""
    command = payments.AddTender(
        order_id=order.id, provider=payments.ProviderName.POS, amount=amount, actor="till"
    )
    return payments.add_tender(command, uow=uow, providers=providers(uow))


def test_a_capture_invoices_the_order_and_a_partial_refund_credits_part_of_it(
    uow: UnitOfWork, relay: Relay
) -> None:
    open_shop(uow)
    order = place(uow)  # 10 units, 100.00 EUR
    payment = till_sale(uow, order, eur("100.00"))
    relay.drain()
    [invoice] = invoicing.order_documents(order.id, uow=uow)
    assert invoice.number == f"INV-{YEAR}-000001"
    assert invoice.total == eur("100.00")
    payments.refund_payment(
        payment.id, eur("30.00"), reason="damaged", actor="csr", uow=uow, providers=providers(uow)
    )
    relay.drain()
    [_, note] = invoicing.order_documents(order.id, uow=uow)
    assert note.number == f"CN-{YEAR}-000001"
    assert note.credited_number == invoice.number
    assert note.total == eur("30.00")
    assert note.tax == eur("4.79")  # 30.00 * 0.19 / 1.19, the order's one rate


def test_a_split_tender_is_invoiced_once_at_its_first_capture(
    uow: UnitOfWork, relay: Relay
) -> None:
    open_shop(uow)
    order = place(uow)
    till_sale(uow, order, eur("60.00"))
    till_sale(uow, order, eur("40.00"))
    relay.drain()
    [invoice] = invoicing.order_documents(order.id, uow=uow)
    assert invoice.total == eur("100.00")


def test_a_redelivered_capture_issues_nothing_more(
    uow: UnitOfWork, relay: Relay, engine: Engine
) -> None:
    open_shop(uow)
    order = place(uow)
    till_sale(uow, order, eur("100.00"))
    relay.drain()
    with engine.begin() as conn:  # as if the relay died before marking the delivery done
        conn.execute(update(event_deliveries).values(delivered_at=None))
        conn.execute(handled_events.delete())
    relay.drain()
    assert len(invoicing.order_documents(order.id, uow=uow)) == 1
