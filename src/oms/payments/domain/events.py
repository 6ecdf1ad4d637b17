"""Events of the payments context, one per settled movement (ids and values only).

Every event is about one payment (``aggregate_id`` = ``payment_id``) and names its order, the
ledger transaction, the amount in minor units with its currency and the provider. Invoicing
issues invoices on ``PaymentCaptured`` and credit notes on ``RefundIssued``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.shared.events import Event


@dataclass(frozen=True, kw_only=True)
class PaymentMoved(Event):
    """The fields every payment event carries (not registered itself)."""

    aggregate = "payment"
    payment_id: UUID
    order_id: UUID
    transaction_id: UUID
    amount_minor: int
    currency: str
    provider: str
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class PaymentAuthorized(PaymentMoved):
    """A payment was authorised by its provider (money reserved, not yet taken)."""

    type = "payments.payment_authorized.v1"


@dataclass(frozen=True, kw_only=True)
class PaymentCaptured(PaymentMoved):
    """Money was taken for an order (a capture, or a payment captured at once)."""

    type = "payments.payment_captured.v1"


@dataclass(frozen=True, kw_only=True)
class PaymentVoided(PaymentMoved):
    """An authorisation was voided; the reserved money was let go."""

    type = "payments.payment_voided.v1"


@dataclass(frozen=True, kw_only=True)
class PaymentFailed(PaymentMoved):
    """A movement the provider refused; ``kind`` says which (``authorize``, ``capture``...)."""

    type = "payments.payment_failed.v1"
    kind: str
    failure_code: str | None


@dataclass(frozen=True, kw_only=True)
class RefundIssued(PaymentMoved):
    """Money was refunded to the customer through the payment's provider."""

    type = "payments.refund_issued.v1"
    reason: str | None


@dataclass(frozen=True, kw_only=True)
class ChargebackOpened(PaymentMoved):
    """The customer's bank disputed a payment (chargeback opened)."""

    type = "payments.chargeback_opened.v1"


@dataclass(frozen=True, kw_only=True)
class ChargebackClosed(PaymentMoved):
    """A dispute ended in the merchant's favour: the money taken back returned."""

    type = "payments.chargeback_closed.v1"


PAYMENT_EVENTS: tuple[type[Event], ...] = (
    PaymentAuthorized,
    PaymentCaptured,
    PaymentVoided,
    PaymentFailed,
    RefundIssued,
    ChargebackOpened,
    ChargebackClosed,
)
