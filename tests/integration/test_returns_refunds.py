"""Refunding returns on SQLite and PostgreSQL: the kept units at what their line cost, less the
restocking fee (waived for damaged goods), plus shipping once the whole order came back; to the
original tender or to store credit, with a credit note; once, however often (or however
concurrently) it is asked."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from oms import invoicing, orders, payments
from oms.app import tasks
from oms.orders.services import queries as order_queries
from oms.payments.domain.credit import CreditEntryKind
from oms.payments.services import credit
from oms.payments.tables.refund_policy import goodwill_refunds
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.lifecycle import ReturnKind, ReturnSource, ReturnStatus
from oms.returns.domain.policy import FeeRule, ReasonRule, ReturnPolicy
from oms.returns.domain.returns import (
    Disposition,
    NewReturn,
    Resolution,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    ShippingPayer,
)
from oms.returns.repository.policies import POLICIES
from oms.returns.repository.returns import RETURNS
from oms.returns.services import receiving, refunds
from oms.shared.errors import IllegalTransition
from oms.shared.money import Money
from tests import payments_money as shop
from tests.conftest import KeyMaker

ORIGINAL = payments.RefundDestination.ORIGINAL
STORE_CREDIT = payments.RefundDestination.STORE_CREDIT


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


@dataclass(frozen=True)
class Paid:
    order: orders.Order
    payment: payments.Payment


@pytest.fixture
def providers(uow: UnitOfWork) -> payments.Providers:
    return payments.build_providers(Settings(), uow)


def deliver_events(engine: Engine) -> None:
    """Hand every event recorded so far to its consumers (the worker's relay, run to the end)."""
    tasks.relay(engine).drain()


def set_policy(uow: UnitOfWork, **rules: object) -> None:
    """``web``'s policy: 10 % restocking fee, none for damaged goods, and ``rules``."""
    policy = ReturnPolicy(
        currency="EUR",
        restocking_fee=FeeRule(percent=Decimal(10)),
        reasons={ReturnReason.DAMAGED: ReasonRule(fee=False)},
        **rules,  # type: ignore[arg-type]
    )
    with uow.begin() as tx:
        tx.repo(POLICIES).put("web", policy, expected=0, actor="test", at=tx.now)


def delivered(
    uow: UnitOfWork, providers: payments.Providers, engine: Engine, *lines: tuple[str, int]
) -> Paid:
    """Ada's order of ``lines``, paid at the till (captured at once, invoiced), shipped and
    delivered."""
    order = shop.place(uow, *lines)
    payment = payments.add_tender(
        payments.AddTender(
            order_id=order.id, provider=payments.ProviderName.POS, actor="test", capture=True
        ),
        uow=uow,
        providers=providers,
    )
    units = {line.id: line.quantity for line in order.lines}
    with uow.begin():
        orders.ship_units(
            order.id, location="wh-de", units=units, reference="P1", actor="wh", uow=uow
        )
        orders.deliver_units(order.id, units=units, how="delivered", actor="carrier", uow=uow)
    deliver_events(engine)
    return Paid(order=orders.get_order(order.id, uow=uow), payment=payment)


def inspected(
    uow: UnitOfWork,
    order: orders.Order,
    *units: tuple[int, int, ReturnReason, Disposition],
) -> ReturnRequest:
    """A return of ``units`` (line index, quantity, reason, disposition) requested, approved to
    wh-de, received and inspected there, through the order's and the desk's own steps."""
    lines = [order.lines[index] for index, *_ in units]
    with uow.begin() as tx:
        asked = {line.id: q for line, (_, q, _, _) in zip(lines, units, strict=True)}
        orders.request_return_units(order.id, asked, rma=None, actor="csr", uow=uow)
        request = ReturnRequest.request(
            NewReturn(
                order_id=order.id,
                order_number=order.number,
                channel=order.channel,
                currency=order.currency,
                kind=ReturnKind.RETURN,
                source=ReturnSource.STAFF,
                return_shipping_paid_by=ShippingPayer.CUSTOMER,
                lines=tuple(
                    ReturnLine(line_id=line.id, sku=line.sku, quantity=q, reason=reason)
                    for line, (_, q, reason, _) in zip(lines, units, strict=True)
                ),
                actor="csr",
            ),
            at=tx.now,
        )
        returns = tx.repo(RETURNS)
        request.approve(
            rma=returns.next_rma(),
            receiving_location="wh-de",
            automatic=False,
            actor="csr",
            at=tx.now,
        )
        returns.add(request)
        tx.record(*request.drain_events())
    receiving.receive_return_units(
        receiving.ReceiveUnits(return_id=request.id, units=asked, actor="wh"), uow=uow
    )
    return receiving.inspect_return_units(
        receiving.InspectUnits(
            return_id=request.id,
            units={
                line.id: (q, disposition)
                for line, (_, q, _, disposition) in zip(lines, units, strict=True)
            },
            actor="wh",
        ),
        uow=uow,
    )


def refunded(uow: UnitOfWork, payment: payments.Payment) -> Money:
    return payments.get_payment(payment.id, uow=uow).refunded


def credit_notes(uow: UnitOfWork, order_id: UUID) -> list[Money]:
    return [
        d.total
        for d in invoicing.order_documents(order_id, uow=uow)
        if d.kind is invoicing.DocumentKind.CREDIT_NOTE
    ]


@pytest.fixture
def web(uow: UnitOfWork) -> UnitOfWork:
    shop.open_shop(uow)
    set_policy(uow)
    return uow


def test_a_restocked_unit_is_refunded_to_its_tender_less_the_fee_with_a_credit_note(
    web: UnitOfWork, providers: payments.Providers, engine: Engine
) -> None:
    paid = delivered(web, providers, engine, ("TS-1", 2), ("TS-2", 1))
    request = inspected(web, paid.order, (0, 1, ReturnReason.CHANGED_MIND, Disposition.RESTOCK))

    resolved = refunds.resolve_return(
        request.id, destination=ORIGINAL, actor="csr", uow=web, providers=providers
    )

    assert resolved.request.status is ReturnStatus.COMPLETED
    assert resolved.request.resolution is Resolution.REFUND
    assert resolved.request.refund == eur("18.00")
    assert resolved.request.restocking_fee == eur("2.00")
    assert resolved.refund is not None
    assert resolved.refund.status == "completed"
    assert refunded(web, paid.payment) == eur("18.00")
    deliver_events(engine)
    assert credit_notes(web, paid.order.id) == [eur("18.00")]
    timeline = order_queries.order_timeline(paid.order.id, uow=web, after=None, limit=200)
    assert any(entry.kind == "return_completed" for _, entry in timeline)


def test_resolving_a_completed_return_again_refunds_nothing_more(
    web: UnitOfWork, providers: payments.Providers, engine: Engine
) -> None:
    paid = delivered(web, providers, engine, ("TS-1", 2))
    request = inspected(web, paid.order, (0, 2, ReturnReason.CHANGED_MIND, Disposition.RESTOCK))
    first = refunds.resolve_return(
        request.id, destination=ORIGINAL, actor="csr", uow=web, providers=providers
    )
    again = refunds.resolve_return(
        request.id, destination=STORE_CREDIT, actor="csr", uow=web, providers=providers
    )
    assert first.decided is not None
    assert again.decided is not None
    assert again.decided.refund_id == first.decided.refund_id
    assert refunds.pay_return(request.id, uow=web, providers=providers) == 1
    deliver_events(engine)  # the consumer of return_completed pays what was decided: nothing new
    assert refunded(web, paid.payment) == eur("36.00")
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(goodwill_refunds)).scalar_one() == 1


