"""Adversarial requests: mass assignment, oversized input, other channels' ids, key leaks."""

from __future__ import annotations

import json
import uuid

import pytest
from fastapi.testclient import TestClient

from oms.platform.unit_of_work import UnitOfWork
from tests import builders
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


STRANGER = {
    "email": "grace@example.com",
    "name": "Grace Hopper",
    "phone": "+49 30 1234567",
    "addresses": [
        {"line1": "Unter den Linden 1", "city": "Berlin", "postal_code": "10117", "country": "DE"}
    ],
}


@pytest.mark.usefixtures("shop")
def test_a_channel_key_learns_nothing_of_a_profile_it_did_not_send(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    """The web shop sends an email the merchant knows from elsewhere: it reads back what it
    sent, never the profile's id, stored phone or address, on placement, replay, read or list."""
    known = client.post(
        "/v1/customers", json=STRANGER, headers=admin | {"Idempotency-Key": "c"}
    ).json()
    web = key_for("channel", channel="web")
    sent = {"email": "GRACE@example.com", "name": "G. Hopper"}
    first = place(client, web, "w", channel=None, customer=sent)
    replay = place(client, web, "w", channel=None, customer=sent)
    assert first.status_code == 201, first.text
    assert replay.content == first.content
    order_id = first.json()["id"]
    seen = [
        first.json(),
        client.get(f"/v1/orders/{order_id}", headers=web).json(),
        client.get("/v1/orders", headers=web).json()["items"][0],
    ]
    for body in seen:
        assert body["customer"] == {
            "id": None,
            "name": "G. Hopper",
            "email": "grace@example.com",
            "phone": None,
            "locale": body["customer"]["locale"],
        }
        text = json.dumps(body)
        for private in (known["id"], known["phone"], "Grace Hopper", "Unter den Linden"):
            assert private not in text
    staff = client.get(f"/v1/orders/{order_id}", headers=admin).json()
    assert staff["customer"]["id"] == known["id"]


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(
    ("role", "contacts", "profile"),
    [
        ("admin", True, True),
        ("csr", True, True),
        ("finance", True, True),
        ("warehouse", False, False),
        ("channel", True, False),
    ],
)
def test_each_role_reads_of_the_buyer_only_what_it_may(
    client: TestClient,
    admin: Headers,
    key_for: KeyMaker,
    role: str,
    contacts: bool,
    profile: bool,
) -> None:
    placed = place(
        client, admin, "k", customer={"email": "ada@example.com", "name": "Ada", "phone": None}
    ).json()
    headers = key_for(role, channel="web" if role == "channel" else None)
    for body in (
        client.get(f"/v1/orders/{placed['id']}", headers=headers).json(),
        client.get("/v1/orders", headers=headers).json()["items"][0],
    ):
        buyer = body["customer"]
        assert (buyer["email"] is not None) is contacts
        assert (buyer["id"] is not None) is profile
        assert buyer["name"] == "Ada"


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("csr", 200), ("finance", 200), ("warehouse", 403), ("channel", 403)],
)
def test_only_those_who_hold_orders_read_the_hold_thresholds(
    client: TestClient, uow: UnitOfWork, key_for: KeyMaker, role: str, status: int
) -> None:
    builders.channel(uow, "web")
    headers = key_for(role, channel="web" if role == "channel" else None)
    assert client.get("/v1/hold-rules", headers=headers).status_code == status


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(
    ("role", "status"), [("warehouse", 403), ("csr", 200), ("finance", 200), ("channel", 200)]
)
def test_only_keys_that_see_emails_may_filter_orders_by_one(
    client: TestClient, admin: Headers, key_for: KeyMaker, role: str, status: int
) -> None:
    """Otherwise a warehouse key could map an email to a name and an address."""
    place(client, admin, "k")
    headers = key_for(role, channel="web" if role == "channel" else None)
    response = client.get(
        "/v1/orders", params={"customer_email": "ada@example.com"}, headers=headers
    )
    assert response.status_code == status
    if status == 200:
        assert len(response.json()["items"]) == 1
    else:
        assert response.json()["code"] == "forbidden"
