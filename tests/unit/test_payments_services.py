"""The payments use cases on a fake unit of work (no database): the two-step rule (the provider
is asked only between transactions), what each step records, and what a refusal leaves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from oms import payments
from oms.orders.domain import Order, PaymentStatus
from oms.orders.repository import ORDERS
from oms.payments.domain import (
    AmountAboveCapturable,
    NotAwaitingPayment,
    PaymentAuthorized,
    PaymentCaptured,
    TransactionStatus,
)
from oms.payments.providers.manual import ManualProvider
from oms.payments.providers.pos import PosProvider
from oms.payments.repository import LEDGER
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.money import Money
from tests.unit.doubles.orders import NOW, InMemoryOrders, a_line, an_order, order_doubles
from tests.unit.doubles.payments import InMemoryLedger, payment_doubles

P = payments.ProviderName


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


class Watched:
    """The real till provider, noting whether a transaction was open when it was asked."""

    name = P.POS

    def __init__(self, uow: FakeUnitOfWork, *, answers: bool = True) -> None:
        self.uow = uow
        self.till = PosProvider()
        self.answers = answers
        self.asked_inside_a_transaction = False
        self.calls: list[str] = []

    def __getattr__(self, method: str) -> Any:
        real = getattr(self.till, method)

        def call(*args: Any) -> Any:
            self.calls.append(method)
            self.asked_inside_a_transaction |= self.uow._current is not None
            if not self.answers:
                raise payments.ProviderUnavailable("no line")
            return real(*args)

        return call


@pytest.fixture
def order() -> Order:
    return an_order(a_line(quantity=5, price="20"))


@pytest.fixture
def uow(order: Order) -> FakeUnitOfWork:
    return FakeUnitOfWork(order_doubles(order) | payment_doubles(), clock=FixedClock(NOW))


def stored_order(uow: FakeUnitOfWork, order: Order) -> Order:
    orders: InMemoryOrders = uow.doubles[ORDERS.name]
    return orders.stored[order.id]


def ledger(uow: FakeUnitOfWork) -> InMemoryLedger:
    return uow.doubles[LEDGER.name]  # type: ignore[no-any-return]


def take(uow: FakeUnitOfWork, order: Order, provider: Any, **given: Any) -> payments.Payment:
    command = payments.AddTender(order_id=order.id, provider=P.POS, actor="till", **given)
    return payments.add_tender(command, uow=uow, providers={P.POS: provider})


def test_the_provider_is_only_ever_asked_between_transactions(
    uow: FakeUnitOfWork, order: Order
) -> None:
    till = Watched(uow)
    payment = take(uow, order, till, capture=False)
    payments.capture_payment(
        payment.id, eur("40.00"), actor="csr", uow=uow, providers={P.POS: till}
    )
    assert till.calls == ["authorize", "capture"]
    assert not till.asked_inside_a_transaction


def test_a_till_tender_commits_three_times_and_records_its_movements(
    uow: FakeUnitOfWork, order: Order
) -> None:
    payment = take(uow, order, Watched(uow))
    assert payment.captured == eur("100.00")
    assert uow.commits == 3  # begun; authorised with the capture begun; captured
    assert [type(e) for e in uow.committed] == [PaymentAuthorized, PaymentCaptured]
    seen = stored_order(uow, order)
    assert seen.payment_status is PaymentStatus.PAID
    assert seen.version == order.version + 2
    entries = uow.doubles[ORDERS.name].entries[order.id]
    assert [e.kind for e in entries] == ["payment_authorize_succeeded", "payment_capture_succeeded"]


def test_a_provider_without_an_answer_leaves_the_authorisation_pending(
    uow: FakeUnitOfWork, order: Order
) -> None:
    silent = Watched(uow, answers=False)
    payment = take(uow, order, silent)
    assert [t.status for t in payment.transactions] == [TransactionStatus.PENDING]
    assert uow.committed == []
    assert stored_order(uow, order).payment_status is PaymentStatus.UNPAID
    silent.answers = True
    swept = payments.settle_pending(
        uow=uow, providers={P.POS: silent}, older_than=timedelta(seconds=-1)
    )
    assert swept == 1
    assert ledger(uow).stored[payment.id].captured == eur("100.00")
    assert silent.calls == ["authorize", "retrieve", "capture"]


def test_a_refused_capture_writes_nothing(uow: FakeUnitOfWork, order: Order) -> None:
    till = Watched(uow)
    payment = take(uow, order, till, capture=False)
    before = ledger(uow).stored[payment.id]
    with pytest.raises(AmountAboveCapturable):
        payments.capture_payment(
            payment.id, eur("100.01"), actor="csr", uow=uow, providers={P.POS: till}
        )
    assert ledger(uow).stored[payment.id] == before
    assert till.calls == ["authorize"]


def test_only_a_manual_tender_waiting_for_its_money_can_be_marked_received(
    uow: FakeUnitOfWork, order: Order
) -> None:
    kit: dict[payments.ProviderName, Any] = {P.POS: Watched(uow), P.MANUAL: ManualProvider()}
    paid = take(uow, order, kit[P.POS], amount=eur("50.00"))
    with pytest.raises(NotAwaitingPayment):
        payments.mark_received(
            paid.id, bank_reference="B-1", amount=None, actor="fin", uow=uow, providers=kit
        )
    command = payments.AddTender(
        order_id=order.id, provider=P.MANUAL, details={"method": "invoice"}, actor="csr"
    )
    awaited = payments.add_tender(command, uow=uow, providers=kit)
    assert awaited.amount == eur("50.00")
    received = payments.mark_received(
        awaited.id, bank_reference="B-2", amount=None, actor="fin", uow=uow, providers=kit
    )
    assert received.captured == eur("50.00")
    assert stored_order(uow, order).payment_status is PaymentStatus.PAID
