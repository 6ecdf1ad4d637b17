"""Sourcing rules through the API (versions, ETag, If-Match, 422 with paths) and the engine
inside placement: an order to a German address goes to the nearest location with every item,
and its ``sourced`` timeline entry says why."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import channels, inventory, orders, sourcing
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.invariants import assert_orders_match_stock

pytestmark = pytest.mark.usefixtures("balanced_ledger")

Headers = dict[str, str]

NEAREST_ONE_PARCEL = {
    "filters": {"capacity": True, "safety_stock": True},
    "ranking": ["distance", "priority"],
    "distance_bucket_km": 0,
    "locations": {"wh-munich": {"priority": 1, "cost_per_shipment": "4.50"}},
    "strategy": {"prefer_single_location": True, "max_shipments": 2, "allow_partial": True},
    "pickup": {"transfer_from": []},
}
POTSDAM = {
    "name": "Ada Lovelace",
    "line1": "Friedrich-Ebert-Str. 79",
    "city": "Potsdam",
    "postal_code": "14467",
    "country": "DE",
}


def receive(uow: UnitOfWork, sku: str, location: str, quantity: int) -> None:
    inventory.receive_stock(
        inventory.ReceiveStock(sku=sku, location=location, quantity=quantity, actor="test"), uow=uow
    )


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    """Warehouses in Hamburg, Munich and Berlin (the web shop lists them in that order); Berlin
    alone has both SKUs, Hamburg and Munich only the T-shirt."""
    points = {
        "wh-hamburg": ("53.55", "9.99"),
        "wh-munich": ("48.14", "11.58"),
        "wh-berlin": ("52.52", "13.40"),
    }
    for code, (lat, lon) in points.items():
        builders.location(uow, code, latitude=Decimal(lat), longitude=Decimal(lon))
    builders.channel(uow, "web", locations=tuple(points))
    builders.pricing(uow)
    builders.product(uow, "TS-1", prices={"web": "20.00"})
    builders.product(uow, "MUG-1", prices={"web": "9.00"})
    receive(uow, "TS-1", "wh-hamburg", 10)
    receive(uow, "TS-1", "wh-munich", 10)
    receive(uow, "TS-1", "wh-berlin", 2)
    receive(uow, "MUG-1", "wh-berlin", 2)


def put_rules(client: TestClient, headers: Headers, body: dict[str, Any], **extra: str) -> Any:
    return client.put("/v1/channels/web/sourcing", json=body, headers=headers | extra)


def place(client: TestClient, headers: Headers, key: str, **body: Any) -> Any:
    order = {
        "channel": "web",
        "customer": {"email": "ada@example.com", "name": "Ada Lovelace"},
        "shipping_address": POTSDAM,
        "lines": [{"sku": "TS-1", "quantity": 1}, {"sku": "MUG-1", "quantity": 1}],
    } | body
    return client.post("/v1/orders", json=order, headers=headers | {"Idempotency-Key": key})


@pytest.mark.usefixtures("shop")
def test_a_channel_has_the_default_rules_until_it_sets_its_own(
    client: TestClient, admin: Headers
) -> None:
    response = client.get("/v1/channels/web/sourcing", headers=admin)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"0"'
    body = response.json()
    assert (body["version"], body["ranking"]) == (0, ["priority"])
    assert body["strategy"] == {
        "prefer_single_location": False,
        "max_shipments": None,
        "allow_partial": True,
    }


@pytest.mark.usefixtures("shop")
def test_each_change_is_a_new_version_and_a_stale_if_match_is_refused(
    client: TestClient, admin: Headers
) -> None:
    first = put_rules(client, admin, NEAREST_ONE_PARCEL, **{"If-Match": '"0"'})
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == '"1"'
    assert first.json()["locations"]["wh-munich"] == {"priority": 1, "cost_per_shipment": "4.50"}
    stale = put_rules(client, admin, NEAREST_ONE_PARCEL, **{"If-Match": '"0"'})
    assert stale.status_code == 412, stale.text
    second = put_rules(client, admin, {"ranking": ["stock_on_hand"]})
    assert second.headers["ETag"] == '"2"'
    assert client.get("/v1/channels/web/sourcing", headers=admin).json()["ranking"] == [
        "stock_on_hand"
    ]
    history = client.get("/v1/channels/web/sourcing/versions", headers=admin).json()
    assert [v["version"] for v in history["items"]] == [2, 1, 0]
    assert history["items"][1]["created_by"].startswith("api-key:")


@pytest.mark.usefixtures("shop")
def test_bad_rules_are_refused_with_every_field_named(client: TestClient, admin: Headers) -> None:
    unknown = put_rules(client, admin, {"ranking": ["distance"], "speed": "fast"})
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["speed"]
    bad = put_rules(
        client,
        admin,
        {
            "ranking": ["distance", "distance"],
            "locations": {
                "wh-nowhere": {"priority": 1},
                "wh-berlin": {"cost_per_shipment": "1.234"},
            },
            "strategy": {"max_shipments": 0},
        },
    )
    assert bad.status_code == 422, bad.text
    assert sorted(e["field"] for e in bad.json()["errors"]) == [
        "locations.wh-berlin.cost_per_shipment",
        "locations.wh-nowhere",
        "ranking.1",
        "strategy.max_shipments",
    ]
    assert client.get("/v1/channels/web/sourcing", headers=admin).json()["version"] == 0


@pytest.mark.usefixtures("shop")
def test_rules_are_configured_by_fulfilment_managers_and_read_by_fulfilment_staff(
    client: TestClient, key_for: Any
) -> None:
    csr, warehouse, finance = key_for("csr"), key_for("warehouse"), key_for("finance")
    assert put_rules(client, csr, NEAREST_ONE_PARCEL).status_code == 403
    assert put_rules(client, warehouse, NEAREST_ONE_PARCEL).status_code == 403
    assert client.get("/v1/channels/web/sourcing", headers=warehouse).status_code == 200
    assert client.get("/v1/channels/web/sourcing", headers=finance).status_code == 200
    other = key_for("channel", channel="web")
    assert client.get("/v1/channels/nowhere/sourcing", headers=other).status_code == 404


@pytest.mark.usefixtures("shop")
def test_a_german_order_goes_to_the_nearest_location_with_every_item_and_says_why(
    client: TestClient, admin: Headers, uow: UnitOfWork, engine: Engine
) -> None:
    assert put_rules(client, admin, NEAREST_ONE_PARCEL).status_code == 200
    response = place(client, admin, "o-1")
    assert response.status_code == 201, response.text
    allocations = {line["sku"]: line["allocations"] for line in response.json()["lines"]}
    assert allocations == {
        "TS-1": [{"location": "wh-berlin", "quantity": 1}],
        "MUG-1": [{"location": "wh-berlin", "quantity": 1}],
    }
    (decision,) = orders.sourcing_decisions(UUID(response.json()["id"]), uow=uow)
    why = decision.details
    assert why["rules_version"] == 1
    assert why["destination"]["found_by"] == "postal_code"
    assert decision.summary.startswith(
        "whole order from wh-berlin, the nearest location with every item ("
    )
    listed = {row["location"]: row for row in why["locations"]}
    # Hamburg and Munich have the T-shirt, not the mug: ranked by distance, not chosen
    assert [listed[c]["rank"] for c in ("wh-berlin", "wh-hamburg", "wh-munich")] == [1, 2, 3]
    assert listed["wh-berlin"]["distance_km"] < listed["wh-hamburg"]["distance_km"]
    assert listed["wh-munich"]["cost_per_shipment"] == "4.50"
    assert why["lines"][0]["picks"] == [{"location": "wh-berlin", "quantity": 1}]
    assert_orders_match_stock(engine)


@pytest.mark.usefixtures("shop")
def test_with_the_default_rules_lines_go_in_the_channels_order(
    client: TestClient, admin: Headers, uow: UnitOfWork
) -> None:
    response = place(client, admin, "o-1")
    assert response.status_code == 201, response.text
    allocations = {line["sku"]: line["allocations"] for line in response.json()["lines"]}
    assert allocations["TS-1"] == [{"location": "wh-hamburg", "quantity": 1}]
    assert allocations["MUG-1"] == [{"location": "wh-berlin", "quantity": 1}]
    (decision,) = orders.sourcing_decisions(UUID(response.json()["id"]), uow=uow)
    assert decision.details["rules_version"] == 0
    assert decision.summary.startswith("split across wh-hamburg (1 units) and wh-berlin (1 units)")


@pytest.mark.usefixtures("shop")
def test_given_coordinates_win_over_the_postal_code(
    client: TestClient, admin: Headers, uow: UnitOfWork
) -> None:
    put_rules(client, admin, NEAREST_ONE_PARCEL | {"strategy": {"prefer_single_location": False}})
    near_munich = POTSDAM | {"latitude": 48.2, "longitude": 11.6}
    response = place(
        client, admin, "o-1", shipping_address=near_munich, lines=[{"sku": "TS-1", "quantity": 1}]
    )
    assert response.status_code == 201, response.text
    assert response.json()["lines"][0]["allocations"] == [{"location": "wh-munich", "quantity": 1}]
    (decision,) = orders.sourcing_decisions(UUID(response.json()["id"]), uow=uow)
    assert decision.details["destination"]["found_by"] == "address"


@pytest.mark.usefixtures("shop")
def test_safety_stock_and_bins_are_set_per_location_and_safety_stock_is_left_alone(
    client: TestClient, admin: Headers
) -> None:
    put_rules(client, admin, NEAREST_ONE_PARCEL)
    response = client.put(
        "/v1/inventory/MUG-1/locations/wh-berlin",
        json={"safety_stock": 2, "bin": "A-01-3"},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "sku": "MUG-1",
        "location": "wh-berlin",
        "safety_stock": 2,
        "bin": "A-01-3",
    }
    refused = place(client, admin, "o-1")
    assert refused.status_code == 409, refused.text  # the two mugs are Berlin's safety stock
    bad = client.put(
        "/v1/inventory/MUG-1/locations/wh-berlin", json={"safety_stock": -1}, headers=admin
    )
    assert bad.status_code == 422


@pytest.mark.usefixtures("shop")
def test_a_location_at_its_daily_capacity_is_passed_over_and_the_explanation_says_so(
    client: TestClient, admin: Headers, uow: UnitOfWork
) -> None:
    put_rules(client, admin, NEAREST_ONE_PARCEL)
    berlin = channels.update_location(
        channels.UpdateLocation(code="wh-berlin", daily_capacity=1), uow=uow
    )
    sourcing.record_load(berlin.id, on=uow.clock.now().date(), uow=uow)
    response = place(client, admin, "o-1", lines=[{"sku": "TS-1", "quantity": 1}])
    assert response.status_code == 201, response.text
    assert response.json()["lines"][0]["allocations"] == [{"location": "wh-hamburg", "quantity": 1}]
    (decision,) = orders.sourcing_decisions(UUID(response.json()["id"]), uow=uow)
    listed = {row["location"]: row for row in decision.details["locations"]}
    assert listed["wh-berlin"]["excluded"] == "at its daily capacity (1 of 1 orders today)"
