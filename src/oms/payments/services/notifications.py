"""Stripe's webhooks: verified, recorded once, applied to the ledger so that it converges.

Order of work: the signature is checked first (nothing is stored for a bad one); what the event
needs from Stripe beyond its own body (a ``charge.refunded`` event of a recent API version no
longer embeds its refunds) is fetched next, outside any database transaction; then one
transaction keeps the event (unique per event id: a redelivery is a no-op), applies it to the
payment and stamps it processed.

Events are snapshots that may arrive late, twice or out of order, so applying one never undoes
anything and never adds what the ledger already holds. Each event becomes provider updates that
``record_provider_update`` (the ledger's use case for them) applies idempotently: it settles the
open transaction an update is about, leaves a final one alone, or appends what Stripe did on
its own, matched by our transaction id, then by Stripe's reference:

- ``payment_intent.*``: the PaymentIntent's status settles the authorisation (succeeded for
  ``amount_capturable`` or what was received, failed with ``last_payment_error``); ``succeeded``
  also reports the capture of ``amount_received`` (settling our own capture if it is still
  open; keyed by the PaymentIntent, so a capture already recorded is not counted again);
  ``canceled`` voids what was authorised and not captured.
- ``charge.refunded``: each refund is tied to our transaction by the transaction id we put in
  its metadata, or by Stripe's refund id; an open one is settled, an unknown succeeded one
  (made in Stripe's dashboard) is recorded, after any refund of ours still in flight.
- ``charge.dispute.created`` records a chargeback for the disputed amount (an inquiry,
  ``warning_*``, takes no money and records nothing); ``charge.dispute.closed`` with ``won``
  records the chargeback reversal, ``lost`` leaves the chargeback standing. Each is keyed by
  the dispute id, so "closed" before "created" converges to the same ledger.

An event whose payment oms does not know (yet) is kept unprocessed with the reason: a payment
made by another system on the same Stripe account, or one whose outcome oms has not recorded
yet; ``replay_stripe_notifications`` applies those that have become applicable.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import stripe
import structlog

from oms.payments.domain import (
    Payment,
    PaymentTransaction,
    ProviderName,
    ProviderOutcome,
    TenderStatus,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.providers.stripe import (
    METADATA_TRANSACTION,
    StripeProvider,
    authorization_outcome,
    field,
    received,
    refund_outcome,
)
from oms.payments.repository import LEDGER
from oms.payments.repository.notifications import NOTIFICATIONS, ProviderNotification
from oms.payments.services.movements import ProviderUpdate, record_provider_update
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.errors import DomainError
from oms.shared.ids import new_id
from oms.shared.money import Money

log = structlog.get_logger("oms.payments")

PROVIDER = ProviderName.STRIPE.value
ACTOR = "provider:stripe"
"""Who the ledger names for movements Stripe reported on its own."""
HANDLED = frozenset(
    {
        "payment_intent.succeeded",
        "payment_intent.amount_capturable_updated",
        "payment_intent.payment_failed",
        "payment_intent.canceled",
        "charge.refunded",
        "charge.dispute.created",
        "charge.dispute.closed",
    }
)


REPLAY_WITHIN = timedelta(days=3)
"""As long as Stripe itself retries a webhook."""

PERSONAL = frozenset(
    {"billing_details", "shipping", "receipt_email", "email", "name", "phone", "address"}
)
"""Keys of Stripe objects that hold personal data (a card holder's name, email, address):
left out of the kept payload, which needs none of them (ADR 0005's rule for events)."""


class RefundsNotListed(DomainError):
    """A ``charge.refunded`` event without its refunds, and no way to ask Stripe for them."""


class RefundInFlight(DomainError):
    """A refund made outside oms reported while one of ours waits for its answer."""


def without_personal_data(value: Any) -> Any:
    """``value`` with every ``PERSONAL`` key removed, at any depth."""
    if isinstance(value, dict):
        return {k: without_personal_data(v) for k, v in value.items() if k not in PERSONAL}
    if isinstance(value, list):
        return [without_personal_data(item) for item in value]
    return value


class UnverifiedNotification(DomainError):
    """A webhook whose ``Stripe-Signature`` does not prove it comes from Stripe (or no signing
    secret is configured): refused with 400 and nothing stored."""

    code = "invalid-signature"
    title = "The notification's signature does not verify"


def verify_notification(payload: bytes, signature: str | None, secret: str | None) -> Any:
    """The Stripe event in ``payload`` once its signature verifies against the endpoint's secret
    (HMAC-SHA256 over ``"<t>.<payload>"``, at most five minutes old), as ``stripe`` checks it."""
    if not secret:
        raise UnverifiedNotification("no Stripe webhook signing secret is configured")
    if not signature:
        raise UnverifiedNotification("the Stripe-Signature header is missing")
    try:
        return stripe.Webhook.construct_event(payload, signature, secret)
    except stripe.SignatureVerificationError as error:
        raise UnverifiedNotification(f"the signature does not verify: {error}") from None
    except ValueError:
        raise UnverifiedNotification("the payload is not a Stripe event") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationReceipt:
    """What became of one delivery: the event, whether it was a redelivery, whether it is
    applied, and what it did in words."""

    event_id: str
    type: str
    duplicate: bool
    processed: bool
    outcome: str


def receive_stripe_notification(
    payload: bytes,
    signature: str | None,
    *,
    secret: str | None,
    uow: UnitOfWork,
    providers: Any,
) -> NotificationReceipt:
    """Verify a Stripe webhook, keep it once and apply it to the payment it is about."""
    event = verify_notification(payload, signature, secret)
    body = json.loads(payload)
    refunds = _refunds_to_fetch(body, providers)
    with uow.begin() as tx:
        notes = tx.repo(NOTIFICATIONS)
        kept = ProviderNotification(
            id=new_id(),
            provider=PROVIDER,
            event_id=str(event.id),
            type=str(event.type),
            received_at=tx.now,
            payload=without_personal_data(body),
        )
        if not notes.add(kept):
            earlier = notes.get(PROVIDER, kept.event_id, lock=True)
            if earlier is None or earlier.processed_at is not None:
                return _receipt(earlier or kept, duplicate=True)
            kept = earlier
        return _apply(kept, refunds, tx, uow)


def replay_stripe_notifications(
    *, uow: UnitOfWork, providers: Any, within: timedelta = REPLAY_WITHIN, limit: int = 100
) -> int:
    """Apply kept notifications received ``within`` the last while that were waiting for
    their payment; how many now applied. Meant for the worker's sweep, after pending
    transactions are settled. Older ones stay kept, unprocessed, with their reason: events
    about payments oms never had (another system on the same Stripe account) would otherwise
    be asked about forever."""
    with uow.read() as tx:
        since = tx.now - within
        waiting = tx.repo(NOTIFICATIONS).unprocessed(PROVIDER, since=since, limit=limit)
    applied = 0
    for notification in waiting:
        try:  # one event's trouble (Stripe unreachable for its refunds) must not stop the rest
            applied += _replay_one(notification, uow=uow, providers=providers)
        except Exception:
            log.exception("stripe_notification_replay_failed", event_id=notification.event_id)
    return applied


def _replay_one(notification: ProviderNotification, *, uow: UnitOfWork, providers: Any) -> bool:
    refunds = _refunds_to_fetch(notification.payload, providers)
    with uow.begin() as tx:
        current = tx.repo(NOTIFICATIONS).get(PROVIDER, notification.event_id, lock=True)
        if current is None or current.processed_at is not None:
            return False
        return _apply(current, refunds, tx, uow).processed


def _apply(
    notification: ProviderNotification,
    refunds: list[Any] | None,
    tx: Transaction,
    uow: UnitOfWork,
) -> NotificationReceipt:
    """Apply a kept notification in ``tx`` through ``record_provider_update`` (which locks the
    order, then the payment, and keeps the order's figures) and stamp it: processed, or why
    not yet."""
    obj = notification.payload.get("data", {}).get("object", {})
    payment = _payment_of(obj, tx) if notification.type in HANDLED else None
    processed = False
    if notification.type not in HANDLED:
        processed, outcome = True, f"ignored: oms does not act on {notification.type}"
    elif payment is None:
        outcome = f"waiting: no payment has PaymentIntent {_intent_id(obj)}"
    else:
        before = {t.id: t.status for t in payment.transactions}
        try:
            for update in updates_for(notification.type, obj, payment, refunds):
                payment = record_provider_update(update, uow=uow) or payment
        except DomainError as refused:
            outcome = f"not applied: {refused.detail}"
        else:
            moved = [t for t in payment.transactions if before.get(t.id) is not t.status]
            processed, outcome = True, _describe(moved)
    tx.repo(NOTIFICATIONS).mark_processed(
        notification.id, at=tx.now if processed else None, outcome=outcome
    )
    return NotificationReceipt(
        event_id=notification.event_id,
        type=notification.type,
        duplicate=False,
        processed=processed,
        outcome=outcome,
    )


def _describe(moved: list[PaymentTransaction]) -> str:
    if not moved:
        return "nothing to change: the ledger already says so"
    return "; ".join(f"{t.kind.value} {t.status.value} ({t.amount})" for t in moved)


def _receipt(notification: ProviderNotification, *, duplicate: bool) -> NotificationReceipt:
    return NotificationReceipt(
        event_id=notification.event_id,
        type=notification.type,
        duplicate=duplicate,
        processed=notification.processed_at is not None,
        outcome=notification.outcome or "received before",
    )


def _intent_id(obj: dict[str, Any]) -> str | None:
    """The PaymentIntent an event's object belongs to (it is one, or names one)."""
    if obj.get("object") == "payment_intent":
        return obj.get("id")
    intent = obj.get("payment_intent")
    return intent.get("id") if isinstance(intent, dict) else intent


def _payment_of(obj: dict[str, Any], tx: Transaction) -> Payment | None:
    """The payment an event is about, by its PaymentIntent (read, not locked: the update
    locks it). A PaymentIntent oms created but whose id it has not recorded yet (the answer
    still on its way) is not found: the event waits and is replayed."""
    intent_id = _intent_id(obj)
    if not intent_id:
        return None
    return tx.repo(LEDGER).find_by_provider_reference(ProviderName.STRIPE, intent_id)


def _refunds_to_fetch(body: dict[str, Any], providers: Any) -> list[Any] | None:
    """The refunds of a ``charge.refunded`` event's PaymentIntent, asked of Stripe when the
    event does not embed them (API versions since 2022-11-15); None when not needed."""
    obj = body.get("data", {}).get("object", {})
    if body.get("type") != "charge.refunded" or field(obj.get("refunds"), "data") is not None:
        return None
    provider = providers.get(ProviderName.STRIPE) if providers else None
    intent_id = _intent_id(obj)
    if not isinstance(provider, StripeProvider) or not intent_id:
        return None
    return provider.refunds_of(intent_id)


# -- what an event reports, as H1's provider updates ----------------------------------------


def updates_for(
    kind: str, obj: dict[str, Any], payment: Payment, refunds: list[Any] | None
) -> list[ProviderUpdate]:
    """The movements an event reports about ``payment`` (as it stood before), in the order
    they are applied; ``record_provider_update`` makes each idempotent."""
    if kind not in HANDLED:
        return []
    if kind.startswith("payment_intent."):
        return _intent_updates(obj, payment)
    if kind == "charge.refunded":
        embedded = (obj.get("refunds") or {}).get("data")
        listed = embedded if refunds is None else refunds
        if listed is None:
            raise RefundsNotListed("Stripe's refunds could not be listed: no Stripe API key")
        return _refund_updates(listed, payment)
    return _dispute_updates(obj, payment)


def _update(
    payment: Payment,
    kind: TransactionKind,
    outcome: ProviderOutcome,
    *,
    transaction_id: UUID | None = None,
    reason: str | None = None,
) -> ProviderUpdate:
    return ProviderUpdate(
        provider=ProviderName.STRIPE,
        payment_reference=str(payment.provider_reference),
        kind=kind,
        outcome=outcome,
        transaction_id=transaction_id,
        reason=reason,
        actor=ACTOR,
    )


def _intent_updates(intent: dict[str, Any], payment: Payment) -> list[ProviderUpdate]:
    """The authorisation as the PaymentIntent's status says; a succeeded one also captured
    (``amount_received``; without it, as localstripe sends it, what was authorised); a
    canceled one voided if it had been authorised and nothing captured."""
    updates = [
        _update(payment, TransactionKind.AUTHORIZE, authorization_outcome(intent, payment.currency))
    ]
    status = intent.get("status")
    reference = str(intent.get("id"))
    if status == "succeeded":
        amount = received(intent, payment.currency) or _authorized_amount(intent, payment)
        captured = ProviderOutcome(
            status=TransactionStatus.SUCCEEDED, reference=reference, amount=amount, final=True
        )  # Stripe captures a PaymentIntent once: the rest of the hold is released
        updates.append(_update(payment, TransactionKind.CAPTURE, captured))
    if status == "canceled" and payment.status is TenderStatus.AUTHORIZED:
        voided = _succeeded(reference, payment.authorized)
        updates.append(_update(payment, TransactionKind.VOID, voided))
    return updates


def _authorized_amount(intent: dict[str, Any], payment: Payment) -> Money:
    if payment.authorized.amount > 0:
        return payment.authorized
    return Money.from_minor(int(intent.get("amount") or 0), payment.currency)


def _refund_updates(refunds: list[Any], payment: Payment) -> list[ProviderUpdate]:
    """Each refund, tied to our transaction by the id we put in its metadata when we made it.
    One that is not ours and not recorded yet (made in Stripe's dashboard) waits while a
    refund of ours that this event does not settle is still open: the update would otherwise
    take it for ours."""
    ours = [_our_transaction(refund) for refund in refunds]
    settled_here = {found for found in ours if found is not None}
    in_flight = any(
        t.kind is TransactionKind.REFUND and t.open and t.id not in settled_here
        for t in payment.transactions
    )
    known = {t.provider_reference for t in payment.transactions}
    updates = []
    for refund, transaction_id in zip(refunds, ours, strict=True):
        reference = field(refund, "id")
        if transaction_id is None and reference not in known and in_flight:
            raise RefundInFlight(f"refund {reference} waits for ours in flight to settle")
        outcome = refund_outcome(refund)
        kind = TransactionKind.REFUND
        updates.append(
            _update(payment, kind, outcome, transaction_id=transaction_id, reason="provider")
        )
    return updates


def _our_transaction(refund: Any) -> UUID | None:
    ours = field(field(refund, "metadata"), METADATA_TRANSACTION)
    with suppress(ValueError, TypeError):
        return UUID(str(ours)) if ours else None
    return None


def _dispute_updates(dispute: dict[str, Any], payment: Payment) -> list[ProviderUpdate]:
    """A dispute takes its amount back (``chargeback``, keyed by the dispute id) and a won one
    returns it (``chargeback_reversal``, same key), each once; ``closed`` before ``created``
    gives the same ledger. An inquiry (``warning_*``) takes no money: nothing."""
    status = str(dispute.get("status") or "")
    if status.startswith("warning_"):
        return []
    reference = str(dispute.get("id"))
    amount = Money.from_minor(int(dispute["amount"]), str(dispute["currency"]).upper())
    reason = str(dispute.get("reason") or "dispute")[:40]
    taken = _succeeded(reference, amount)
    updates = [_update(payment, TransactionKind.CHARGEBACK, taken, reason=reason)]
    if status == "won":
        updates.append(_update(payment, TransactionKind.CHARGEBACK_REVERSAL, taken, reason=reason))
    return updates


def _succeeded(reference: str | None, amount: Money | None) -> ProviderOutcome:
    return ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference=reference, amount=amount)
