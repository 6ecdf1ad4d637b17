"""The balance due after refunds, through the HTTP API on SQLite and PostgreSQL: a goodwill
refund is a concession (refunded, but not owed again), a plain refund of a tender is owed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from oms.platform.unit_of_work import UnitOfWork
from tests import payments_money as shop

Headers = dict[str, str]


@pytest.fixture
def paid_order(client: TestClient, admin: Headers, uow: UnitOfWork) -> Any:
    """A 100.00 EUR order paid in full at the till, and a reason code for goodwill refunds."""
    shop.open_shop(uow)
    reasons = {"reasons": [{"code": "late_delivery", "description": "The parcel came late"}]}
    assert client.put("/v1/refund-reasons", json=reasons, headers=admin).status_code == 200
    placed = client.post(
        "/v1/orders",
        json=shop.order_json(("TS-1", 5)),
        headers=admin | {"Idempotency-Key": "o1"},
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    paid = client.post(
        f"/v1/orders/{order['id']}/payments",
        json={"provider": "pos"},
        headers=admin | {"Idempotency-Key": "t1"},
    )
    assert paid.status_code == 201, paid.text
    return order


def shown(client: TestClient, admin: Headers, order: Any) -> Any:
    return client.get(f"/v1/orders/{order['id']}", headers=admin).json()


def test_a_goodwill_refund_of_a_paid_order_leaves_nothing_due(
    client: TestClient, admin: Headers, paid_order: Any
) -> None:
    refunded = client.post(
        f"/v1/orders/{paid_order['id']}/refunds",
        json={"reason": "late_delivery", "destination": "original", "amount": shop.eur("40.00")},
        headers=admin | {"Idempotency-Key": "r1"},
    )
    assert refunded.status_code == 201, refunded.text

    order = shown(client, admin, paid_order)
    assert order["payment_status"] == "partially_refunded"
    assert (order["captured"], order["refunded"], order["conceded"]) == (
        shop.eur("100.00"),
        shop.eur("40.00"),
        shop.eur("40.00"),
    )
    assert order["balance_due"] == shop.eur("0.00")
    summary = client.get(f"/v1/orders/{paid_order['id']}/payments", headers=admin).json()
    assert summary[0]["refunded"] == shop.eur("40.00")


def test_no_new_tender_is_asked_for_what_a_goodwill_refund_gave_back(
    client: TestClient, admin: Headers, paid_order: Any
) -> None:
    client.post(
        f"/v1/orders/{paid_order['id']}/refunds",
        json={"reason": "late_delivery", "destination": "original", "amount": shop.eur("40.00")},
        headers=admin | {"Idempotency-Key": "r1"},
    )
    another = client.post(
        f"/v1/orders/{paid_order['id']}/payments",
        json={"provider": "pos"},
        headers=admin | {"Idempotency-Key": "t2"},
    )
    assert (another.status_code, another.json()["code"]) == (409, "nothing-to-pay")


def test_a_plain_refund_of_the_tender_is_owed_again(
    client: TestClient, admin: Headers, paid_order: Any
) -> None:
    payment = client.get(f"/v1/orders/{paid_order['id']}/payments", headers=admin).json()[0]
    refunded = client.post(
        f"/v1/payments/{payment['id']}/refund",
        json={"amount": shop.eur("10.00"), "reason": "damaged"},
        headers=admin | {"Idempotency-Key": "r1"},
    )
    assert refunded.status_code == 200, refunded.text

    order = shown(client, admin, paid_order)
    assert (order["refunded"], order["conceded"], order["balance_due"]) == (
        shop.eur("10.00"),
        shop.eur("0.00"),
        shop.eur("10.00"),
    )
