"""A card order paid through the Stripe provider (against localstripe) reconciles against the
payout report Stripe would send for it: the references oms recorded live (the PaymentIntent on
the capture, the refund's id) are the ones the report names, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
import stripe
from fastapi import FastAPI
from fastapi.testclient import TestClient

from oms.platform.unit_of_work import UnitOfWork
from tests.conftest import KeyMaker
from tests.payments_stripe import (
    localstripe,  # noqa: F401 (fixture)
    place_web_order,
    storefront,  # noqa: F401 (fixture)
    stripe_app,  # noqa: F401 (fixture)
)

HEADER = (
    "automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created_utc,"
    "currency,gross,fee,net,reporting_category,source_id,payment_intent_id,charge_id"
)


@pytest.fixture
def api(stripe_app: FastAPI) -> Any:  # noqa: F811 (the fixture imported above)
    with TestClient(stripe_app, raise_server_exceptions=False) as client:
        yield client


def act(api: TestClient, headers: dict[str, str], path: str, **body: Any) -> Any:
    answer = api.post(path, json=body, headers=headers | {"Idempotency-Key": str(uuid4())})
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def test_a_card_order_captured_and_refunded_through_stripe_matches_its_payout_report(
    api: TestClient,
    key_for: KeyMaker,
    uow: UnitOfWork,
    storefront: stripe.StripeClient,  # noqa: F811 (the fixture imported above)
) -> None:
    admin, finance = key_for("admin"), key_for("finance")
    order_id: UUID = place_web_order(uow, api, admin)
    intent = storefront.v1.payment_intents.create(
        {
            "amount": 4490,
            "currency": "eur",
            "payment_method": "pm_card_visa",
            "capture_method": "manual",
            "confirm": True,
        }
    )
    payment = act(
        api, admin, f"/v1/orders/{order_id}/payments", provider="stripe", payment_intent=intent.id
    )
    act(api, admin, f"/v1/payments/{payment['id']}/capture")
    refunded = act(
        api,
        admin,
        f"/v1/payments/{payment['id']}/refund",
        amount={"amount": "5.00", "currency": "EUR"},
        reason="damaged",
    )
    refund_id = refunded["transactions"][-1]["provider_reference"]
    charge = storefront.v1.payment_intents.retrieve(intent.id).latest_charge
    charge_id = charge if isinstance(charge, str) else charge.id  # localstripe expands it
    report = "\n".join(
        [
            HEADER,
            f"po_1,2026-12-05 00:00:00,txn_1,2026-12-03 10:00:00,eur,44.90,0.92,43.98,charge,"
            f"{charge_id},{intent.id},{charge_id}",
            f"po_1,2026-12-05 00:00:00,txn_2,2026-12-03 11:00:00,eur,-5.00,0.00,-5.00,refund,"
            f"{refund_id},{intent.id},{charge_id}",
        ]
    )

    uploaded = api.post(
        "/v1/reconciliations",
        headers=finance,
        files={"file": ("payout.csv", report.encode(), "text/csv")},
        data={"provider": "stripe"},
    )

    assert uploaded.status_code == 201, uploaded.text
    run = uploaded.json()
    assert (run["lines"], run["matched"], run["exceptions"]["items"]) == (2, 2, [])
    (payout,) = run["payouts"]
    assert payout["net"] == payout["expected_net"] == {"amount": "38.98", "currency": "EUR"}
