"""The store-credit provider: a tender paid from the customer's store-credit balance.

Unlike a card, the "provider call" is a write to our own database, so it follows the two-step
rule like any other provider: the payments service commits the pending transaction first, then
calls this provider, which posts one ledger entry in its own short transaction, keyed by the
transaction's id (``source_id``). Asking twice, or asking again after a crash (``retrieve``, by
the sweeper), posts once.

- ``authorize`` spends the credit at once (authorise and capture are one step for credit: the
  balance is taken, so nobody else can spend it); a balance short of the amount is a failure
  (``insufficient_store_credit``), not an error.
- ``capture`` moves nothing (the credit was taken at authorisation) and succeeds.
- ``void`` and ``refund`` put the amount back on the balance (a ``restore`` entry). The payment's
  lifecycle bounds them: a void only after the spend succeeded and before any capture, refunds
  only up to what was captured, so a restore never gives back more than was spent.
- ``retrieve`` does what the pending transaction asked, idempotently: the entry is either
  already there (the earlier call got through) or is posted now, so the answer is final.
"""

from __future__ import annotations

from uuid import UUID

from oms.payments.domain.credit import (
    CreditEntry,
    CreditEntryKind,
    CreditMovement,
    InsufficientStoreCredit,
)
from oms.payments.domain.ledger import (
    PaymentTransaction,
    ProviderOutcome,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.domain.tender import Payment, ProviderName
from oms.payments.providers.base import AuthorizeRequest
from oms.payments.repository.credit import STORE_CREDIT
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.ids import new_id

ACTOR = "provider:store_credit"


class StoreCreditProvider:
    """``PaymentProvider`` over the store-credit ledger (``payments.store_credit``)."""

    name = ProviderName.STORE_CREDIT

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def authorize(self, request: AuthorizeRequest) -> ProviderOutcome:
        return self._spend(request.payment, request.transaction)

    def capture(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:  # noqa: ARG002 - the protocol's signature
        return _succeeded(reference=payment.provider_reference)

    def void(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return self._restore(payment, transaction)

    def refund(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return self._restore(payment, transaction)

    def retrieve(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        if transaction.kind is TransactionKind.AUTHORIZE:
            return self._spend(payment, transaction)
        if transaction.kind in (TransactionKind.VOID, TransactionKind.REFUND):
            return self._restore(payment, transaction)
        return _succeeded(reference=payment.provider_reference)

    def _spend(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        if payment.customer_id is None:
            return ProviderOutcome(
                status=TransactionStatus.FAILED,
                reference=None,
                failure_code="no_customer",
                failure_message="the order has no customer whose credit could pay it",
            )
        try:
            entry = self._post(payment, payment.customer_id, transaction, CreditEntryKind.SPEND)
        except InsufficientStoreCredit as refused:
            return ProviderOutcome(
                status=TransactionStatus.FAILED,
                reference=None,
                failure_code="insufficient_store_credit",
                failure_message=refused.detail,
            )
        return _succeeded(reference=str(entry.id))

    def _restore(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        if payment.customer_id is None:  # nothing was ever spent from a customer's credit
            return _succeeded(reference=None)
        entry = self._post(payment, payment.customer_id, transaction, CreditEntryKind.RESTORE)
        return _succeeded(reference=str(entry.id))

    def _post(
        self,
        payment: Payment,
        customer_id: UUID,
        transaction: PaymentTransaction,
        kind: CreditEntryKind,
    ) -> CreditEntry:
        """One entry for the transaction, in its own transaction, announced when new."""
        movement = CreditMovement(
            id=new_id(),
            customer_id=customer_id,
            kind=kind,
            amount=transaction.amount,
            reason=f"{transaction.kind.value} of payment {payment.id}",
            actor=ACTOR,
            order_id=payment.order_id,
            payment_id=payment.id,
            source_id=transaction.id,
        )
        with self.uow.begin() as tx:
            entry = tx.repo(STORE_CREDIT).post(movement, tx.now)
            if entry.id == movement.id:  # not posted before for this transaction
                tx.record(entry.changed())
        return entry


def _succeeded(*, reference: str | None) -> ProviderOutcome:
    return ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference=reference)
