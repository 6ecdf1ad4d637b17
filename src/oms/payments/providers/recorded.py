"""Providers whose money moves outside oms (the till, the marketplace): every movement is
recorded as done, with the tender's own reference for taking the money. Answers depend only
on the transaction, so asking again (``retrieve``) answers the same."""

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


class RecordedProvider:
    """A ``PaymentProvider`` for money that moved outside oms (``name`` is set by each kind)."""

    name: ProviderName

    def authorize(self, request: AuthorizeRequest) -> ProviderOutcome:
        return _done(request.payment, request.transaction)

    def capture(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return _done(payment, transaction)

    def void(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return _done(payment, transaction)

    def refund(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return _done(payment, transaction)

    def retrieve(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return _done(payment, transaction)


def _done(payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
    """Done as recorded: the tender's own reference (a receipt, the marketplace's order id)
    for taking the money, our transaction id for anything else."""
    taking = transaction.kind in (TransactionKind.AUTHORIZE, TransactionKind.CAPTURE)
    reference = payment.provider_reference if taking else None
    return ProviderOutcome(
        status=TransactionStatus.SUCCEEDED, reference=reference or str(transaction.id)
    )