def test_a_concurrent_second_resolution_refunds_nothing_more(
    web: UnitOfWork, providers: payments.Providers, engine: Engine
) -> None:
    paid = delivered(web, providers, engine, ("TS-2", 1))
    request = inspected(web, paid.order, (0, 1, ReturnReason.WRONG_SIZE, Disposition.RESTOCK))
    start = threading.Barrier(2)
    answers: list[refunds.Resolved] = []
    failures: list[BaseException] = []

    def resolve() -> None:
        own = UnitOfWork(engine)
        start.wait()
        try:
            answers.append(
                refunds.resolve_return(
                    request.id, destination=ORIGINAL, actor="csr", uow=own, providers=providers
                )
            )
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=resolve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len({a.decided.refund_id for a in answers if a.decided}) == 1
    assert all(a.request.status is ReturnStatus.COMPLETED for a in answers)
    assert refunded(web, paid.payment) == eur("45.00")
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(goodwill_refunds)).scalar_one() == 1


def test_damaged_goods_bear_no_fee_and_units_sent_back_to_the_customer_refund_nothing(
    web: UnitOfWork, providers: payments.Providers, engine: Engine
) -> None:
    paid = delivered(web, providers, engine, ("TS-1", 2), ("TS-2", 1))
    request = inspected(
        web,
        paid.order,
        (0, 2, ReturnReason.CHANGED_MIND, Disposition.RETURN_TO_CUSTOMER),
        (1, 1, ReturnReason.DAMAGED, Disposition.WRITE_OFF),
    )
    resolved = refunds.resolve_return(
        request.id, destination=ORIGINAL, actor="csr", uow=web, providers=providers
    )
    assert resolved.request.refund == eur("50.00")
    assert resolved.request.restocking_fee == eur("0.00")
    assert refunded(web, paid.payment) == eur("50.00")


