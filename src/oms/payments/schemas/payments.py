"""Request and response bodies of tenders and their movements."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import Field

from oms.payments.domain import (
    Payment,
    PaymentTransaction,
    ProviderName,
    TenderStatus,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.services import Started
from oms.platform.inputs import exact_money
from oms.platform.schemas import Input, MoneyIn, MoneyOut, Output
from oms.shared.money import Money

REFERENCE = Field(default=None, min_length=1, max_length=255)


def money_of(given: MoneyIn | None, field: str) -> Money | None:
    """The client's amount, exact in its currency (``19.999 EUR`` is refused, not rounded)."""
    return exact_money(given.amount, given.currency, field=field) if given else None


class TenderIn(Input):
    """A new payment of the order. Which fields apply depends on the provider:

    - `stripe`: `payment_intent` (a PaymentIntent the storefront created and the customer
      confirmed) or `payment_method` (the call centre: oms creates and confirms one);
    - `manual`: `method` (`bank_transfer`, `cash_on_delivery` or `invoice`), `amount`;
    - `marketplace`: `reference` (the marketplace's order id), for the order's total;
    - `pos`: `amount`, `reference` (the till receipt); `capture: false` for a pre-authorisation;
    - `store_credit`: `amount`.

    Without `amount` the tender is for what no other tender covers yet.
    """

    provider: ProviderName
    amount: MoneyIn | None = None
    method: str | None = Field(default=None, min_length=1, max_length=30)
    payment_intent: str | None = REFERENCE
    payment_method: str | None = REFERENCE
    reference: str | None = REFERENCE
    capture: bool | None = Field(
        default=None,
        description="Capture at once after the authorisation; by default the provider's "
        "habit (the till, marketplaces and store credit capture at once).",
    )

    def details(self) -> dict[str, Any]:
        """What the provider is handed besides the amount."""
        given = {
            "method": self.method,
            "payment_intent": self.payment_intent,
            "payment_method": self.payment_method,
            "reference": self.reference,
        }
        return {name: value for name, value in given.items() if value is not None}


class CaptureIn(Input):
    amount: MoneyIn | None = Field(
        default=None, description="What to capture; everything still capturable without it."
    )


class RefundIn(Input):
    amount: MoneyIn
    reason: str | None = Field(
        default=None,
        max_length=200,
        description="A reason code (`damaged`, `goodwill`, ...); not a note about a person.",
    )


class ReceivedIn(Input):
    bank_reference: str = Field(min_length=1, max_length=255)
    amount: MoneyIn | None = Field(
        default=None, description="What arrived; the tender's amount without it."
    )


class TransactionOut(Output):
    id: UUID = Field(description="Ours; also the idempotency key sent to the provider.")
    kind: TransactionKind
    status: TransactionStatus
    amount: MoneyOut
    provider_reference: str | None
    failure_code: str | None
    failure_message: str | None
    reason: str | None
    actor: str
    created_at: datetime
    settled_at: datetime | None

    @classmethod
    def of(cls, t: PaymentTransaction) -> TransactionOut:
        return cls(
            id=t.id,
            kind=t.kind,
            status=t.status,
            amount=MoneyOut.of(t.amount),
            provider_reference=t.provider_reference,
            failure_code=t.failure_code,
            failure_message=t.failure_message,
            reason=t.reason,
            actor=t.actor,
            created_at=t.created_at,
            settled_at=t.settled_at,
        )


class PaymentOut(Output):
    id: UUID
    order_id: UUID
    channel: str
    provider: ProviderName
    method: str | None
    status: TenderStatus
    amount: MoneyOut = Field(description="What this tender is for.")
    authorized: MoneyOut
    captured: MoneyOut
    refunded: MoneyOut
    charged_back: MoneyOut
    capturable: MoneyOut
    released: MoneyOut = Field(
        description="The authorisation given back: by a void, or what a final partial capture "
        "left (Stripe captures a PaymentIntent once)."
    )
    refundable: MoneyOut
    provider_reference: str | None
    version: int
    created_at: datetime
    transactions: list[TransactionOut]

    @classmethod
    def of(cls, p: Payment) -> PaymentOut:
        return cls(
            id=p.id,
            order_id=p.order_id,
            channel=p.channel,
            provider=p.provider,
            method=p.method,
            status=p.status,
            amount=MoneyOut.of(p.amount),
            authorized=MoneyOut.of(p.authorized),
            captured=MoneyOut.of(p.captured),
            refunded=MoneyOut.of(p.refunded),
            charged_back=MoneyOut.of(p.charged_back),
            capturable=MoneyOut.of(p.capturable),
            released=MoneyOut.of(p.released),
            refundable=MoneyOut.of(p.refundable),
            provider_reference=p.provider_reference,
            version=p.version,
            created_at=p.created_at,
            transactions=[TransactionOut.of(t) for t in p.transactions],
        )


class MovementStarted(Output):
    """What an Idempotency-Key stores for a movement: the transaction its first attempt
    began. A replay finishes that transaction (if it is still open) and answers with the
    payment as the ledger has it (ADR 0010)."""

    payment_id: UUID
    transaction_id: UUID

    @classmethod
    def of(cls, started: Started) -> MovementStarted:
        return cls(payment_id=started.payment_id, transaction_id=started.transaction_id)
