"""Order capture and lifecycle through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import inventory
from oms.app import tasks
from oms.channels import ChannelKind, LocationKind
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.conftest import KeyMaker
from tests.invariants import assert_ledger_balances, assert_orders_match_stock

pytestmark = pytest.mark.usefixtures("balanced_ledger")

Headers = dict[str, str]

ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "Invalidenstr. 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


def receive(uow: UnitOfWork, sku: str, location: str, quantity: int) -> None:
    inventory.receive_stock(
        inventory.ReceiveStock(sku=sku, location=location, quantity=quantity, actor="test"), uow=uow
    )


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    builders.location(uow, "wh-de")
    builders.location(uow, "store-paris", country="FR", kind=LocationKind.STORE, offers_pickup=True)
    builders.channel(uow, "web", locations=("wh-de", "store-paris"))
    builders.channel(
        uow,
        "mkt",
        kind=ChannelKind.MARKETPLACE,
        currency="USD",
        locations=("wh-de",),
        prices_include_tax=False,
    )
    builders.pricing(uow)
    builders.product(uow, "TS-1", prices={"web": "20.00", "mkt": "22.00"})
    builders.product(uow, "TS-2", prices={"web": "50.00"})
    receive(uow, "TS-1", "wh-de", 5)
    receive(uow, "TS-1", "store-paris", 3)
    receive(uow, "TS-2", "store-paris", 2)


def order(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "web",
        "customer": {"email": "Ada@Example.com", "name": "Ada Lovelace", "locale": "de-DE"},
        "shipping_address": ADDRESS,
        "lines": [{"sku": "TS-1", "quantity": 2}],
    }
    body.update(overrides)
    return body


def place(client: TestClient, headers: Headers, key: str, **overrides: Any) -> Any:
    return client.post(
        "/v1/orders", json=order(**overrides), headers=headers | {"Idempotency-Key": key}
    )


@pytest.mark.usefixtures("shop")
def test_an_order_is_priced_allocated_and_confirmed(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    response = place(client, admin, "k1")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["number"] == "SO-10001"
    assert body["status"] == "confirmed"
    assert body["on_hold"] is False
    assert body["version"] == 1
    assert body["payment_status"] == "unpaid"
    assert body["fulfilment_status"] == "unfulfilled"
    assert body["totals"]["subtotal"] == {"amount": "40.00", "currency": "EUR"}
    assert body["totals"]["shipping"] == {"amount": "4.90", "currency": "EUR"}
    assert body["totals"]["tax"]["amount"] == "7.17"  # 40 * 19/119 = 6.39 + 4.90 * 19/119 = 0.78
    assert body["totals"]["total"] == {"amount": "44.90", "currency": "EUR"}
    (line,) = body["lines"]
    assert line["allocations"] == [{"location": "wh-de", "quantity": 2}]
    assert body["customer"]["email"] == "ada@example.com"
    stock = client.get("/v1/inventory/TS-1", headers=admin).json()
    wh = next(loc for loc in stock["locations"] if loc["location"] == "wh-de")
    assert (wh["on_hand"], wh["allocated"]) == (5, 2)
    assert_orders_match_stock(engine)


@pytest.mark.usefixtures("shop")
def test_a_replay_returns_the_first_response_and_a_new_body_is_refused(
    client: TestClient, admin: Headers
) -> None:
    first = place(client, admin, "same")
    replay = place(client, admin, "same")
    assert replay.status_code == 201
    assert replay.content == first.content
    other = place(client, admin, "same", lines=[{"sku": "TS-1", "quantity": 1}])
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency-key-reused"
    assert len(client.get("/v1/orders", headers=admin).json()["items"]) == 1


@pytest.mark.usefixtures("shop")
def test_a_marketplace_order_seen_again_returns_the_existing_order(
    client: TestClient, admin: Headers
) -> None:
    marketplace = {
        "channel": "mkt",
        "external_id": "AMZ-1",
        "lines": [
            {"sku": "TS-1", "quantity": 1, "unit_price": {"amount": "21.50", "currency": "USD"}}
        ],
    }
    first = place(client, admin, "m1", **marketplace)
    again = place(client, admin, "m2", **marketplace)
    assert first.status_code == 201, first.text
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["lines"][0]["unit_price"] == {"amount": "21.50", "currency": "USD"}
    assert first.json()["prices_include_tax"] is False


@pytest.mark.usefixtures("shop")
def test_not_enough_stock_is_409_listing_each_short_sku(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    response = place(
        client, admin, "k", lines=[{"sku": "TS-1", "quantity": 9}, {"sku": "TS-2", "quantity": 3}]
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "insufficient-stock"
    assert problem["shortfalls"] == [
        {"sku": "TS-1", "requested": 9, "available": 8},
        {"sku": "TS-2", "requested": 3, "available": 2},
    ]
    assert client.get("/v1/orders", headers=admin).json()["items"] == []
    assert_ledger_balances(engine)


@pytest.mark.usefixtures("shop")
def test_a_line_is_split_across_locations_in_the_channels_order(
    client: TestClient, admin: Headers
) -> None:
    body = place(client, admin, "k", lines=[{"sku": "TS-1", "quantity": 7}]).json()
    assert body["lines"][0]["allocations"] == [
        {"location": "wh-de", "quantity": 5},
        {"location": "store-paris", "quantity": 2},
    ]


@pytest.mark.usefixtures("shop")
def test_every_bad_field_is_named_at_once(client: TestClient, admin: Headers) -> None:
    response = place(
        client,
        admin,
        "k",
        customer={"email": "not-an-email", "name": "X"},
        shipping_address=ADDRESS | {"postal_code": "1"},
        lines=[
            {"sku": "NOPE", "quantity": 1},
            {"sku": "TS-1", "quantity": 0},
            {"sku": "TS-1", "quantity": 1, "unit_price": {"amount": "1.00", "currency": "EUR"}},
        ],
        shipping_method="pickup",
        pickup_location="wh-de",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {
        "customer.email",
        "shipping_address.postal_code",
        "lines.0.sku",
        "lines.1.quantity",
        "lines.2.unit_price",
        "pickup_location",
    } <= fields


@pytest.mark.usefixtures("shop")
def test_a_gift_message_is_kept_and_coordinates_are_taken_but_not_stored(
    client: TestClient, admin: Headers
) -> None:
    pinned = ADDRESS | {"latitude": 52.5321, "longitude": 13.3849}
    response = place(
        client, admin, "k", shipping_address=pinned, gift_message="Happy birthday, Ada!"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["gift_message"] == "Happy birthday, Ada!"
    assert "latitude" not in body["shipping_address"]
    assert body["lines"][0]["delivered_quantity"] == 0
    again = client.get(f"/v1/orders/{body['id']}", headers=admin).json()
    assert again["gift_message"] == "Happy birthday, Ada!"


@pytest.mark.usefixtures("shop")
def test_bad_coordinates_and_a_long_gift_message_are_named(
    client: TestClient, admin: Headers
) -> None:
    response = place(
        client,
        admin,
        "k",
        shipping_address=ADDRESS | {"latitude": 91, "longitude": -181},
        gift_message="x" * 501,
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"shipping_address.latitude", "shipping_address.longitude", "gift_message"} <= fields
    alone = place(client, admin, "k2", shipping_address=ADDRESS | {"latitude": 52.5})
    assert alone.status_code == 422
    assert "shipping_address" in {e["field"] for e in alone.json()["errors"]}


@pytest.mark.usefixtures("shop")
def test_an_unsupported_country_is_named(client: TestClient, admin: Headers) -> None:
    address = {
        "line1": "1 Main St",
        "city": "Toronto",
        "postal_code": "M5V 2T6",
        "region": "ON",
        "country": "CA",
    }
    response = place(client, admin, "k", shipping_address=address)
    assert response.status_code == 422
    assert "shipping_address.country" in {e["field"] for e in response.json()["errors"]}


@pytest.mark.usefixtures("shop")
def test_pickup_allocates_at_the_store_and_ships_free(client: TestClient, admin: Headers) -> None:
    body = place(
        client,
        admin,
        "k",
        shipping_method="pickup",
        pickup_location="store-paris",
        lines=[{"sku": "TS-2", "quantity": 1}],
    ).json()
    assert body["lines"][0]["allocations"] == [{"location": "store-paris", "quantity": 1}]
    assert body["totals"]["shipping"]["amount"] == "0.00"
    assert body["pickup_location"] == "store-paris"


@pytest.mark.usefixtures("shop")
def test_a_backorder_is_recorded_and_allocated_when_stock_arrives(
    client: TestClient, admin: Headers, uow: UnitOfWork, engine: Engine
) -> None:
    client.patch("/v1/channels/web", json={"allows_backorders": True}, headers=admin)
    body = place(client, admin, "k", lines=[{"sku": "TS-2", "quantity": 5}]).json()
    assert body["lines"][0]["backordered_quantity"] == 3
    assert body["lines"][0]["allocated_quantity"] == 2
    tasks.relay(engine).drain()
    receive(uow, "TS-2", "wh-de", 10)
    tasks.relay(engine).drain()
    after = client.get(f"/v1/orders/{body['id']}", headers=admin).json()
    assert after["lines"][0]["backordered_quantity"] == 0
    assert after["lines"][0]["allocated_quantity"] == 5
    kinds = [
        e["kind"]
        for e in client.get(f"/v1/orders/{body['id']}/timeline", headers=admin).json()["items"]
    ]
    assert "backorder_allocated" in kinds
    assert_orders_match_stock(engine)


@pytest.mark.usefixtures("shop")
def test_a_large_order_is_held_until_released_then_confirmed(
    client: TestClient, admin: Headers
) -> None:
    client.put(
        "/v1/hold-rules/total_above",
        json={"enabled": True, "thresholds": {"EUR": "30"}},
        headers=admin,
    )
    body = place(client, admin, "k").json()
    assert body["status"] == "pending"
    assert body["on_hold"] is True
    (hold,) = body["holds"]
    assert hold["reason"] == "fraud_review"
    assert hold["rule"] == "total_above"
    manual = client.post(
        f"/v1/orders/{body['id']}/holds",
        json={"reason": "customer_request", "note": "call first"},
        headers=admin,
    )
    assert manual.status_code == 201
    second = next(h for h in manual.json()["holds"] if h["reason"] == "customer_request")
    one = client.post(
        f"/v1/orders/{body['id']}/holds/{hold['id']}/release",
        json={"note": "checked"},
        headers=admin,
    )
    assert one.json()["status"] == "pending"
    assert one.json()["on_hold"] is True
    both = client.post(f"/v1/orders/{body['id']}/holds/{second['id']}/release", headers=admin)
    assert both.json()["status"] == "confirmed"
    assert both.json()["on_hold"] is False
    again = client.post(f"/v1/orders/{body['id']}/holds/{second['id']}/release", headers=admin)
    assert again.status_code == 404
    listed = client.get("/v1/orders?on_hold=false", headers=admin).json()["items"]
    assert [o["number"] for o in listed] == [body["number"]]


@pytest.mark.usefixtures("shop")
def test_shipping_to_another_country_than_billing_is_held_for_review(
    client: TestClient, admin: Headers
) -> None:
    billing = {
        "line1": "12 Rue de Rivoli",
        "city": "Paris",
        "postal_code": "75004",
        "country": "FR",
    }
    body = place(client, admin, "k", billing_address=billing).json()
    assert [h["rule"] for h in body["holds"]] == ["country_mismatch"]


@pytest.mark.usefixtures("shop")
def test_cancelling_lines_and_then_the_order_releases_exactly_what_they_held(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    body = place(
        client, admin, "k", lines=[{"sku": "TS-1", "quantity": 7}, {"sku": "TS-2", "quantity": 1}]
    ).json()
    line = body["lines"][0]
    partial = client.post(
        f"/v1/orders/{body['id']}/cancel",
        headers=admin,
        json={"reason": "customer changed mind", "lines": [{"line_id": line["id"], "quantity": 3}]},
    )
    assert partial.status_code == 200, partial.text
    after = partial.json()
    assert after["status"] == "confirmed"
    assert after["lines"][0]["cancelled_quantity"] == 3
    assert after["lines"][0]["allocations"] == [{"location": "wh-de", "quantity": 4}]
    assert after["totals"]["subtotal"]["amount"] == "130.00"
    assert after["version"] == 2
    whole = client.post(f"/v1/orders/{body['id']}/cancel", json={"reason": "fraud"}, headers=admin)
    assert whole.json()["status"] == "cancelled"
    assert whole.json()["cancel_reason"] == "fraud"
    stock = {
        loc["location"]: loc
        for loc in client.get("/v1/inventory/TS-1", headers=admin).json()["locations"]
    }
    assert stock["wh-de"]["allocated"] == 0
    assert stock["store-paris"]["allocated"] == 0
    refused = client.post(
        f"/v1/orders/{body['id']}/cancel", json={"reason": "again"}, headers=admin
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "illegal-transition"
    assert_orders_match_stock(engine)


@pytest.mark.usefixtures("shop")
def test_the_timeline_tells_who_did_what(client: TestClient, admin: Headers) -> None:
    body = place(client, admin, "k").json()
    client.post(
        f"/v1/orders/{body['id']}/holds", json={"reason": "manual", "note": "look"}, headers=admin
    )
    entries = client.get(f"/v1/orders/{body['id']}/timeline", headers=admin).json()["items"]
    assert [e["kind"] for e in entries] == ["placed", "sourced", "confirmed", "held"]
    assert all(e["actor"].startswith("api-key:") for e in entries)


@pytest.mark.usefixtures("shop")
def test_orders_are_listed_newest_first_and_filtered(client: TestClient, admin: Headers) -> None:
    first = place(client, admin, "a").json()
    second = place(client, admin, "b", customer={"email": "bob@example.com", "name": "Bob"}).json()
    numbers = [o["number"] for o in client.get("/v1/orders", headers=admin).json()["items"]]
    assert numbers == [second["number"], first["number"]]
    by_email = client.get(
        "/v1/orders", params={"customer_email": "BOB@example.com"}, headers=admin
    ).json()
    assert [o["number"] for o in by_email["items"]] == [second["number"]]
    by_number = client.get("/v1/orders", params={"q": first["number"]}, headers=admin).json()
    assert [o["number"] for o in by_number["items"]] == [first["number"]]
    page = client.get("/v1/orders", params={"limit": 1}, headers=admin).json()
    rest = client.get(
        "/v1/orders", params={"limit": 1, "cursor": page["next_cursor"]}, headers=admin
    ).json()
    assert [o["number"] for o in page["items"] + rest["items"]] == numbers
    assert client.get("/v1/orders", params={"unknown": "1"}, headers=admin).status_code == 422


@pytest.mark.usefixtures("shop")
def test_the_lookup_shows_the_customer_safe_view_only_with_the_right_email(
    client: TestClient, admin: Headers
) -> None:
    body = place(client, admin, "k").json()
    found = client.get(
        "/v1/orders/lookup", params={"number": body["number"], "email": "ADA@example.com"}
    )
    assert found.status_code == 200
    view = found.json()
    assert view["number"] == body["number"]
    assert "shipping_address" not in view
    assert "customer" not in view
    wrong = client.get(
        "/v1/orders/lookup", params={"number": body["number"], "email": "eve@example.com"}
    )
    assert wrong.status_code == 404


@pytest.mark.usefixtures("shop")
def test_a_channel_key_places_and_sees_only_its_own_orders(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    web = key_for("channel", channel="web")
    mkt = key_for("channel", channel="mkt")
    mine = client.post(
        "/v1/orders", json=order(channel=None), headers=web | {"Idempotency-Key": "w"}
    )
    assert mine.status_code == 201, mine.text
    assert mine.json()["channel"] == "web"
    elsewhere = client.post(
        "/v1/orders", json=order(channel="mkt"), headers=web | {"Idempotency-Key": "x"}
    )
    assert elsewhere.status_code == 403
    assert client.get(f"/v1/orders/{mine.json()['id']}", headers=mkt).status_code == 404
    assert client.get("/v1/orders", headers=mkt).json()["items"] == []


@pytest.mark.usefixtures("shop")
def test_the_warehouse_sees_orders_without_contact_details(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    body = place(client, admin, "k").json()
    seen = client.get(f"/v1/orders/{body['id']}", headers=key_for("warehouse")).json()
    assert seen["customer"]["email"] is None
    assert seen["shipping_address"]["line1"] == "Invalidenstr. 1"
