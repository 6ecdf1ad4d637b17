"""Movements of an existing payment: capture, void, refund, a manual tender's money received,
and what a provider reports on its own (webhooks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.payments.domain import (
    MovementInFlight,
    NotAwaitingPayment,
    Payment,
    PaymentTransaction,
    ProviderName,
    ProviderOutcome,
    TenderStatus,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.repository import LEDGER
from oms.payments.services.figures import record_figures
from oms.payments.services.settling import (
    Providers,
    Started,
    finish,
    locked_order_of,
    provider_for,
    settle,
)
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.money import Money

REASON_LENGTH = 200


def capture_payment(
    payment_id: UUID,
    amount: Money | None,
    *,
    actor: str,
    uow: UnitOfWork,
    providers: Providers,
    visible_to: str | None = None,
) -> Payment:
    """Capture ``amount`` of an authorisation (all that is left without one)."""
    started = start_movement(
        payment_id, TransactionKind.CAPTURE, amount, actor=actor, uow=uow, visible_to=visible_to
    )
    return finish(started, uow=uow, providers=providers)


def void_payment(
    payment_id: UUID,
    *,
    actor: str,
    uow: UnitOfWork,
    providers: Providers,
    visible_to: str | None = None,
) -> Payment:
    """Release an authorisation nothing was captured from."""
    started = start_movement(
        payment_id, TransactionKind.VOID, None, actor=actor, uow=uow, visible_to=visible_to
    )
    return finish(started, uow=uow, providers=providers)


def refund_payment(
    payment_id: UUID,
    amount: Money,
    *,
    reason: str | None,
    actor: str,
    uow: UnitOfWork,
    providers: Providers,
    visible_to: str | None = None,
) -> Payment:
    """Give back ``amount`` of what was captured (at most what is left to refund)."""
    started = start_movement(
        payment_id,
        TransactionKind.REFUND,
        amount,
        actor=actor,
        reason=reason,
        uow=uow,
        visible_to=visible_to,
    )
    return finish(started, uow=uow, providers=providers)


def start_movement(
    payment_id: UUID,
    kind: TransactionKind,
    amount: Money | None,
    *,
    actor: str,
    uow: UnitOfWork,
    reason: str | None = None,
    visible_to: str | None = None,
) -> Started:
    """Step 1 of a capture, void or refund alone, in the caller's transaction if there is one
    (the API commits it with the Idempotency-Key's claim, then calls ``finish``)."""
    if reason is not None and len(reason) > REASON_LENGTH:
        raise Invalid(f"at most {REASON_LENGTH} characters", field="reason")
    with uow.begin() as tx:
        ledger = tx.repo(LEDGER)
        payment = ledger.get(payment_id, lock=True, visible_to=visible_to)
        begun = payment.begin(kind, amount, actor=actor, at=tx.now, reason=reason)
        ledger.save(payment)
    return Started(payment_id=payment.id, transaction_id=begun.id)


def mark_received(
    payment_id: UUID,
    *,
    bank_reference: str,
    amount: Money | None,
    actor: str,
    uow: UnitOfWork,
    providers: Providers,
    visible_to: str | None = None,
) -> Payment:
    """A manual tender's money arrived (bank transfer, cash on delivery, invoice paid):
    authorised for what arrived and captured."""
    provider_for(providers, ProviderName.MANUAL)
    started = start_receipt(
        payment_id,
        bank_reference=bank_reference,
        amount=amount,
        actor=actor,
        uow=uow,
        visible_to=visible_to,
    )
    return finish(started, uow=uow, providers=providers)


def start_receipt(
    payment_id: UUID,
    *,
    bank_reference: str,
    amount: Money | None,
    actor: str,
    uow: UnitOfWork,
    visible_to: str | None = None,
) -> Started:
    """Step 1 of ``mark_received``: the awaited authorisation settled for what arrived and
    the capture of it begun, in one transaction."""
    if not bank_reference.strip():
        raise Invalid("say which bank reference the money came with", field="bank_reference")
    with uow.begin():
        payment = _awaited(payment_id, uow=uow, visible_to=visible_to)
        received = amount or payment.amount
        if received.currency != payment.currency:
            raise Invalid(f"the payment is in {payment.currency}", field="amount.currency")
        if received.amount <= 0:
            raise Invalid("must be positive", field="amount.amount")
        outcome = ProviderOutcome(
            status=TransactionStatus.SUCCEEDED, reference=bank_reference, amount=received
        )
        authorization = next(
            t for t in payment.open_transactions if t.kind is TransactionKind.AUTHORIZE
        )
        _, capture = settle(
            payment.id, authorization.id, outcome, uow=uow, capture_after=True, actor=actor
        )
    if capture is None:  # answered meanwhile (another receipt, a void)
        raise NotAwaitingPayment(str(payment_id))
    return capture


def _awaited(payment_id: UUID, *, uow: UnitOfWork, visible_to: str | None) -> Payment:
    """The manual tender, if it still waits for its money."""
    with uow.read() as tx:
        payment = tx.repo(LEDGER).get(payment_id, visible_to=visible_to)
    awaiting = any(
        t.kind is TransactionKind.AUTHORIZE and t.status is TransactionStatus.REQUIRES_ACTION
        for t in payment.transactions
    )
    if payment.provider is not ProviderName.MANUAL or not awaiting:
        raise NotAwaitingPayment(str(payment.id))
    if payment.status is not TenderStatus.AUTHORIZING:
        raise NotAwaitingPayment(str(payment.id))
    return payment


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderUpdate:
    """What a provider reported on its own (a webhook): a movement of the payment it knows by
    ``payment_reference``. ``transaction_id`` is ours when the provider echoes it back (the
    idempotency key, metadata); ``outcome.reference`` is its id of the movement."""

    provider: ProviderName
    payment_reference: str
    kind: TransactionKind
    outcome: ProviderOutcome
    transaction_id: UUID | None = None
    reason: str | None = None
    actor: str = "provider"


def record_provider_update(update: ProviderUpdate, *, uow: UnitOfWork) -> Payment | None:
    """Apply a provider's report to the ledger, idempotently: it settles the open transaction
    it names (by our transaction id, or by the provider's reference of the movement), changes
    nothing when that transaction is settled already (the same event twice, or events out of
    order: the first final answer stays), or appends a movement the provider made on its own
    (a dispute, a refund from its dashboard). A report naming nothing of ours while a
    movement of its kind is in flight may be about that movement: it is refused with
    ``MovementInFlight`` and waits (the caller replays it once ours is settled), never taken
    for another movement. None when no payment has the reference."""
    with uow.begin() as tx:
        ledger = tx.repo(LEDGER)
        known = ledger.find_by_provider_reference(update.provider, update.payment_reference)
        if known is None:
            return None
        order = locked_order_of(known.id, uow=uow)
        payment = ledger.get(known.id, lock=True)
        moved = _apply(payment, update, at=tx.now)
        if moved is None:
            return payment
        ledger.save(payment)
        record_figures(order, payment, moved, uow=uow)
        tx.record(*payment.drain_events())
    return payment


def _apply(payment: Payment, update: ProviderUpdate, *, at: datetime) -> PaymentTransaction | None:
    """The transaction the report settles or appends, or None when it changes nothing."""
    target = _reported(payment, update)
    if target is not None:
        return payment.settle(target.id, update.outcome, at=at)
    in_flight = next((t for t in payment.open_transactions if t.kind is update.kind), None)
    if in_flight is not None:
        raise MovementInFlight(str(payment.id), in_flight.kind.value)
    appendable = update.kind is not TransactionKind.AUTHORIZE and update.outcome.reference
    if update.outcome.status is not TransactionStatus.SUCCEEDED or not appendable:
        return None  # a failure of, or a wait for, nothing we began: no money moved
    return payment.record(
        update.kind, update.outcome, actor=update.actor, at=at, reason=update.reason
    )


def _reported(payment: Payment, update: ProviderUpdate) -> PaymentTransaction | None:
    """The transaction a report names: ours by id; the tender's one authorisation by the
    payment's reference (how the provider knows the tender); else the movement with the
    provider's reference, one still open or settled as reported (a succeeded report is not
    about a failed capture that carried the same PaymentIntent id). Nothing else: an open
    transaction without the reference may be another movement."""
    if update.transaction_id is not None:
        for t in payment.transactions:
            if t.id == update.transaction_id:
                return t
    reference = update.outcome.reference
    if update.kind is TransactionKind.AUTHORIZE:
        if reference not in (None, payment.provider_reference):
            return None
        return next((t for t in payment.transactions if t.kind is update.kind), None)
    if reference is None:
        return None
    named = [
        t
        for t in payment.transactions
        if t.kind is update.kind and t.provider_reference == reference
    ]
    return next((t for t in named if t.open or t.status is update.outcome.status), None)
