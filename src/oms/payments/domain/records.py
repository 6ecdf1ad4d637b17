"""What a settled movement is recorded as: an event for other contexts and a line for the
order's timeline. ``Payment`` and the services call these; the wording lives here."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from oms.payments.domain.events import (
    ChargebackClosed,
    ChargebackOpened,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentFailed,
    PaymentMoved,
    PaymentVoided,
    RefundIssued,
)
from oms.payments.domain.ledger import PaymentTransaction, TransactionKind, TransactionStatus

_SUCCEEDED: dict[TransactionKind, type[PaymentMoved]] = {
    TransactionKind.AUTHORIZE: PaymentAuthorized,
    TransactionKind.CAPTURE: PaymentCaptured,
    TransactionKind.VOID: PaymentVoided,
    TransactionKind.CHARGEBACK: ChargebackOpened,
    TransactionKind.CHARGEBACK_REVERSAL: ChargebackClosed,
}

_DONE = {
    TransactionKind.AUTHORIZE: "authorised",
    TransactionKind.CAPTURE: "captured",
    TransactionKind.VOID: "voided",
    TransactionKind.REFUND: "refunded",
    TransactionKind.CHARGEBACK: "taken back by a chargeback",
    TransactionKind.CHARGEBACK_REVERSAL: "returned by a won chargeback",
}


class Tender(Protocol):
    """The payment as these records read it."""

    @property
    def id(self) -> UUID: ...
    @property
    def order_id(self) -> UUID: ...
    @property
    def provider(self) -> str: ...
    @property
    def method(self) -> str | None: ...


def event_for(payment: Tender, t: PaymentTransaction, at: datetime) -> PaymentMoved | None:
    """The event of a movement the provider answered: succeeded or failed (none while it
    waits for the customer)."""
    common: dict[str, Any] = {
        "aggregate_id": payment.id,
        "payment_id": payment.id,
        "order_id": payment.order_id,
        "transaction_id": t.id,
        "amount_minor": t.amount.minor,
        "currency": t.amount.currency,
        "provider": str(payment.provider),
        "occurred_at": at,
    }
    if t.status is TransactionStatus.FAILED:
        return PaymentFailed(**common, kind=t.kind.value, failure_code=t.failure_code)
    if not t.succeeded:
        return None
    if t.kind is TransactionKind.REFUND:
        return RefundIssued(**common, reason=t.reason)
    return _SUCCEEDED[t.kind](**common)


def timeline_kind(t: PaymentTransaction) -> str:
    """The order timeline's ``kind`` for a movement: ``payment_capture_succeeded``..."""
    return f"payment_{t.kind.value}_{t.status.value}"


def timeline_summary(payment: Tender, t: PaymentTransaction) -> str:
    """One line for people: ``12.50 EUR captured (stripe, card)``."""
    how = str(payment.provider) + (f", {payment.method}" if payment.method else "")
    if t.status is TransactionStatus.FAILED:
        why = f": {t.failure_code}" if t.failure_code else ""
        return f"{t.kind.value} of {t.amount} failed ({how}){why}"
    if t.status is TransactionStatus.REQUIRES_ACTION:
        return f"{t.amount} awaited ({how})"
    if t.status is TransactionStatus.PENDING:
        return f"{t.kind.value} of {t.amount} asked ({how})"
    return f"{t.amount} {_DONE[t.kind]} ({how})"


def timeline_details(payment: Tender, t: PaymentTransaction) -> dict[str, Any]:
    """The facts of a movement for the timeline, JSON-ready."""
    return {
        "payment_id": str(payment.id),
        "transaction_id": str(t.id),
        "kind": t.kind.value,
        "status": t.status.value,
        "amount": {"amount": format(t.amount.amount, "f"), "currency": t.amount.currency},
        "provider": str(payment.provider),
        "provider_reference": t.provider_reference,
        "failure_code": t.failure_code,
        "reason": t.reason,
    }
