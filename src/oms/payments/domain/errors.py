"""Errors of the payments context: facts, never HTTP (``oms.platform.problems`` maps them).

NotFound   PaymentNotFound, TransactionNotFound
Invalid    AmountAboveCapturable, AmountAboveRefundable, AmountAboveBalanceDue,
           ProviderNotConfigured (each names its field)
Conflict   VoidAfterCapture, MovementInFlight, NothingToCapture, NothingToPay,
           NotAwaitingPayment, PaymentChanged, PaymentReferenceTaken, ProviderAnswerDoesNotFit
           (and IllegalTransition from the payment lifecycle)
"""

from __future__ import annotations

from oms.shared.errors import Conflict, Invalid, NotFound
from oms.shared.money import Money


class PaymentNotFound(NotFound):
    code = "payment-not-found"
    title = "Payment not found"

    def __init__(self, reference: str) -> None:
        super().__init__(f"no payment {reference}", payment=reference)


class TransactionNotFound(NotFound):
    code = "payment-transaction-not-found"
    title = "Payment transaction not found"

    def __init__(self, payment_id: str, transaction_id: str) -> None:
        super().__init__(
            f"payment {payment_id} has no transaction {transaction_id}",
            transaction=transaction_id,
        )


class AmountAboveCapturable(Invalid):
    code = "amount-above-capturable"
    title = "Amount above what can be captured"

    def __init__(self, requested: Money, capturable: Money) -> None:
        super().__init__(
            f"{requested} asked, {capturable} can still be captured",
            field="amount",
            requested=str(requested.amount),
            capturable=str(capturable.amount),
            currency=capturable.currency,
        )


class AmountAboveRefundable(Invalid):
    code = "amount-above-refundable"
    title = "Amount above what can be refunded"

    def __init__(self, requested: Money, refundable: Money) -> None:
        super().__init__(
            f"{requested} asked, {refundable} can still be refunded",
            field="amount",
            requested=str(requested.amount),
            refundable=str(refundable.amount),
            currency=refundable.currency,
        )


class AmountAboveBalanceDue(Invalid):
    code = "amount-above-balance-due"
    title = "Amount above what the order still needs"

    def __init__(self, requested: Money, uncovered: Money) -> None:
        super().__init__(
            f"{requested} offered, the order's tenders leave {uncovered} to cover",
            field="amount",
            requested=str(requested.amount),
            uncovered=str(uncovered.amount),
            currency=uncovered.currency,
        )


class ProviderNotConfigured(Invalid):
    code = "payment-provider-not-configured"
    title = "Payment provider not configured"

    def __init__(self, provider: str) -> None:
        super().__init__(f"the {provider} provider is not configured here", field="provider")


class VoidAfterCapture(Conflict):
    code = "void-after-capture"
    title = "Captured payments cannot be voided"

    def __init__(self, payment_id: str) -> None:
        super().__init__(
            f"payment {payment_id} has a capture; refund it instead of voiding", payment=payment_id
        )


class MovementInFlight(Conflict):
    code = "payment-movement-in-flight"
    title = "A movement of this payment is in flight"

    def __init__(self, payment_id: str, kind: str) -> None:
        super().__init__(
            f"payment {payment_id} waits for the provider's answer to a {kind}; retry later",
            payment=payment_id,
            in_flight=kind,
        )


class NothingToCapture(Conflict):
    code = "nothing-to-capture"
    title = "Nothing left to capture"

    def __init__(self, payment_id: str) -> None:
        super().__init__(f"payment {payment_id} has nothing left to capture", payment=payment_id)


class NothingToPay(Conflict):
    code = "nothing-to-pay"
    title = "The order needs no more payment"

    def __init__(self, order_id: str, why: str) -> None:
        super().__init__(f"order {order_id} takes no tender: {why}", order=order_id)


class NotAwaitingPayment(Conflict):
    code = "payment-not-awaiting-receipt"
    title = "The payment is not waiting for money"

    def __init__(self, payment_id: str) -> None:
        super().__init__(
            f"payment {payment_id} is not a manual tender waiting for the money",
            payment=payment_id,
        )


class PaymentChanged(Conflict):
    code = "payment-changed"
    title = "The payment changed meanwhile"

    def __init__(self, payment_id: str) -> None:
        super().__init__(f"payment {payment_id} changed meanwhile; retry", payment=payment_id)


class PaymentReferenceTaken(Conflict):
    code = "payment-reference-taken"
    title = "Already recorded as another tender"

    def __init__(self, provider: str, reference: str) -> None:
        super().__init__(
            f"{provider} payment {reference} is already a tender", provider_reference=reference
        )


class ProviderAnswerDoesNotFit(Conflict):
    code = "provider-answer-does-not-fit"
    title = "The provider's answer does not fit the ledger"

    def __init__(self, payment_id: str, why: str) -> None:
        super().__init__(f"payment {payment_id}: {why}", payment=payment_id)
