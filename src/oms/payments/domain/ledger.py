"""The payment ledger's entries: one append-only transaction per money movement.

A transaction is begun ``pending`` (we are about to ask the provider) and settled once with
what the provider answered: ``succeeded``, ``failed`` or ``requires_action`` (the provider waits
for the customer: 3-D Secure, a bank transfer not yet received), which settles later. A settled
transaction (``succeeded`` or ``failed``) never changes again; the database refuses it too.
Our ``id`` is also the idempotency key sent to the provider, so asking twice moves money once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from oms.shared.money import Money


class TransactionKind(StrEnum):
    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    VOID = "void"
    """Release an authorisation (nothing captured yet)."""
    REFUND = "refund"
    CHARGEBACK = "chargeback"
    """The card holder's bank took captured money back (a dispute opened)."""
    CHARGEBACK_REVERSAL = "chargeback_reversal"
    """A dispute won: the money taken back returns."""


class TransactionStatus(StrEnum):
    PENDING = "pending"
    """Begun, the provider's answer not yet recorded (or the process died before it was)."""
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REQUIRES_ACTION = "requires_action"
    """The provider answered that it waits for someone else (customer, bank): not final."""


OPEN_STATUSES = frozenset({TransactionStatus.PENDING, TransactionStatus.REQUIRES_ACTION})
"""A transaction in one of these may still be settled; any other status is final."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderOutcome:
    """What a provider answered for one transaction.

    ``amount`` is what the provider says it moved (a PaymentIntent's amount, a partial capture),
    None when it moved what was asked. ``reference`` is the provider's id of the movement.
    ``final`` (captures only) says the provider closed the authorisation with this capture:
    Stripe captures a PaymentIntent once and releases the rest, so ``Payment.settle`` records
    that rest as released (a void of it) and nothing is capturable any more. Providers that
    capture an authorisation in several parts (manual, till) leave it False.
    """

    status: TransactionStatus
    reference: str | None
    amount: Money | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    final: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentTransaction:
    id: UUID
    """Ours; also the idempotency key sent to the provider."""
    payment_id: UUID
    kind: TransactionKind
    amount: Money
    status: TransactionStatus
    provider_reference: str | None
    failure_code: str | None
    failure_message: str | None
    actor: str
    created_at: datetime
    settled_at: datetime | None = None
    reason: str | None = None
    """Why money went back (refunds): a reason code, not free text about a person."""

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status is TransactionStatus.SUCCEEDED

    def settled(self, outcome: ProviderOutcome, amount: Money, at: datetime) -> PaymentTransaction:
        """This transaction as the provider's answer leaves it (``amount`` already checked)."""
        final = outcome.status not in OPEN_STATUSES
        return replace(
            self,
            status=outcome.status,
            amount=amount,
            provider_reference=outcome.reference or self.provider_reference,
            failure_code=outcome.failure_code,
            failure_message=_shorten(outcome.failure_message),
            settled_at=at if final else None,
        )


FAILURE_MESSAGE_LENGTH = 500


def _shorten(message: str | None) -> str | None:
    if message is None or len(message) <= FAILURE_MESSAGE_LENGTH:
        return message
    return message[: FAILURE_MESSAGE_LENGTH - 1] + "…"


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEntry:
    """A succeeded transaction with what reconciliation matches it by (``ledger_entries``)."""

    transaction_id: UUID
    payment_id: UUID
    order_id: UUID
    provider: str
    kind: TransactionKind
    amount: Money
    payment_reference: str | None
    """The payment's provider reference (a PaymentIntent id)."""
    provider_reference: str | None
    """The movement's provider reference (a charge, refund or dispute id)."""
    settled_at: datetime
