"""Fulfilment orders over HTTP, on SQLite and PostgreSQL: a location's queue (oldest promise
first, keyset pages), one FO, start and reject, rerouting, the sourcing decisions, the
location's settings with If-Match, problem+json for bad input, and warehouse keys bound to a
location seeing only their location's work."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import auth, orders
from oms.fulfilment.services import settings
from oms.platform.unit_of_work import UnitOfWork
from tests import payments_money as shop
from tests.integration.test_fulfilment_sync import deliver, open_two_warehouses


def warehouse_key(engine: Engine, location: str | None = None) -> dict[str, str]:
    issued = auth.create_api_key(
        auth.CreateApiKey(name="picker", role=auth.Role.WAREHOUSE, location_code=location),
        uow=UnitOfWork(engine),
    )
    return {"Authorization": f"Bearer {issued.secret}"}


def split_order(uow: UnitOfWork, engine: Engine) -> orders.Order:
    """An order of TS-1 (at wh-a) and TS-2 (at wh-b), released to both."""
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5}, "TS-2": {"wh-b": 5}})
    order = shop.place(uow, ("TS-1", 2), ("TS-2", 1))
    deliver(engine)
    return order


def handle_in(uow: UnitOfWork, location: str, handling_days: int) -> None:
    settings.put_location_settings(
        settings.PutLocationSettings(
            location=location,
            cutoff_time="15:00",
            timezone="Europe/Berlin",
            handling_days=handling_days,
            pickup_hold_days=7,
            carrier=None,
            carrier_service=None,
        ),
        uow=uow,
    )


def items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["items"]
    return found


def test_the_queue_lists_the_oldest_promise_first_in_pages(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork, engine: Engine
) -> None:
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 10}})
    placed = {}
    for handling_days in (3, 1, 2):  # each order released under other settings
        handle_in(uow, "wh-a", handling_days)
        placed[handling_days] = shop.place(uow, ("TS-1", 1))
        deliver(engine)
    first = client.get("/v1/fulfilment/orders?location=wh-a&limit=2", headers=admin)
    page = items(first)
    rest = items(
        client.get(
            f"/v1/fulfilment/orders?location=wh-a&limit=2&cursor={first.json()['next_cursor']}",
            headers=admin,
        )
    )
    listed = page + rest
    assert [fo["order_id"] for fo in listed] == [str(placed[days].id) for days in (1, 2, 3)]
    assert [fo["ship_by"] for fo in listed] == sorted(fo["ship_by"] for fo in listed)
    assert listed[0]["lines"][0] | {"line_id": None} == {
        "line_id": None,
        "sku": "TS-1",
        "name": "T-shirt",
        "quantity": 1,
        "open": 1,
        "shipped": 0,
        "cancelled": 0,
    }
    assert items(client.get("/v1/fulfilment/orders?location=wh-b", headers=admin)) == []
    shipped_only = client.get("/v1/fulfilment/orders?status=shipped", headers=admin)
    assert items(shipped_only) == []


def test_one_fulfilment_order_is_started_then_refused_a_second_start(
    client: TestClient, engine: Engine, uow: UnitOfWork
) -> None:
    split_order(uow, engine)
    picker = warehouse_key(engine)
    [fo] = items(client.get("/v1/fulfilment/orders?location=wh-a", headers=picker))
    one = client.get(f"/v1/fulfilment/orders/{fo['id']}", headers=picker)
    assert (one.status_code, one.headers["ETag"], one.json()["late"]) == (200, '"1"', False)
    started = client.post(f"/v1/fulfilment/orders/{fo['id']}/start", headers=picker)
    assert (started.status_code, started.json()["status"]) == (200, "in_progress")
    again = client.post(f"/v1/fulfilment/orders/{fo['id']}/start", headers=picker)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["code"] == "illegal-transition"


def test_a_rejection_over_http_reroutes_and_the_sourcing_decisions_are_listed(
    client: TestClient, admin: dict[str, str], engine: Engine, uow: UnitOfWork
) -> None:
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5, "wh-b": 5}})
    order = shop.place(uow, ("TS-1", 2))
    deliver(engine)
    [fo] = items(client.get("/v1/fulfilment/orders", headers=admin))
    bad = client.post(
        f"/v1/fulfilment/orders/{fo['id']}/reject", json={"reason": "bored"}, headers=admin
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["reason"]
    rejected = client.post(
        f"/v1/fulfilment/orders/{fo['id']}/reject",
        json={"reason": "capacity", "note": "short of staff"},
        headers=admin,
    )
    assert rejected.json()["status"] == "rejected"
    listed = items(client.get("/v1/fulfilment/orders", headers=admin))
    assert [(f["location"], f["lines"][0]["open"]) for f in listed] == [
        ("wh-b" if fo["location"] == "wh-a" else "wh-a", 2)
    ]
    decisions = client.get(f"/v1/orders/{order.id}/sourcing", headers=admin)
    assert decisions.status_code == 200
    assert len(decisions.json()) >= 2  # placement, then the reroute
    assert client.get(f"/v1/orders/{order.id}/sourcing", headers=warehouse_key(engine)).is_success


def test_rerouting_moves_open_units_and_is_refused_where_nothing_is_open(
    client: TestClient, key_for: Any, engine: Engine, uow: UnitOfWork
) -> None:
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5, "wh-b": 5}})
    order = shop.place(uow, ("TS-1", 2))
    deliver(engine)
    csr = key_for("csr")
    [fo] = items(client.get("/v1/fulfilment/orders", headers=csr))
    elsewhere = "wh-b" if fo["location"] == "wh-a" else "wh-a"
    nothing = client.post(
        f"/v1/orders/{order.id}/reroute",
        json={"away_from": [elsewhere], "reason": "flooded"},
        headers=csr,
    )
    assert nothing.status_code == 409
    assert nothing.json()["code"] == "nothing-to-reroute"
    moved = client.post(
        f"/v1/orders/{order.id}/reroute",
        json={
            "away_from": [fo["location"]],
            "reason": "flooded",
            "lines": [{"line_id": str(order.lines[0].id), "quantity": 1}],
        },
        headers=csr,
    )
    assert moved.status_code == 200, moved.text
    open_at = {f["location"]: f["lines"][0]["open"] for f in moved.json() if f["status"] == "open"}
    assert open_at == {fo["location"]: 1, elsewhere: 1}
    empty = client.post(
        f"/v1/orders/{order.id}/reroute", json={"away_from": [], "reason": ""}, headers=csr
    )
    assert empty.status_code == 422
    assert {e["field"] for e in empty.json()["errors"]} == {"away_from", "reason"}
    warehouse = client.post(
        f"/v1/orders/{order.id}/reroute",
        json={"away_from": [fo["location"]], "reason": "x"},
        headers=warehouse_key(engine),
    )
    assert warehouse.status_code == 403


def test_a_location_bound_key_sees_only_its_locations_work(
    client: TestClient, engine: Engine, uow: UnitOfWork
) -> None:
    split_order(uow, engine)
    a_picker, b_picker = warehouse_key(engine, "wh-a"), warehouse_key(engine, "wh-b")
    mine = items(client.get("/v1/fulfilment/orders", headers=a_picker))
    assert [fo["location"] for fo in mine] == ["wh-a"]
    assert items(client.get("/v1/fulfilment/orders?location=wh-b", headers=a_picker)) == []
    [theirs] = items(client.get("/v1/fulfilment/orders", headers=b_picker))
    assert client.get(f"/v1/fulfilment/orders/{theirs['id']}", headers=a_picker).status_code == 404
    refused = client.post(f"/v1/fulfilment/orders/{theirs['id']}/start", headers=a_picker)
    assert refused.status_code == 404
    assert client.post(f"/v1/fulfilment/orders/{mine[0]['id']}/start", headers=a_picker).is_success
    assert items(client.get("/v1/fulfilment/late?location=wh-b", headers=a_picker)) == []


def test_location_settings_are_versioned_and_checked_field_by_field(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork, key_for: Any
) -> None:
    open_two_warehouses(uow, stock={})
    defaults = client.get("/v1/locations/wh-a/fulfilment", headers=admin)
    assert defaults.headers["ETag"] == '"0"'
    assert defaults.json() | {"location": None} == {
        "location": None,
        "cutoff_time": "15:00",
        "timezone": "Europe/Berlin",
        "handling_days": 1,
        "pickup_hold_days": 7,
        "carrier": None,
        "carrier_service": None,
        "carrier_config": {},
        "version": 0,
    }
    wanted = {"cutoff_time": "14:30", "timezone": "Europe/Vienna", "carrier": "generic"}
    put = client.put(
        "/v1/locations/wh-a/fulfilment", json=wanted, headers=admin | {"If-Match": '"0"'}
    )
    assert (put.status_code, put.headers["ETag"], put.json()["cutoff_time"]) == (
        200,
        '"1"',
        "14:30",
    )
    stale = client.put(
        "/v1/locations/wh-a/fulfilment", json=wanted, headers=admin | {"If-Match": '"0"'}
    )
    assert stale.status_code == 412
    bad = client.put(
        "/v1/locations/wh-a/fulfilment",
        json={
            "cutoff_time": "25:00",
            "timezone": "Mars/Olympus",
            "carrier": "pigeon",
            "carrier_config": {"api_secret": "x"},
        },
        headers=admin,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {"cutoff_time", "timezone", "carrier", "carrier_config"}
    assert client.get("/v1/locations/nope/fulfilment", headers=admin).status_code == 404
    warehouse = key_for("warehouse")
    assert client.get("/v1/locations/wh-a/fulfilment", headers=warehouse).status_code == 200
    assert (
        client.put("/v1/locations/wh-a/fulfilment", json=wanted, headers=warehouse).status_code
        == 403
    )


def test_an_orders_fulfilment_orders_are_listed_by_its_id_and_a_bound_key_sees_its_own(
    client: TestClient, admin: dict[str, str], engine: Engine, uow: UnitOfWork
) -> None:
    order = split_order(uow, engine)
    listed = client.get(f"/v1/orders/{order.id}/fulfilment-orders", headers=admin)
    assert listed.status_code == 200, listed.text
    assert sorted(fo["location"] for fo in listed.json()) == ["wh-a", "wh-b"]
    assert {fo["order_id"] for fo in listed.json()} == {str(order.id)}
    mine = client.get(
        f"/v1/orders/{order.id}/fulfilment-orders", headers=warehouse_key(engine, "wh-a")
    )
    assert [fo["location"] for fo in mine.json()] == ["wh-a"]
    missing = client.get(f"/v1/orders/{orders.Order.__name__}/fulfilment-orders", headers=admin)
    assert missing.status_code == 422
    unknown = client.get(
        "/v1/orders/00000000-0000-7000-8000-000000000000/fulfilment-orders", headers=admin
    )
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
