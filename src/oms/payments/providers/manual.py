"""Manual tenders: bank transfer, cash on delivery, pay by invoice.

No one can be asked whether the money arrived, so the authorisation waits
(``requires_action``) until finance marks the tender received (``mark_received``), which
authorises and captures what arrived. Refunds and voids are recorded as done: the money goes
back (or the expectation is cancelled) outside oms, by the people who record it here. Every
answer depends only on the transaction, so asking again (``retrieve``) answers the same.
"""

from __future__ import annotations

from oms.payments.domain import (
    Payment,
    PaymentTransaction,
    ProviderName,
    ProviderOutcome,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.providers.base import AuthorizeRequest

METHODS = frozenset({"bank_transfer", "cash_on_delivery", "invoice"})


class ManualProvider:
    """``PaymentProvider`` for ``manual`` tenders."""

    name = ProviderName.MANUAL

    def authorize(self, request: AuthorizeRequest) -> ProviderOutcome:  # noqa: ARG002 - the protocol's signature
        return _awaited()

    def capture(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return _recorded(payment, transaction)

    def void(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return _recorded(payment, transaction)

    def refund(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return _recorded(payment, transaction)

    def retrieve(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        if transaction.kind is TransactionKind.AUTHORIZE:
            return _awaited()
        return _recorded(payment, transaction)


def _awaited() -> ProviderOutcome:
    return ProviderOutcome(status=TransactionStatus.REQUIRES_ACTION, reference=None)


def _recorded(payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
    """Done as recorded; the reference is the bank reference the money came with (captures)
    or our own transaction id."""
    reference = payment.provider_reference if transaction.kind is TransactionKind.CAPTURE else None
    return ProviderOutcome(
        status=TransactionStatus.SUCCEEDED, reference=reference or str(transaction.id)
    )
