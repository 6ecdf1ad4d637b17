"""What Stripe's objects and errors become in the ledger, with the fields real Stripe sends and
localstripe does not (``amount_capturable``, ``amount_received``, ``decline_code``, the
PaymentIntent of a card error, ``cancellation_reason``, refund statuses), and webhook signing."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
import stripe

from oms.payments.domain import (
    NewTender,
    Payment,
    ProviderName,
    ProviderOutcome,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.providers.stripe import (
    already_captured,
    authorization_outcome,
    capture_outcome,
    declined,
    refund_outcome,
)
from oms.payments.services.notifications import (
    UnverifiedNotification,
    verify_notification,
    without_personal_data,
)
from oms.shared.money import Money
from tests.payments_stripe import signature_header

S = TransactionStatus
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def intent(status: str, **fields: Any) -> dict[str, Any]:
    return {"id": "pi_1", "object": "payment_intent", "currency": "eur", "amount": 5000} | {
        "status": status,
        **fields,
    }


@pytest.mark.parametrize(
    ("given", "status", "amount", "code"),
    [
        (intent("requires_capture", amount_capturable=4200), S.SUCCEEDED, "42.00", None),
        (intent("succeeded", amount_received=5000), S.SUCCEEDED, "50.00", None),
        (intent("processing"), S.PENDING, None, None),
        (intent("requires_action"), S.REQUIRES_ACTION, None, "requires_action"),
        (intent("requires_confirmation"), S.REQUIRES_ACTION, None, "requires_confirmation"),
        (intent("requires_payment_method"), S.REQUIRES_ACTION, None, "requires_payment_method"),
        (
            intent(
                "requires_payment_method",
                last_payment_error={
                    "code": "card_declined",
                    "decline_code": "insufficient_funds",
                    "message": "Your card has insufficient funds.",
                },
            ),
            S.FAILED,
            None,
            "insufficient_funds",
        ),
        (intent("canceled", cancellation_reason="abandoned"), S.FAILED, None, "canceled_abandoned"),
        (intent("requires_capture", currency="usd"), S.FAILED, None, "currency_mismatch"),
    ],
)
def test_a_payment_intent_status_becomes_one_authorisation_outcome(
    given: dict[str, Any], status: TransactionStatus, amount: str | None, code: str | None
) -> None:
    outcome = authorization_outcome(given, "EUR")
    assert outcome.status is status
    assert outcome.reference == "pi_1"
    assert outcome.amount == (Money.of(amount, "EUR") if amount else None)
    assert outcome.failure_code == code


def test_a_declined_card_keeps_the_decline_code_and_the_payment_intent_it_left() -> None:
    body = {
        "error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "stolen_card",
            "message": "Your card was declined.",
            "payment_intent": {"id": "pi_9", "object": "payment_intent"},
        }
    }
    error = stripe.CardError(  # type: ignore[no-untyped-call]
        "Your card was declined.", None, "card_declined", json_body=body
    )
    outcome = declined(error)
    assert (outcome.status, outcome.failure_code, outcome.reference) == (
        S.FAILED,
        "stolen_card",
        "pi_9",
    )


@pytest.mark.parametrize(
    ("status", "expected", "code"),
    [
        ("succeeded", S.SUCCEEDED, None),
        ("pending", S.PENDING, None),
        ("requires_action", S.PENDING, None),
        ("failed", S.FAILED, "expired_or_canceled_card"),
        ("canceled", S.FAILED, "canceled"),
    ],
)
def test_a_refund_status_becomes_one_outcome(
    status: str, expected: TransactionStatus, code: str | None
) -> None:
    refund = {"id": "re_1", "object": "refund", "amount": 700, "currency": "eur"}
    refund["status"] = status
    if status == "failed":
        refund["failure_reason"] = "expired_or_canceled_card"
    outcome = refund_outcome(refund)
    assert (outcome.status, outcome.reference, outcome.failure_code) == (expected, "re_1", code)


def test_a_notification_verifies_only_with_the_endpoints_secret_and_in_time() -> None:
    payload = json.dumps({"id": "evt_1", "object": "event", "type": "x", "data": {}}).encode()
    assert verify_notification(payload, signature_header(payload, "whsec_a"), "whsec_a").id == (
        "evt_1"
    )
    refused = [
        (signature_header(payload, "whsec_b"), "whsec_a"),
        (signature_header(payload, "whsec_a", at=int(time.time()) - 301), "whsec_a"),
        ("t=1,v1=00", "whsec_a"),
        (None, "whsec_a"),
        (signature_header(payload, "whsec_a"), None),
    ]
    for header, secret in refused:
        with pytest.raises(UnverifiedNotification):
            verify_notification(payload, header, secret)


def test_personal_data_is_left_out_of_a_kept_payload_at_any_depth() -> None:
    event = {
        "data": {
            "object": {
                "id": "ch_1",
                "billing_details": {"name": "Ada"},
                "refunds": {"data": [{"id": "re_1", "receipt_email": "ada@example.com"}]},
            }
        }
    }
    assert without_personal_data(event) == {
        "data": {"object": {"id": "ch_1", "refunds": {"data": [{"id": "re_1"}]}}}
    }


def already_captured_error() -> stripe.StripeError:
    """What Stripe answers to a capture of a PaymentIntent that is captured already."""
    return stripe.InvalidRequestError(  # type: ignore[no-untyped-call]
        "This PaymentIntent's status is succeeded", None, code="payment_intent_unexpected_state"
    )


def card_payment(amount: str = "50.00") -> Payment:
    new = NewTender(
        order_id=uuid4(),
        channel="web",
        customer_id=None,
        provider=ProviderName.STRIPE,
        method="card",
        amount=Money.of(amount, "EUR"),
        provider_reference="pi_1",
    )
    payment, authorization = Payment.open(new, actor="test", at=NOW)
    authorized = ProviderOutcome(status=S.SUCCEEDED, reference="pi_1")
    payment.settle(authorization.id, authorized, at=NOW)
    return payment


def test_a_stripe_capture_is_final_for_what_the_payment_intent_received() -> None:
    payment = card_payment()
    capture = payment.begin(TransactionKind.CAPTURE, Money.of("30.00", "EUR"), actor="t", at=NOW)
    outcome = capture_outcome(intent("succeeded", amount_received=3000), capture)
    assert (outcome.status, outcome.amount, outcome.final) == (
        S.SUCCEEDED,
        Money.of("30.00", "EUR"),
        True,
    )


def test_a_refused_capture_does_not_claim_what_another_capture_in_flight_made() -> None:
    """Two captures raced: Stripe made the first; the second's refusal must not claim it."""
    payment = card_payment()
    payment.begin(TransactionKind.CAPTURE, Money.of("30.00", "EUR"), actor="t", at=NOW)
    second = payment.begin(TransactionKind.CAPTURE, Money.of("20.00", "EUR"), actor="t", at=NOW)
    refused = already_captured_error()
    outcome = already_captured(intent("succeeded", amount_received=3000), payment, second, refused)
    assert (outcome.status, outcome.failure_code) == (S.FAILED, "payment_intent_unexpected_state")


def test_a_capture_refused_because_the_storefront_captured_takes_what_stripe_received() -> None:
    payment = card_payment()
    ours = payment.begin(TransactionKind.CAPTURE, None, actor="t", at=NOW)
    refused = already_captured_error()
    outcome = already_captured(intent("succeeded", amount_received=5000), payment, ours, refused)
    assert (outcome.status, outcome.amount, outcome.final) == (
        S.SUCCEEDED,
        Money.of("50.00", "EUR"),
        True,
    )
