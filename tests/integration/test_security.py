"""Adversarial requests: mass assignment, oversized input, other channels' ids, key leaks."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.conftest import KeyMaker
from tests.integration.test_orders_api import order, place, shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("balanced_ledger")

Headers = dict[str, str]


@pytest.mark.parametrize(
    "smuggled",
    [
        {"status": "completed"},
        {"id": str(uuid.uuid4())},
        {"number": "SO-1"},
        {"version": 7},
        {"totals": {"total": {"amount": "0.01", "currency": "EUR"}}},
        {"on_hold": False},
    ],
)
@pytest.mark.usefixtures("shop")
def test_an_order_body_cannot_set_what_the_system_decides(
    client: TestClient, admin: Headers, smuggled: dict[str, object]
) -> None:
    response = client.post(
        "/v1/orders", json=order() | smuggled, headers=admin | {"Idempotency-Key": "m"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == next(iter(smuggled))
    assert client.get("/v1/orders", headers=admin).json()["items"] == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/v1/channels/web", {"id": "x"}),
        (
            "POST",
            "/v1/inventory/receipts",
            {"sku": "TS-1", "location": "wh-de", "quantity": 1, "on_hand": 5},
        ),
        ("POST", "/v1/api-keys", {"name": "x", "role": "admin", "secret_hash": "00"}),
        (
            "POST",
            "/v1/customers",
            {"email": "a@example.com", "name": "A", "erased_at": "2020-01-01T00:00:00Z"},
        ),
    ],
)
@pytest.mark.usefixtures("shop")
def test_unknown_fields_are_refused_everywhere(
    client: TestClient, admin: Headers, method: str, path: str, body: dict[str, object]
) -> None:
    response = client.request(method, path, json=body, headers=admin | {"Idempotency-Key": "u"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_an_oversized_body_is_refused_before_it_is_read(client: TestClient, admin: Headers) -> None:
    huge = "x" * (2 * 1024 * 1024)
    response = client.post(
        "/v1/customers",
        content=huge,
        headers=admin | {"Content-Type": "application/json", "Idempotency-Key": "h"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload-too-large"


@pytest.mark.parametrize("limit", ["0", "-1", "201", "100000", "ten"])
def test_page_sizes_outside_1_to_200_are_refused(
    client: TestClient, admin: Headers, limit: str
) -> None:
    for path in ("/v1/orders", "/v1/customers", "/v1/products", "/v1/locations"):
        response = client.get(path, params={"limit": limit}, headers=admin)
        assert response.status_code == 422, path


@pytest.mark.usefixtures("shop")
def test_a_channel_key_probing_other_channels_order_ids_learns_nothing(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    theirs = place(
        client, admin, "t", channel="mkt", external_id="X-1", lines=[{"sku": "TS-1", "quantity": 1}]
    ).json()
    web = key_for("channel", channel="web")
    for probe in (theirs["id"], str(uuid.uuid4())):
        for path in (f"/v1/orders/{probe}", f"/v1/orders/{probe}/timeline"):
            response = client.get(path, headers=web)
            assert response.status_code == 404
            assert response.json()["code"] == "order-not-found"
        cancel = client.post(f"/v1/orders/{probe}/cancel", json={"reason": "x"}, headers=web)
        assert cancel.status_code == 404
    assert client.get(f"/v1/orders/{theirs['id']}", headers=admin).status_code == 200
    listed = client.get("/v1/orders", params={"channel": "mkt"}, headers=web).json()
    assert listed["items"] == []


def test_a_tampered_cursor_is_refused(client: TestClient, admin: Headers) -> None:
    for path in ("/v1/orders", "/v1/customers", "/v1/channels"):
        response = client.get(path, params={"cursor": "not-a-cursor!!"}, headers=admin)
        assert response.status_code == 422, path
