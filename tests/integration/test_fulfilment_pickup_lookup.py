"""The customer's lookup shows where each part of the order is fulfilled and its parcels'
tracking (carrier, tracking number and link, status, every event), and nothing more personal
than it showed before: no street, no contacts, no pickup code, no warehouse notes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms.platform.unit_of_work import UnitOfWork
from tests.integration.test_fulfilment_pickup import SKU, pickup_order, ready, store
from tests.integration.test_fulfilment_shipping import (
    line_of,
    open_shop,
    package,
    place,
    released,
    ship,
)

pytestmark = pytest.mark.usefixtures("balanced_ledger")
_ = store  # fixture

Headers = dict[str, str]


def lookup(client: TestClient, number: str, email: str = "ada@example.com") -> Any:
    return client.get("/v1/orders/lookup", params={"number": number, "email": email})


def test_the_lookup_shows_each_parcel_with_its_tracking_and_no_personal_data(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: Headers
) -> None:
    open_shop(uow)
    order = place(uow, ("TS-1", 2))
    fo = released(engine, uow, order)
    shipped = ship(
        client,
        admin,
        fo.id,
        "lookup-1",
        packages=[package(900, (line_of(order, "TS-1"), 2))],
        tracking_number="1Z999AA10123456784",
        carrier="ups",
    )
    assert shipped.status_code == 201, shipped.text
    (parcel,) = shipped.json()["shipments"]
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    event = {"status": "in_transit", "occurred_at": later, "location": "Kassel"}
    reported = client.post(f"/v1/shipments/{parcel['id']}/events", json=event, headers=admin)
    assert reported.status_code in (200, 201), reported.text

    found = lookup(client, order.number)
    assert found.status_code == 200
    view = found.json()
    (part,) = view["fulfilment_orders"]
    assert (part["number"], part["status"], part["location"]) == (fo.number, "shipped", "wh-de")
    (tracked,) = view["shipments"]
    assert tracked["tracking_number"] == "1Z999AA10123456784"
    assert tracked["carrier"] == "ups"
    assert tracked["status"] == "in_transit"
    assert tracked["lines"] == [{"sku": "TS-1", "quantity": 2}]
    assert [(e["status"], e["location"]) for e in tracked["events"]][-1] == (
        "in_transit",
        "Kassel",
    )
    text = found.text
    for personal in ("Lagerstraße", "Ada Lovelace", "ada@example.com"):
        assert personal not in text
    assert not {"label", "label_format", "weight_grams"} & set(tracked)
    assert "shipping_address" not in view
    assert "customer" not in view


@pytest.mark.usefixtures("store")
def test_a_ready_pickup_shows_its_store_and_hold_but_never_its_code(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: Headers
) -> None:
    placed, fo_id = pickup_order(uow, engine)
    code = ready(client, admin, fo_id)["pickup_code"]
    view = lookup(client, placed.number).json()
    (part,) = view["fulfilment_orders"]
    assert (part["status"], part["delivery"], part["pickup_location"]) == (
        "ready_for_pickup",
        "pickup",
        "store-fr",
    )
    assert part["pickup_expires_on"] is not None
    assert part["lines"] == [{"sku": SKU, "quantity": 2}]
    assert code not in lookup(client, placed.number).text
    assert view["shipments"] == []


def test_a_wrong_email_still_tells_nothing(
    engine: Engine, uow: UnitOfWork, client: TestClient
) -> None:
    open_shop(uow)
    order = place(uow, ("TS-1", 1))
    released(engine, uow, order)
    wrong = lookup(client, order.number, "eve@example.com")
    unknown = lookup(client, "SO-99999")
    assert wrong.status_code == unknown.status_code == 404
    assert "fulfilment_orders" not in wrong.text
