"""The payments core on both databases: tenders through the manual, pos and marketplace
providers, movements, the order's figures and timeline, events, the sweeper, provider
reports, reconciliation entries and the ledger's append-only rule."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import Engine, text, update
from sqlalchemy.exc import DBAPIError

from oms import orders, payments
from oms.orders.services import order_timeline
from oms.payments import services
from oms.payments.domain import AmountAboveBalanceDue, MovementInFlight, NothingToPay
from oms.payments.tables.ledger import payment_transactions
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import IllegalTransition
from oms.shared.money import Money
from tests.payments_core import eur, ledger_sum, open_shop, place, providers

pytestmark = pytest.mark.usefixtures("shop")

P = payments.ProviderName
K = payments.TransactionKind


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    open_shop(uow)


def tender(
    uow: UnitOfWork,
    order: orders.Order,
    provider: payments.ProviderName,
    *,
    amount: Money | None = None,
    details: dict[str, str] | None = None,
    capture: bool | None = None,
) -> payments.Payment:
    command = payments.AddTender(
        order_id=order.id,
        provider=provider,
        amount=amount,
        details=details or {},
        capture=capture,
        actor="csr",
    )
    return payments.add_tender(command, uow=uow, providers=providers(uow))


def events_of(engine: Engine, prefix: str = "payments.") -> list[str]:
    with engine.connect() as c:
        rows = c.execute(text("SELECT event_type FROM outbox ORDER BY position")).scalars()
        return [r for r in rows if r.startswith(prefix)]


def test_a_till_payment_is_captured_at_once_and_the_order_is_paid(
    uow: UnitOfWork, engine: Engine
) -> None:
    order = place(uow)
    payment = tender(uow, order, P.POS, amount=eur("100.00"), details={"method": "cash"})
    assert payment.status is payments.TenderStatus.CAPTURED
    assert [(t.kind, t.status) for t in payment.transactions] == [
        (K.AUTHORIZE, payments.TransactionStatus.SUCCEEDED),
        (K.CAPTURE, payments.TransactionStatus.SUCCEEDED),
    ]
    seen = orders.get_order(order.id, uow=uow)
    assert seen.payment_status is orders.PaymentStatus.PAID
    assert seen.payment_figures.captured == eur("100.00")
    assert seen.balance_due == eur("0.00")
    assert seen.version == order.version + 2
    assert events_of(engine) == ["payments.payment_authorized.v1", "payments.payment_captured.v1"]


def test_every_settled_movement_is_on_the_order_timeline(uow: UnitOfWork) -> None:
    order = place(uow)
    tender(uow, order, P.POS, amount=eur("40.00"))
    timeline = order_timeline(order.id, uow=uow, after=None, limit=50)
    kinds = [entry.kind for _, entry in timeline]
    assert kinds[-2:] == ["payment_authorize_succeeded", "payment_capture_succeeded"]
    assert timeline[-1][1].summary == "40.00 EUR captured (pos)"
    assert timeline[-1][1].actor == "csr"


def test_a_bank_transfer_waits_until_finance_marks_it_received(uow: UnitOfWork) -> None:
    order = place(uow)
    payment = tender(uow, order, P.MANUAL, details={"method": "bank_transfer"})
    assert payment.status is payments.TenderStatus.AUTHORIZING
    assert payment.amount == eur("100.00")
    assert orders.get_order(order.id, uow=uow).payment_status is orders.PaymentStatus.UNPAID
    received = payments.mark_received(
        payment.id,
        bank_reference="SEPA-2026-1",
        amount=None,
        actor="finance",
        uow=uow,
        providers=providers(uow),
    )
    assert received.captured == eur("100.00")
    assert received.provider_reference == "SEPA-2026-1"
    assert orders.get_order(order.id, uow=uow).payment_status is orders.PaymentStatus.PAID


def test_a_marketplace_tender_is_for_the_order_total_and_captured(uow: UnitOfWork) -> None:
    order = place(uow, 3)
    payment = tender(uow, order, P.MARKETPLACE, details={"reference": "AMZ-1"})
    assert payment.captured == order.totals.total
    assert payment.provider_reference == "AMZ-1"
    with pytest.raises(NothingToPay):
        tender(uow, order, P.MARKETPLACE)


def test_split_tenders_cannot_exceed_what_the_order_still_needs(uow: UnitOfWork) -> None:
    order = place(uow)
    tender(uow, order, P.MANUAL, amount=eur("60.00"), details={"method": "invoice"})
    with pytest.raises(AmountAboveBalanceDue) as refused:
        tender(uow, order, P.POS, amount=eur("40.01"))
    assert refused.value.facts["uncovered"] == "40.00"
    assert tender(uow, order, P.POS).amount == eur("40.00")


def test_a_pre_authorisation_is_captured_in_parts_and_refunded(uow: UnitOfWork) -> None:
    order = place(uow)
    kit = providers(uow)
    payment = tender(uow, order, P.POS, capture=False)
    assert payment.status is payments.TenderStatus.AUTHORIZED
    assert orders.get_order(order.id, uow=uow).payment_status is orders.PaymentStatus.AUTHORIZED
    payments.capture_payment(payment.id, eur("30.00"), actor="csr", uow=uow, providers=kit)
    assert orders.get_order(order.id, uow=uow).payment_status is orders.PaymentStatus.PARTIALLY_PAID
    payments.capture_payment(payment.id, None, actor="csr", uow=uow, providers=kit)
    after = payments.refund_payment(
        payment.id, eur("25.00"), reason="damaged", actor="csr", uow=uow, providers=kit
    )
    assert (after.captured, after.refunded, after.refundable) == (
        eur("100.00"),
        eur("25.00"),
        eur("75.00"),
    )
    seen = orders.get_order(order.id, uow=uow)
    assert seen.payment_status is orders.PaymentStatus.PARTIALLY_REFUNDED
    assert seen.balance_due == eur("25.00")
    summary = payments.order_payments(order.id, uow=uow)
    assert (summary.captured, summary.refunded, summary.balance_due) == (
        seen.payment_figures.captured,
        seen.payment_figures.refunded,
        seen.balance_due,
    )
    assert [p.id for p in payments.list_payments(order.id, uow=uow)] == [payment.id]
    assert ledger_sum(uow.engine, order.id, "capture") == 10000


def test_a_voided_authorisation_leaves_the_order_voided(uow: UnitOfWork) -> None:
    order = place(uow)
    kit = providers(uow)
    payment = tender(uow, order, P.POS, capture=False)
    voided = payments.void_payment(payment.id, actor="csr", uow=uow, providers=kit)
    assert voided.status is payments.TenderStatus.VOIDED
    seen = orders.get_order(order.id, uow=uow)
    assert seen.payment_status is orders.PaymentStatus.VOIDED
    assert seen.payment_figures.authorized == eur("0.00")
    with pytest.raises(IllegalTransition):
        payments.capture_payment(payment.id, None, actor="csr", uow=uow, providers=kit)


def test_the_sweeper_settles_what_a_dead_request_left_pending(uow: UnitOfWork) -> None:
    order = place(uow)
    started = services.start_tender(
        payments.AddTender(order_id=order.id, provider=P.POS, actor="till"), uow=uow
    )
    assert payments.settle_pending(uow=uow, providers=providers(uow)) == 0  # still young
    swept = payments.settle_pending(
        uow=uow, providers=providers(uow), older_than=timedelta(seconds=-1)
    )
    assert swept == 1
    payment = payments.get_payment(started.payment_id, uow=uow)
    assert payment.status is payments.TenderStatus.CAPTURED  # captured at once, as intended
    assert orders.get_order(order.id, uow=uow).payment_status is orders.PaymentStatus.PAID


def test_a_provider_report_settles_once_however_often_it_comes(uow: UnitOfWork) -> None:
    order = place(uow)
    kit = providers(uow)
    payment = tender(uow, order, P.POS, capture=False, details={"reference": "TILL-7"})
    captured = payments.capture_payment(payment.id, None, actor="csr", uow=uow, providers=kit)
    report = payments.ProviderUpdate(
        provider=P.POS,
        payment_reference="TILL-7",
        kind=K.CHARGEBACK,
        outcome=payments.ProviderOutcome(
            status=payments.TransactionStatus.SUCCEEDED, reference="dp_1", amount=eur("20.00")
        ),
    )
    assert captured.refundable == eur("100.00")
    first = payments.record_provider_update(report, uow=uow)
    again = payments.record_provider_update(report, uow=uow)
    assert first is not None
    assert again is not None
    assert again.refundable == eur("80.00")
    assert orders.get_order(order.id, uow=uow).payment_figures.refunded == eur("20.00")
    unknown = payments.ProviderUpdate(
        provider=P.POS, payment_reference="nope", kind=K.REFUND, outcome=report.outcome
    )
    assert payments.record_provider_update(unknown, uow=uow) is None


def report(
    kind: payments.TransactionKind,
    reference: str,
    amount: str,
    *,
    transaction_id: UUID | None = None,
    reason: str | None = None,
) -> payments.ProviderUpdate:
    """What the till's provider reports about tender TILL-8, on its own."""
    outcome = payments.ProviderOutcome(
        status=payments.TransactionStatus.SUCCEEDED, reference=reference, amount=eur(amount)
    )
    return payments.ProviderUpdate(
        provider=P.POS,
        payment_reference="TILL-8",
        kind=kind,
        outcome=outcome,
        transaction_id=transaction_id,
        reason=reason,
    )


