"""Pickup in store through the API: ready with a 6-digit code kept only as a hash, handed over
with it, locked after five wrong codes until a new one is issued, and, when nobody comes within
the hold, listed as uncollected and cancelled back to the store's stock."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from oms import auth, inventory, orders, sourcing
from oms.app import tasks
from oms.channels import LocationKind
from oms.fulfilment.domain import pickup as rules
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.services import pickup
from oms.fulfilment.tables.orders import fulfilment_orders
from oms.orders.pricing import ShippingMethod
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.errors import IllegalTransition
from tests import builders

pytestmark = pytest.mark.usefixtures("balanced_ledger")

Headers = dict[str, str]
SKU = "PU-1"


@pytest.fixture
def store(uow: UnitOfWork) -> None:
    """A Paris store that offers pickup, with 5 units; the web shop serves from it."""
    builders.location(
        uow, "store-fr", "FR", kind=LocationKind.STORE, offers_pickup=True, ships=False
    )
    builders.location(uow, "store-de", "DE", kind=LocationKind.STORE, offers_pickup=True)
    builders.channel(uow, "web", locations=("store-fr", "store-de"))
    builders.pricing(uow)
    builders.product(uow, SKU, prices={"web": "20.00"})
    inventory.receive_stock(
        inventory.ReceiveStock(sku=SKU, location="store-fr", quantity=5, actor="t"), uow=uow
    )


def pickup_order(uow: UnitOfWork, engine: Engine, units: int = 2) -> tuple[orders.Order, UUID]:
    """A confirmed pickup order at store-fr and the id of its fulfilment order there."""
    placed = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["FR"],
            lines=(orders.NewLine(sku=SKU, quantity=units),),
            shipping_method=ShippingMethod.PICKUP,
            pickup_location="store-fr",
            actor="test",
        ),
        uow=uow,
    ).order
    tasks.relay(engine).drain()
    with uow.read() as tx:
        (fo,) = tx.repo(FULFILMENT_ORDERS).for_order(placed.id)
    return placed, fo.id


def ready(client: TestClient, headers: Headers, fo_id: UUID) -> Any:
    response = client.post(f"/v1/fulfilment/orders/{fo_id}/ready", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def hand_over(client: TestClient, headers: Headers, fo_id: UUID, code: str) -> Any:
    return client.post(
        f"/v1/fulfilment/orders/{fo_id}/handover", json={"code": code}, headers=headers
    )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def on_hand(uow: UnitOfWork) -> tuple[int, int]:
    level = next(s for s in inventory.get_stock(SKU, uow=uow).locations if s.location == "store-fr")
    return level.on_hand, level.allocated


@pytest.mark.usefixtures("store")
def test_the_code_is_shown_once_and_kept_only_as_a_salted_hash(
    client: TestClient, admin: Headers, uow: UnitOfWork, engine: Engine
) -> None:
    _, fo_id = pickup_order(uow, engine)
    shown = ready(client, admin, fo_id)
    code = shown["pickup_code"]
    assert len(code) == 6
    assert code.isdigit()
    assert shown["fulfilment_order"]["status"] == "ready_for_pickup"
    assert shown["expires_on"] == (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
    with engine.connect() as c:
        stored = c.execute(
            select(fulfilment_orders.c.pickup_code_hash).where(fulfilment_orders.c.id == fo_id)
        ).scalar_one()
        mailed = c.execute(
            select(outbox_table.c.payload).where(
                outbox_table.c.event_type == "fulfilment.ready_for_pickup.v1"
            )
        ).scalar_one()
    assert stored.startswith("scrypt$")
    assert code not in stored
    assert rules.code_matches(code, stored)
    assert not rules.code_matches(wrong(code), stored)
    assert rules.hash_code(code) != stored, "every code has its own salt"
    assert mailed["pickup_code"] == code, "the notification is sent from the event"
    seen = client.get(f"/v1/fulfilment/orders/{fo_id}", headers=admin).json()
    assert code not in str(seen)


@pytest.mark.usefixtures("store")
def test_the_right_code_hands_the_units_over_and_they_leave_the_stores_stock(
    client: TestClient, admin: Headers, uow: UnitOfWork, engine: Engine
) -> None:
    placed, fo_id = pickup_order(uow, engine)
    code = ready(client, admin, fo_id)["pickup_code"]
    assert on_hand(uow) == (5, 2)

    handed = hand_over(client, admin, fo_id, code)
    assert handed.status_code == 200, handed.text
    assert handed.json()["status"] == "picked_up"
    assert on_hand(uow) == (3, 0)
    order = orders.get_order(placed.id, uow=uow)
    assert order.fulfilment_status.value == "delivered"
    assert [(ln.fulfilled_quantity, ln.delivered_quantity) for ln in order.lines] == [(2, 2)]
    again = hand_over(client, admin, fo_id, code)
    assert again.status_code == 409, "a pickup is handed over once"


@pytest.mark.usefixtures("store")
def test_five_wrong_codes_lock_the_handover_until_a_new_code_is_issued(
    client: TestClient, admin: Headers, uow: UnitOfWork, engine: Engine
) -> None:
    _, fo_id = pickup_order(uow, engine)
    code = ready(client, admin, fo_id)["pickup_code"]
    for left in range(rules.MAX_ATTEMPTS - 1, -1, -1):
        refused = hand_over(client, admin, fo_id, wrong(code))
        assert refused.status_code == 422
        assert refused.json()["code"] == "wrong-pickup-code"
        assert refused.json()["errors"][0]["field"] == "code"
        assert refused.json()["attempts_left"] == left
    locked = hand_over(client, admin, fo_id, code)
    assert locked.status_code == 409
    assert locked.json()["code"] == "pickup-locked", "even the right code waits for a new one"

    renewed = client.post(f"/v1/fulfilment/orders/{fo_id}/pickup-code", headers=admin)
    assert renewed.status_code == 200
    assert renewed.headers["Cache-Control"] == "no-store"
    new_code = renewed.json()["pickup_code"]
    if new_code != code:
        assert hand_over(client, admin, fo_id, code).status_code == 422, "the old code is gone"
    assert hand_over(client, admin, fo_id, new_code).status_code == 200


@pytest.mark.usefixtures("store")
def test_a_malformed_code_is_refused_without_counting_an_attempt(
    client: TestClient, admin: Headers, uow: UnitOfWork, engine: Engine
) -> None:
    _, fo_id = pickup_order(uow, engine)
    ready(client, admin, fo_id)
    assert hand_over(client, admin, fo_id, "12ab56").status_code == 422
    with uow.read() as tx:
        assert tx.repo(FULFILMENT_ORDERS).get(fo_id).pickup_code_attempts == 0


@pytest.mark.usefixtures("store")
def test_an_uncollected_pickup_is_listed_and_cancelled_back_to_stock(
    client: TestClient, admin: Headers, uow: UnitOfWork, engine: Engine
) -> None:
    placed, fo_id = pickup_order(uow, engine)
    still_held = client.post(
        f"/v1/fulfilment/orders/{fo_id}/cancel", json={"reason": "gone"}, headers=admin
    )
    assert still_held.status_code == 409, "only a ready pickup is cancelled as uncollected"
    ten_days_ago = UnitOfWork(engine, FixedClock(datetime.now(UTC) - timedelta(days=10)))
    pickup.mark_ready(fo_id, actor="store", uow=ten_days_ago)

    listed = client.get(
        "/v1/fulfilment/uncollected", params={"location": "store-fr"}, headers=admin
    )
    assert listed.status_code == 200
    assert [(p["number"], p["units"]) for p in listed.json()["items"]] == [
        (f"{placed.number}-F1", 2)
    ]
    elsewhere = client.get(
        "/v1/fulfilment/uncollected", params={"location": "store-de"}, headers=admin
    )
    assert elsewhere.json()["items"] == []

    cancelled = client.post(
        f"/v1/fulfilment/orders/{fo_id}/cancel",
        json={"reason": "not collected within 7 days"},
        headers=admin,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert on_hand(uow) == (5, 0), "the units are available again"
    assert orders.get_order(placed.id, uow=uow).status is orders.OrderStatus.CANCELLED
    again = client.get("/v1/fulfilment/uncollected", headers=admin)
    assert again.json()["items"] == []


@pytest.mark.usefixtures("store")
def test_a_pickup_still_within_its_hold_is_not_uncollected(
    client: TestClient, admin: Headers, uow: UnitOfWork, engine: Engine
) -> None:
    _, fo_id = pickup_order(uow, engine)
    ready(client, admin, fo_id)
    assert client.get("/v1/fulfilment/uncollected", headers=admin).json()["items"] == []
    early = client.post(
        f"/v1/fulfilment/orders/{fo_id}/cancel", json={"reason": "gone"}, headers=admin
    )
    assert early.status_code == 409
    assert early.json()["code"] == "pickup-not-expired"


@pytest.mark.usefixtures("store")
def test_a_key_bound_to_another_store_cannot_see_or_work_the_pickup(
    client: TestClient, uow: UnitOfWork, engine: Engine
) -> None:
    _, fo_id = pickup_order(uow, engine)

    def key(location: str) -> Headers:
        issued = auth.create_api_key(
            auth.CreateApiKey(name=location, role=auth.Role.WAREHOUSE, location_code=location),
            uow=uow,
        )
        return {"Authorization": f"Bearer {issued.secret}"}

    other, mine = key("store-de"), key("store-fr")
    refused = client.post(f"/v1/fulfilment/orders/{fo_id}/ready", headers=other)
    assert refused.status_code == 404
    code = ready(client, mine, fo_id)["pickup_code"]
    assert hand_over(client, other, fo_id, code).status_code == 404
    assert hand_over(client, mine, fo_id, code).status_code == 200


@pytest.mark.usefixtures("store")
def test_a_channel_key_cannot_work_pickups(
    client: TestClient, key_for: Any, uow: UnitOfWork, engine: Engine
) -> None:
    _, fo_id = pickup_order(uow, engine)
    channel = key_for("channel", channel="web")
    assert client.post(f"/v1/fulfilment/orders/{fo_id}/ready", headers=channel).status_code == 403


def test_a_pickup_sent_from_a_warehouse_is_ready_once_it_arrived_and_handed_over(
    client: TestClient, admin: Headers, uow: UnitOfWork, engine: Engine
) -> None:
    """The store has none; the rules let Hamburg send it (a transfer shipment)."""
    builders.location(uow, "wh-de")
    builders.location(uow, "store-fr", "FR", kind=LocationKind.STORE, offers_pickup=True)
    builders.channel(uow, "web", locations=("store-fr", "wh-de"))
    builders.pricing(uow)
    builders.product(uow, SKU, prices={"web": "20.00"})
    inventory.receive_stock(
        inventory.ReceiveStock(sku=SKU, location="wh-de", quantity=3, actor="t"), uow=uow
    )
    sourcing.put_rules(
        sourcing.PutRules(
            channel="web", document={"pickup": {"transfer_from": ["wh-de"]}}, actor="t"
        ),
        uow=uow,
    )
    placed, fo_id = pickup_order(uow, engine, units=1)
    with uow.read() as tx:
        fo = tx.repo(FULFILMENT_ORDERS).get(fo_id)
    assert (fo.location, fo.pickup_location) == ("wh-de", "store-fr")
    early = client.post(f"/v1/fulfilment/orders/{fo_id}/ready", headers=admin)
    assert early.status_code == 409
    assert early.json()["code"] == "transfer-not-arrived"

    units = [{"line_id": str(placed.lines[0].id), "quantity": 1}]
    sent = client.post(
        f"/v1/fulfilment/orders/{fo_id}/shipments",
        json={"packages": [{"weight_grams": 500, "lines": units}]},
        headers=admin | {"Idempotency-Key": "transfer-1"},
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["shipments"][0]["kind"] == "transfer"
    code = ready(client, admin, fo_id)["pickup_code"]
    handed = hand_over(client, admin, fo_id, code)
    assert handed.status_code == 200, handed.text
    order = orders.get_order(placed.id, uow=uow)
    assert [(ln.fulfilled_quantity, ln.delivered_quantity) for ln in order.lines] == [(1, 1)]
    assert order.fulfilment_status.value == "delivered"


def attempts_at_once(work: list[Any]) -> list[object]:
    """Run every call in its own thread at once; what each returned or raised."""
    start = threading.Barrier(len(work))

    def run(call: Any) -> object:
        start.wait(timeout=60)
        try:
            return call()
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        return list(pool.map(run, work))


@pytest.mark.usefixtures("store")
def test_wrong_codes_tried_at_once_are_each_counted_and_lock_after_five(
    uow: UnitOfWork, engine: Engine
) -> None:
    _, fo_id = pickup_order(uow, engine)
    code = pickup.mark_ready(fo_id, actor="store", uow=uow).code

    def guess() -> object:
        return pickup.hand_over(fo_id, wrong(code), actor="thief", uow=UnitOfWork(engine))

    outcomes = attempts_at_once([guess] * 8)
    kinds = sorted(type(o).__name__ for o in outcomes)
    assert kinds == ["PickupLocked"] * 3 + ["WrongPickupCode"] * 5
    with uow.read() as tx:
        assert tx.repo(FULFILMENT_ORDERS).get(fo_id).pickup_code_attempts == rules.MAX_ATTEMPTS


@pytest.mark.usefixtures("store")
def test_the_right_code_given_twice_at_once_hands_over_once(
    uow: UnitOfWork, engine: Engine
) -> None:
    placed, fo_id = pickup_order(uow, engine)
    code = pickup.mark_ready(fo_id, actor="store", uow=uow).code

    def collect() -> object:
        return pickup.hand_over(fo_id, code, actor="store", uow=UnitOfWork(engine))

    outcomes = attempts_at_once([collect] * 4)
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert all(isinstance(o, IllegalTransition) for o in outcomes if isinstance(o, Exception))
    assert on_hand(uow) == (3, 0), "the units left the store's stock once"
    order = orders.get_order(placed.id, uow=uow)
    assert [(ln.fulfilled_quantity, ln.delivered_quantity) for ln in order.lines] == [(2, 2)]


@pytest.mark.usefixtures("store")
def test_the_uncollected_list_pages_longest_expired_first(
    client: TestClient, admin: Headers, uow: UnitOfWork, engine: Engine
) -> None:
    expired = []
    for days_ago in (9, 12):
        placed, fo_id = pickup_order(uow, engine, units=1)
        when = UnitOfWork(engine, FixedClock(datetime.now(UTC) - timedelta(days=days_ago)))
        pickup.mark_ready(fo_id, actor="store", uow=when)
        expired.append(f"{placed.number}-F1")
    first = client.get("/v1/fulfilment/uncollected", params={"limit": 1}, headers=admin).json()
    rest = client.get(
        "/v1/fulfilment/uncollected",
        params={"limit": 1, "cursor": first["next_cursor"]},
        headers=admin,
    ).json()
    assert [p["number"] for p in first["items"] + rest["items"]] == expired[::-1]
    assert rest["next_cursor"] is None