def test_a_refund_to_store_credit_credits_the_buyer_and_issues_a_credit_note(
    web: UnitOfWork, providers: payments.Providers, engine: Engine
) -> None:
    paid = delivered(web, providers, engine, ("TS-1", 3))
    request = inspected(web, paid.order, (0, 1, ReturnReason.CHANGED_MIND, Disposition.RESTOCK))
    resolved = refunds.resolve_return(
        request.id, destination=STORE_CREDIT, actor="csr", uow=web, providers=providers
    )
    assert resolved.request.resolution is Resolution.STORE_CREDIT
    statement = credit.store_credit_statement(paid.order.buyer.customer_id, uow=web)
    assert statement.account.balance("EUR") == eur("18.00")
    assert [e.kind for e in statement.entries] == [CreditEntryKind.REFUND]
    assert refunded(web, paid.payment) == eur("0.00")
    deliver_events(engine)
    assert credit_notes(web, paid.order.id) == [eur("18.00")]


def test_shipping_comes_back_with_the_last_units_when_the_policy_says_so(
    uow: UnitOfWork, providers: payments.Providers, engine: Engine
) -> None:
    shop.open_shop(uow)
    set_policy(uow, refund_original_shipping=True)
    cheap = delivered(uow, providers, engine, ("TS-1", 2))  # 40.00 + 4.90 shipping
    first = inspected(uow, cheap.order, (0, 1, ReturnReason.CHANGED_MIND, Disposition.RESTOCK))
    part = refunds.resolve_return(
        first.id, destination=ORIGINAL, actor="csr", uow=uow, providers=providers
    )
    assert part.request.refund == eur("18.00")
    last = inspected(uow, cheap.order, (0, 1, ReturnReason.DAMAGED, Disposition.DAMAGED))
    whole = refunds.resolve_return(
        last.id, destination=ORIGINAL, actor="csr", uow=uow, providers=providers
    )
    assert whole.request.refund == eur("20.00") + eur("4.90")
    assert refunded(uow, cheap.payment) == eur("42.90")


def test_a_return_not_inspected_yet_is_not_resolved(
    web: UnitOfWork, providers: payments.Providers, engine: Engine
) -> None:
    paid = delivered(web, providers, engine, ("TS-1", 1))
    request = inspected(web, paid.order, (0, 1, ReturnReason.CHANGED_MIND, Disposition.RESTOCK))
    refunds.resolve_return(
        request.id, destination=ORIGINAL, actor="csr", uow=web, providers=providers
    )
    other = delivered(web, providers, engine, ("TS-2", 1))
    with web.begin() as tx:
        orders.request_return_units(
            other.order.id, {other.order.lines[0].id: 1}, rma=None, actor="csr", uow=web
        )
        pending = ReturnRequest.request(
            NewReturn(
                order_id=other.order.id,
                order_number=other.order.number,
                channel="web",
                currency="EUR",
                kind=ReturnKind.RETURN,
                source=ReturnSource.STAFF,
                return_shipping_paid_by=ShippingPayer.CUSTOMER,
                lines=(
                    ReturnLine(
                        line_id=other.order.lines[0].id,
                        sku="TS-2",
                        quantity=1,
                        reason=ReturnReason.CHANGED_MIND,
                    ),
                ),
                actor="csr",
            ),
            at=tx.now,
        )
        tx.repo(RETURNS).add(pending)
    with pytest.raises(IllegalTransition):
        refunds.resolve_return(
            pending.id, destination=ORIGINAL, actor="csr", uow=web, providers=providers
        )
    assert refunded(web, other.payment) == eur("0.00")


def test_the_desk_resolves_a_return_over_http(
    web: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    paid = delivered(web, providers, engine, ("TS-1", 2))
    request = inspected(web, paid.order, (0, 1, ReturnReason.CHANGED_MIND, Disposition.RESTOCK))
    csr, warehouse = key_for("csr"), key_for("warehouse")
    path = f"/v1/returns/{request.id}/resolve"
    assert client.post(path, json={"destination": "original"}, headers=warehouse).status_code == 403
    bad = client.post(path, json={"destination": "cash"}, headers=csr)
    assert bad.status_code == 422
    answer = client.post(path, json={"destination": "original"}, headers=csr)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "completed"
    assert body["refund"] == {"amount": "18.00", "currency": "EUR"}
    assert body["restocking_fee"] == {"amount": "2.00", "currency": "EUR"}
    assert body["refund_status"] == "completed"
    again = client.post(path, json={"destination": "original"}, headers=csr)
    assert again.json()["refund_id"] == body["refund_id"]
    assert refunded(web, paid.payment) == eur("18.00")