def test_a_provider_report_naming_nothing_of_ours_never_settles_our_movement_in_flight(
    uow: UnitOfWork,
) -> None:
    """No "oldest open of that kind": a report is matched by our id or the provider's reference
    only. One that names neither while our capture is in flight waits (it may be ours)."""
    order = place(uow)
    payment = tender(uow, order, P.POS, capture=False, details={"reference": "TILL-8"})
    ours = services.start_movement(payment.id, K.CAPTURE, eur("40.00"), actor="csr", uow=uow)

    with pytest.raises(MovementInFlight):
        payments.record_provider_update(report(K.CAPTURE, "cap_unknown", "60.00"), uow=uow)
    pending = payments.get_payment(payment.id, uow=uow).transaction(ours.transaction_id)
    assert pending.status is payments.TransactionStatus.PENDING

    named = report(K.CAPTURE, "cap_ours", "40.00", transaction_id=ours.transaction_id)
    settled = payments.record_provider_update(named, uow=uow)
    assert settled is not None
    assert settled.transaction(ours.transaction_id).provider_reference == "cap_ours"
    assert settled.captured == eur("40.00")


def test_a_provider_report_of_a_movement_it_made_itself_is_appended_once(
    uow: UnitOfWork,
) -> None:
    order = place(uow)
    payment = tender(uow, order, P.POS, capture=False, details={"reference": "TILL-8"})
    payments.capture_payment(payment.id, None, actor="csr", uow=uow, providers=providers(uow))
    dashboard = report(K.REFUND, "re_dashboard", "15.00", reason="provider")

    first = payments.record_provider_update(dashboard, uow=uow)
    again = payments.record_provider_update(dashboard, uow=uow)

    assert first is not None
    assert again is not None
    assert [(t.kind, t.provider_reference) for t in again.transactions][-1] == (
        K.REFUND,
        "re_dashboard",
    )
    assert again.refunded == eur("15.00")
    assert orders.get_order(order.id, uow=uow).payment_figures.refunded == eur("15.00")


def test_reconciliation_reads_the_succeeded_movements_of_a_provider(uow: UnitOfWork) -> None:
    order = place(uow)
    payment = tender(uow, order, P.MARKETPLACE, details={"reference": "ETSY-9"})
    now = uow.clock.now()
    entries = list(
        payments.ledger_entries(
            P.MARKETPLACE, now - timedelta(hours=1), now + timedelta(hours=1), uow=uow
        )
    )
    assert [(e.kind, e.amount, e.payment_reference) for e in entries] == [
        (K.AUTHORIZE, eur("100.00"), "ETSY-9"),
        (K.CAPTURE, eur("100.00"), "ETSY-9"),
    ]
    assert {e.payment_id for e in entries} == {payment.id}
    assert {e.order_id for e in entries} == {order.id}


def test_the_database_refuses_to_change_or_delete_a_settled_transaction(
    uow: UnitOfWork, engine: Engine
) -> None:
    order = place(uow)
    tender(uow, order, P.POS)
    t = payment_transactions
    for statement in (update(t).values(amount_minor=1), t.delete()):
        with pytest.raises(DBAPIError), engine.begin() as c:
            c.execute(statement)
