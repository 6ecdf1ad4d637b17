"""Point of sale: money taken at the till, for the amount the till rang up.

The till has taken the money before oms hears of it, so every movement is recorded as done,
and the tender is captured as soon as it is authorised (``CAPTURED_AT_ONCE``). A refund at
the till is cash or card handed back there. Answers depend only on the transaction, so asking
again (``retrieve``) answers the same.
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


class PosProvider:
    """``PaymentProvider`` for ``pos`` tenders."""

    name = ProviderName.POS

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
