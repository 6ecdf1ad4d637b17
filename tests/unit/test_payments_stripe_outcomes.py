"""What Stripe's objects and errors become in the ledger, with the fields real Stripe sends and
localstripe does not (``amount_capturable``, ``amount_received``, ``decline_code``, the
PaymentIntent of a card error, ``cancellation_reason``, refund statuses), and webhook signing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import stripe

from oms.payments.domain import TransactionStatus
from oms.payments.providers.stripe import authorization_outcome, declined, refund_outcome
from oms.payments.services.notifications import (
    UnverifiedNotification,
    verify_notification,
    without_personal_data,
)
from oms.shared.money import Money
from tests.payments_stripe import signature_header

S = TransactionStatus


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
