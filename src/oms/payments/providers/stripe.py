"""The Stripe provider: card tenders through PaymentIntents, with the official ``stripe`` package.

Two ways in (``authorize``): a storefront created and confirmed a PaymentIntent and hands oms its id
(``payment_intent``): oms retrieves it and records what Stripe says; or the call centre gives a
payment method (``payment_method``): oms creates and confirms a manual-capture PaymentIntent
itself. Capture, void (cancelling the PaymentIntent) and refund follow; ``retrieve`` tells the
sweeper what became of a transaction whose outcome was never recorded.

Every request carries our transaction's id as Stripe's idempotency key, so a request repeated
after a lost answer is done once: that is also how ``retrieve`` finishes an interrupted call
whose effect it cannot see (Stripe keeps keys for 24 hours; the sweeper runs within minutes).
Card declines become ``failed`` with Stripe's decline code; network trouble, rate limits and
Stripe's own errors raise ``ProviderUnavailable`` (the outcome is unknown): the transaction stays
``pending`` for the sweeper.
No method here opens a database transaction: services call them between two of theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import stripe

from oms.payments.domain import (
    Payment,
    PaymentTransaction,
    ProviderName,
    ProviderOutcome,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.providers.base import AuthorizeRequest, ProviderUnavailable
from oms.platform.settings import Settings
from oms.shared.money import Money

UNKNOWN_OUTCOME = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)
"""Errors after which Stripe may or may not have acted: ``ProviderUnavailable``, so the
transaction stays pending and the sweeper asks again (under the same idempotency key)."""

CANCELABLE = frozenset(
    {"requires_payment_method", "requires_confirmation", "requires_action", "processing"}
    | {"requires_capture"}
)
"""PaymentIntent statuses Stripe still cancels."""

METADATA_ORDER = "oms_order_id"
METADATA_PAYMENT = "oms_payment_id"
METADATA_TRANSACTION = "oms_transaction_id"


def field(obj: Any, name: str) -> Any:
    """A field of a Stripe object or a plain dict, None when absent (localstripe and older
    API versions leave some out)."""
    if isinstance(obj, stripe.StripeObject | dict) and name in obj:
        return obj[name]
    return None


class StripeProvider:
    """``PaymentProvider`` for ``stripe`` tenders."""

    name = ProviderName.STRIPE

    def __init__(self, settings: Settings, *, client: stripe.StripeClient | None = None) -> None:
        key = settings.stripe_api_key
        self._client = client
        if client is None and key is not None:
            self._client = stripe.StripeClient(
                key.get_secret_value(),
                base_addresses={"api": settings.stripe_api_base},
                max_network_retries=2,
            )

    # -- the protocol -------------------------------------------------------------------------

    def authorize(self, request: AuthorizeRequest) -> ProviderOutcome:
        """Record a storefront's PaymentIntent, or create and confirm one for a payment method."""
        transaction = request.transaction
        currency = transaction.amount.currency
        intent_id = request.details.get("payment_intent")
        method = request.details.get("payment_method")
        if intent_id:
            return self._call(
                lambda client: authorization_outcome(
                    client.v1.payment_intents.retrieve(str(intent_id)), currency
                )
            )
        if not method:
            return failed(
                "payment_details_missing",
                "a Stripe tender needs a payment_intent or a payment_method",
            )
        return self._call(
            lambda client: authorization_outcome(
                self._create_intent(client, request.payment, transaction, str(method)), currency
            )
        )

    def capture(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        """Capture ``transaction.amount`` of the PaymentIntent (partial when less)."""
        return self._call(lambda client: self._capture(client, payment, transaction))

    def void(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        """Cancel the PaymentIntent: the authorisation is released on the card."""
        return self._call(
            lambda client: void_outcome(
                client.v1.payment_intents.cancel(
                    _intent_of(payment), None, {"idempotency_key": str(transaction.id)}
                )
            ),
        )

    def refund(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        """Refund ``transaction.amount`` of what the PaymentIntent captured."""
        return self._call(lambda client: refund_outcome(self._refund(client, payment, transaction)))

    def retrieve(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        """What became of a transaction left pending: read Stripe's state; where it shows the
        request was never carried out, send it again with the same idempotency key (done once)."""
        return self._call(lambda client: self._find(client, payment, transaction))

    # -- Stripe-specific, for webhooks ----------------------------------------------------------

    def refunds_of(self, intent_id: str) -> list[Any]:
        """Every refund of a PaymentIntent (a ``charge.refunded`` event no longer embeds them)."""
        client = self._require_client()
        listed = client.v1.refunds.list({"payment_intent": intent_id, "limit": 100})
        return list(listed.data)

    # -- how -----------------------------------------------------------------------------------

    def _require_client(self) -> stripe.StripeClient:
        if self._client is None:
            raise StripeNotConfigured
        return self._client

    def _call(self, action: Callable[[stripe.StripeClient], ProviderOutcome]) -> ProviderOutcome:
        """Run one request to Stripe and turn its errors into outcomes."""
        try:
            return action(self._require_client())
        except StripeNotConfigured:
            return failed("stripe_not_configured", "OMS_STRIPE_API_KEY is not set")
        except NoPaymentIntent:
            return failed("payment_intent_missing", "the tender has no PaymentIntent")
        except stripe.CardError as error:
            return declined(error)
        except UNKNOWN_OUTCOME as error:
            raise ProviderUnavailable(
                f"Stripe: {type(error).__name__}: {_message(error)}"
            ) from error
        except stripe.StripeError as error:
            return failed(error.code or type(error).__name__, _message(error))

    def _create_intent(
        self,
        client: stripe.StripeClient,
        payment: Payment,
        transaction: PaymentTransaction,
        method: str,
    ) -> Any:
        params: dict[str, Any] = {
            "amount": transaction.amount.minor,
            "currency": transaction.amount.currency.lower(),
            "payment_method": method,
            # The long-standing way to confirm a card server-side without a return URL (this
            # package's typed params, API 2026-10-28, no longer list it; localstripe knows no
            # other way: allowed_payment_method_types and automatic_payment_methods are 400).
            "payment_method_types": ["card"],
            "capture_method": "manual",
            "confirm": True,
            "metadata": {
                METADATA_ORDER: str(payment.order_id),
                METADATA_PAYMENT: str(payment.id),
                METADATA_TRANSACTION: str(transaction.id),
            },
        }
        return client.v1.payment_intents.create(
            cast(Any, params), {"idempotency_key": str(transaction.id)}
        )

    def _capture(
        self, client: stripe.StripeClient, payment: Payment, transaction: PaymentTransaction
    ) -> ProviderOutcome:
        """Capture; when Stripe refuses because the PaymentIntent is captured already (the
        storefront captured automatically, or an earlier answer of ours was lost), what it
        received beyond what our ledger holds is this capture's; nothing beyond is a failure."""
        intent_id = _intent_of(payment)
        try:
            intent = client.v1.payment_intents.capture(
                intent_id,
                {"amount_to_capture": transaction.amount.minor},
                {"idempotency_key": str(transaction.id)},
            )
        except stripe.InvalidRequestError as refused:
            intent = client.v1.payment_intents.retrieve(intent_id)
            if field(intent, "status") != "succeeded":
                raise
            return already_captured(intent, payment, transaction, refused)
        return capture_outcome(intent, transaction)

    def _refund(
        self, client: stripe.StripeClient, payment: Payment, transaction: PaymentTransaction
    ) -> Any:
        return client.v1.refunds.create(
            {
                "payment_intent": _intent_of(payment),
                "amount": transaction.amount.minor,
                "metadata": {
                    METADATA_PAYMENT: str(payment.id),
                    METADATA_TRANSACTION: str(transaction.id),
                },
            },
            {"idempotency_key": str(transaction.id)},
        )

    def _find(
        self, client: stripe.StripeClient, payment: Payment, transaction: PaymentTransaction
    ) -> ProviderOutcome:
        kind = transaction.kind
        if kind is TransactionKind.AUTHORIZE and payment.provider_reference is None:
            return self._find_created_intent(client, transaction)
        if kind is TransactionKind.REFUND:
            return self._find_refund(payment, transaction)
        if kind not in (TransactionKind.AUTHORIZE, TransactionKind.CAPTURE, TransactionKind.VOID):
            return failed("not_retrievable", f"Stripe cannot tell what became of a {kind}")
        intent = client.v1.payment_intents.retrieve(_intent_of(payment))
        if kind is TransactionKind.AUTHORIZE:
            return authorization_outcome(intent, transaction.amount.currency)
        return self._finish_movement(intent, payment, transaction)

    def _finish_movement(
        self, intent: Any, payment: Payment, transaction: PaymentTransaction
    ) -> ProviderOutcome:
        """A capture or void whose PaymentIntent still allows it never reached Stripe: it is
        sent now (same key); otherwise the PaymentIntent says how it ended."""
        status = field(intent, "status")
        if transaction.kind is TransactionKind.CAPTURE:
            if status == "requires_capture":
                return self.capture(payment, transaction)
            return capture_outcome(intent, transaction)
        if status in CANCELABLE:
            return self.void(payment, transaction)
        return void_outcome(intent)

    def _find_refund(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        """Our refund among the PaymentIntent's, by the transaction id in its metadata; none
        means the request never reached Stripe, so it is sent now (under the same key)."""
        for refund in self.refunds_of(_intent_of(payment)):
            if field(field(refund, "metadata"), METADATA_TRANSACTION) == str(transaction.id):
                return refund_outcome(refund)
        return self.refund(payment, transaction)

    def _find_created_intent(
        self, client: stripe.StripeClient, transaction: PaymentTransaction
    ) -> ProviderOutcome:
        """The PaymentIntent we created for a call-centre authorisation whose answer was lost,
        found by our transaction id in its metadata (Stripe's search lags writes by about a
        minute, which the sweeper's age threshold covers). None found: Stripe never made it.
        Where search is not offered, the outcome stays unknown (pending) rather than guessed."""
        query = f"metadata['{METADATA_TRANSACTION}']:'{transaction.id}'"
        try:
            found = client.v1.payment_intents.search({"query": query, "limit": 1})
        except stripe.InvalidRequestError as error:  # no search here (localstripe): unknown
            raise ProviderUnavailable(f"Stripe cannot search PaymentIntents: {error}") from None
        if not found.data:
            return failed("not_created", "Stripe has no PaymentIntent for this transaction")
        return authorization_outcome(found.data[0], transaction.amount.currency)


class StripeNotConfigured(Exception):
    """No API key: Stripe tenders are refused with a failed transaction saying so."""


class NoPaymentIntent(Exception):
    """A capture, void or refund of a tender that has no PaymentIntent: nothing to ask."""


def _intent_of(payment: Payment) -> str:
    if payment.provider_reference is None:
        raise NoPaymentIntent
    return payment.provider_reference


def _message(error: stripe.StripeError) -> str:
    return str(error.user_message or error._message or type(error).__name__)[:500]


def failed(code: str, message: str, reference: str | None = None) -> ProviderOutcome:
    return ProviderOutcome(
        status=TransactionStatus.FAILED,
        reference=reference,
        amount=None,
        failure_code=code,
        failure_message=message,
    )


def declined(error: stripe.CardError) -> ProviderOutcome:
    """A declined card: Stripe's decline code when it gives one (``insufficient_funds``), else
    its error code (``card_declined``), and the PaymentIntent it left behind."""
    details = error.error
    code = field(details, "decline_code") or error.code or "card_declined"
    intent = field(details, "payment_intent")
    reference = field(intent, "id") if intent is not None else None
    return failed(str(code), _message(error), reference)


def _money(minor: Any, currency: str) -> Money | None:
    return Money.from_minor(int(minor), currency) if isinstance(minor, int) else None


def _capturable(intent: Any, currency: str) -> Money | None:
    """What a ``requires_capture`` PaymentIntent holds: ``amount_capturable`` (localstripe does
    not send it; its whole ``amount`` is then held)."""
    held = field(intent, "amount_capturable")
    return _money(held if held else field(intent, "amount"), currency)


def received(intent: Any, currency: str) -> Money | None:
    """What a PaymentIntent has captured (``amount_received``); None when the answer does not
    say (localstripe leaves it out: callers then take what was asked)."""
    return _money(field(intent, "amount_received"), currency)


def _error_of(intent: Any) -> tuple[str, str]:
    error = field(intent, "last_payment_error")
    code = field(error, "decline_code") or field(error, "code")
    reason = field(intent, "cancellation_reason")
    if code is None:
        code = "payment_intent_canceled" if reason is None else f"canceled_{reason}"
    return str(code), str(field(error, "message") or "the PaymentIntent was not paid")


def authorization_outcome(intent: Any, currency: str) -> ProviderOutcome:
    """What a PaymentIntent says about an authorisation.

    ==========================  =================================================
    Stripe status               outcome
    ==========================  =================================================
    requires_capture            succeeded, for ``amount_capturable``
    succeeded                   succeeded, for what was received (also captured)
    processing                  pending (Stripe has not decided yet)
    requires_action /           requires_action (the customer or storefront must
    requires_confirmation /     act; a webhook or the sweeper settles it later)
    requires_payment_method     (with ``last_payment_error``: failed)
    canceled                    failed, with the error or the cancellation reason
    ==========================  =================================================
    """
    reference = field(intent, "id")
    status = field(intent, "status")
    if str(field(intent, "currency") or "").upper() != currency:
        return failed(
            "currency_mismatch",
            f"the PaymentIntent is in {field(intent, 'currency')}, the order in {currency}",
            reference,
        )
    if status == "requires_capture":
        return _settled(reference, _capturable(intent, currency))
    if status == "succeeded":
        return _settled(
            reference, received(intent, currency) or _money(field(intent, "amount"), currency)
        )
    if status == "processing":
        return ProviderOutcome(status=TransactionStatus.PENDING, reference=reference, amount=None)
    if status == "canceled" or field(intent, "last_payment_error") is not None:
        return failed(*_error_of(intent), reference)
    return ProviderOutcome(
        status=TransactionStatus.REQUIRES_ACTION,
        reference=reference,
        amount=None,
        failure_code=str(status),
        failure_message="the PaymentIntent waits for the customer",
    )


def _settled(
    reference: str | None, amount: Money | None, *, final: bool = False
) -> ProviderOutcome:
    return ProviderOutcome(
        status=TransactionStatus.SUCCEEDED, reference=reference, amount=amount, final=final
    )


def capture_outcome(intent: Any, transaction: PaymentTransaction) -> ProviderOutcome:
    """A captured PaymentIntent: succeeded for what it received, and ``final``: Stripe captures
    a PaymentIntent once and releases the rest of the hold; anything else failed."""
    reference = field(intent, "id")
    if field(intent, "status") != "succeeded":
        return failed("not_captured", f"the PaymentIntent is {field(intent, 'status')}", reference)
    return _settled(reference, received(intent, transaction.amount.currency), final=True)


def already_captured(
    intent: Any, payment: Payment, transaction: PaymentTransaction, refused: stripe.StripeError
) -> ProviderOutcome:
    """A capture Stripe refused because the PaymentIntent is captured: what it received beyond
    what the ledger holds and beyond other captures of ours still in flight (one of those may
    be the capture Stripe made) is this one's, final; nothing left is a failure."""
    currency = payment.currency
    held = received(intent, currency)
    if held is None and payment.captured.amount == 0:  # localstripe: no amount_received
        held = _money(field(intent, "amount"), currency)
    in_flight = sum(
        (
            t.amount
            for t in payment.open_transactions
            if t.kind is TransactionKind.CAPTURE and t.id != transaction.id
        ),
        Money.zero(currency),
    )
    left = held - payment.captured - in_flight if held is not None else None
    if left is None or left.amount <= 0:
        return failed(refused.code or "already_captured", _message(refused), field(intent, "id"))
    amount = left if left < transaction.amount else transaction.amount
    return _settled(field(intent, "id"), amount, final=True)


def void_outcome(intent: Any) -> ProviderOutcome:
    reference = field(intent, "id")
    if field(intent, "status") == "canceled":
        return _settled(reference, None)
    return failed("not_canceled", f"the PaymentIntent is {field(intent, 'status')}", reference)


def refund_outcome(refund: Any) -> ProviderOutcome:
    """A Refund object: ``succeeded``; ``pending`` / ``requires_action`` while Stripe works on
    it (a webhook or the sweeper settles it); ``failed`` / ``canceled`` with the reason."""
    reference = field(refund, "id")
    status = field(refund, "status")
    currency = str(field(refund, "currency") or "").upper()
    if status == "succeeded":
        return _settled(reference, _money(field(refund, "amount"), currency))
    if status in ("pending", "requires_action"):
        return ProviderOutcome(status=TransactionStatus.PENDING, reference=reference, amount=None)
    reason = field(refund, "failure_reason") or status or "refund_failed"
    return failed(str(reason), f"Stripe's refund is {status}", reference)
