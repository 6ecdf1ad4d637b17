"""Marketplaces: the marketplace collected the money from the buyer and pays it out to us.

An order that comes from a marketplace is paid when it arrives, for its total: the tender is
authorised and captured at once (``CAPTURED_AT_ONCE``). Refunds are made by the marketplace
(its own dispute and return flows) and recorded here as done, so that the order's figures and
the settlement reports agree. Answers depend only on the transaction, so asking again
(``retrieve``) answers the same.
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


class MarketplaceProvider:
    """``PaymentProvider`` for ``marketplace`` tenders."""

    name = ProviderName.MARKETPLACE

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
