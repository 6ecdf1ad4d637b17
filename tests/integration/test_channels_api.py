"""Channels and locations through the HTTP API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from oms import catalog
from oms.channels import ChannelKind
from oms.platform.unit_of_work import UnitOfWork
from tests import builders

LOCATION = {
    "code": "store-paris",
    "name": "Paris Rivoli",
    "kind": "store",
    "address": {
        "line1": "12 Rue de Rivoli",
        "city": "Paris",
        "postal_code": "75004",
        "country": "FR",
    },
    "latitude": "48.8556",
    "longitude": "2.3600",
    "offers_pickup": True,
    "daily_capacity": 150,
}


def test_a_location_is_created_once_per_idempotency_key(
    client: TestClient, admin: dict[str, str]
) -> None:
    headers = admin | {"Idempotency-Key": "loc-1"}
    first = client.post("/v1/locations", json=LOCATION, headers=headers)
    replay = client.post("/v1/locations", json=LOCATION, headers=headers)
    assert first.status_code == 201, first.text
    assert replay.status_code == 201
    assert replay.content == first.content
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert first.json()["address"]["city"] == "PARIS"
    listed = client.get("/v1/locations", headers=admin).json()
    assert [loc["code"] for loc in listed["items"]] == ["store-paris"]


def test_reusing_a_key_with_another_body_is_422(client: TestClient, admin: dict[str, str]) -> None:
    headers = admin | {"Idempotency-Key": "loc-2"}
    client.post("/v1/locations", json=LOCATION, headers=headers)
    other = client.post("/v1/locations", json=LOCATION | {"name": "Other"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency-key-reused"
    assert other.headers["content-type"] == "application/problem+json"


def test_an_invalid_postcode_is_a_422_naming_the_field(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = LOCATION | {"address": LOCATION["address"] | {"postal_code": "7500"}}
    response = client.post("/v1/locations", json=body, headers=admin | {"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert {
        "field": "address.postal_code",
        "message": "is not valid for this country",
    } in response.json()["errors"]


def test_a_channel_lists_its_serving_locations_in_order(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    builders.location(uow, "wh-de")
    builders.location(uow, "wh-us", country="US")
    body = {
        "code": "web",
        "name": "Web shop",
        "kind": "web",
        "currency": "EUR",
        "default_locale": "de-DE",
        "locations": ["wh-us", "wh-de"],
    }
    created = client.post("/v1/channels", json=body, headers=admin | {"Idempotency-Key": "c1"})
    assert created.status_code == 201, created.text
    assert created.json()["locations"] == ["wh-us", "wh-de"]
    assert created.json()["default_locale"] == "de_DE"
    patched = client.patch(
        "/v1/channels/web", json={"locations": ["wh-de"], "allows_backorders": True}, headers=admin
    )
    assert patched.json()["locations"] == ["wh-de"]
    assert patched.json()["allows_backorders"] is True


def test_unknown_serving_locations_are_named(client: TestClient, admin: dict[str, str]) -> None:
    body = {
        "code": "web",
        "name": "Web",
        "kind": "web",
        "currency": "EUR",
        "default_locale": "en",
        "locations": ["nowhere"],
    }
    response = client.post("/v1/channels", json=body, headers=admin | {"Idempotency-Key": "c2"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "locations.0"


def test_a_channel_key_sees_only_its_channel(client: TestClient, uow: UnitOfWork, key_for) -> None:
    builders.channel(uow, "web")
    builders.channel(uow, "app", kind=ChannelKind.MOBILE)
    web = key_for("channel", channel="web")
    assert [c["code"] for c in client.get("/v1/channels", headers=web).json()["items"]] == ["web"]
    assert client.get("/v1/channels/app", headers=web).status_code == 404
    assert client.get("/v1/channels/web", headers=web).status_code == 200


def test_unknown_routes_and_missing_keys_are_problems(client: TestClient) -> None:
    missing = client.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    unauthenticated = client.get("/v1/channels")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["code"] == "unauthenticated"


def test_every_channel_setting_is_editable_and_a_new_currency_needs_new_prices(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    builders.channel(uow, "web")
    builders.product(uow, "TS-1", prices={"web": "19.99"})
    assert catalog.prices_for(["TS-1"], "web", uow=uow)["TS-1"].currency == "EUR"
    patch = {
        "name": "Web shop US",
        "kind": "mobile",
        "currency": "USD",
        "default_locale": "en_US",
        "allows_backorders": True,
        "prices_include_tax": False,
        "active": False,
    }
    changed = client.patch("/v1/channels/web", json=patch, headers=admin).json()
    assert {k: changed[k] for k in patch} == patch
    assert catalog.prices_for(["TS-1"], "web", uow=uow) == {}
    bad = client.patch("/v1/channels/web", json={"currency": "XXY"}, headers=admin)
    assert bad.status_code == 422
