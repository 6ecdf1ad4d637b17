"""Return requests and decisions on SQLite and PostgreSQL, over HTTP: a csr's request and the
customer's own through the order lookup, each refusal named per line (units left, the window
closed, not returnable), auto-approval by the channel's policy (RMA, receiving location, label),
approve / decline / cancel with the order's asked-back units following, the desk's list and its
filters, and keys that may not decide."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from oms import catalog, fulfilment, inventory, orders
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.errors import ReturnRefused
from oms.returns.domain.returns import ReturnReason
from oms.returns.services import decisions, requests
from oms.shared.errors import Forbidden
from tests import builders
from tests.conftest import KeyMaker
from tests.integration.test_fulfilment_shipping import (
    line_of,
    open_shop,
    package,
    place,
    released,
    ship,
)
from tests.integration.test_returns_labels import delivered, shop, timeline_kinds, warehouse_key

__all__ = ["shop"]

pytestmark = pytest.mark.usefixtures("balanced_ledger")

POLICY = "/v1/channels/web/return-policy"


def ask(
    client: TestClient, headers: dict[str, str], order: orders.Order, *lines: tuple[UUID, int, str]
) -> Any:
    return client.post(
        f"/v1/orders/{order.id}/returns",
        json={
            "lines": [
                {"line_id": str(i), "quantity": q, "reason": reason} for i, q, reason in lines
            ]
        },
        headers=headers,
    )


def ask_as_customer(
    client: TestClient, order: orders.Order, *lines: tuple[UUID, int, str], email: str = ""
) -> Any:
    return client.post(
        "/v1/orders/lookup/returns",
        json={
            "number": order.number,
            "email": email or "ada@example.com",
            "lines": [
                {"line_id": str(i), "quantity": q, "reason": reason} for i, q, reason in lines
            ],
        },
    )


def asked_back(uow: UnitOfWork, order: orders.Order) -> list[int]:
    return [line.return_requested_quantity for line in orders.get_order(order.id, uow=uow).lines]


def event_types(engine: Engine) -> list[str]:
    with engine.connect() as c:
        rows = c.execute(
            select(outbox_table.c.event_type)
            .where(
                outbox_table.c.event_type.like("returns.%"),
                outbox_table.c.event_type != "returns.return_policy_changed.v1",
            )
            .order_by(outbox_table.c.position)
        ).all()
    return [row.event_type for row in rows]


def auto_approving(client: TestClient, admin: dict[str, str], **more: Any) -> None:
    answer = client.put(POLICY, json={"auto_approve": True, **more}, headers=admin)
    assert answer.status_code == 200, answer.text


def test_a_csr_request_waits_for_the_desk_and_asks_the_units_back_on_the_order(
    engine: Engine, shop: UnitOfWork, client: TestClient, key_for: KeyMaker
) -> None:
    order = delivered(shop, ("TS-1", 2), ("HD-1", 1))
    shirts = order.lines[0]

    answer = ask(client, key_for("csr"), order, (shirts.id, 1, "wrong_size"))

    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["status"], body["rma"], body["source"], body["kind"]) == (
        "requested",
        None,
        "staff",
        "return",
    )
    assert [(x["sku"], x["quantity"], x["reason"]) for x in body["lines"]] == [
        ("TS-1", 1, "wrong_size")
    ]
    assert body["return_shipping_paid_by"] == "customer"
    assert asked_back(shop, order) == [1, 0]
    assert orders.get_order(order.id, uow=shop).return_status.value == "return_requested"
    assert event_types(engine) == ["returns.return_requested.v1"]


def test_the_customer_asks_through_the_lookup_and_the_policy_approves_it_with_a_label(
    engine: Engine,
    shop: UnitOfWork,
    client: TestClient,
    admin: dict[str, str],
    key_for: KeyMaker,
) -> None:
    auto_approving(client, admin)
    order = delivered(shop, ("TS-1", 2), ("HD-1", 1))
    hoodie = order.lines[1]

    answer = ask_as_customer(client, order, (hoodie.id, 1, "changed_mind"))

    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["status"], body["rma"], body["order_number"]) == (
        "approved",
        "RMA-000001",
        order.number,
    )
    assert "created_by" not in body
    assert "note" not in body
    desk = client.get(f"/v1/returns/{body['id']}", headers=key_for("csr")).json()
    assert (desk["source"], desk["receiving_location"], desk["created_by"]) == (
        "customer",
        "wh-de",
        "customer",
    )
    label = client.get(f"/v1/returns/{body['id']}/label", headers=key_for("csr"))
    assert label.status_code == 200
    assert label.headers["content-type"] == "application/pdf"
    assert asked_back(shop, order) == [0, 1]
    assert event_types(engine) == ["returns.return_requested.v1", "returns.return_approved.v1"]
    assert {"return_approved", "return_label"} <= set(timeline_kinds(shop, order))


def test_a_wrong_email_is_answered_as_a_wrong_number(shop: UnitOfWork, client: TestClient) -> None:
    order = delivered(shop, ("TS-1", 1))
    line = (order.lines[0].id, 1, "wrong_size")

    wrong_email = ask_as_customer(client, order, line, email="eve@example.com")
    wrong_number = client.post(
        "/v1/orders/lookup/returns",
        json={
            "number": "SO-99999",
            "email": "ada@example.com",
            "lines": [{"line_id": str(order.lines[0].id), "quantity": 1, "reason": "other"}],
        },
    )

    assert wrong_email.status_code == wrong_number.status_code == 404
    assert wrong_email.json()["code"] == wrong_number.json()["code"]
    assert asked_back(shop, order) == [0]


def test_each_line_that_cannot_come_back_is_refused_with_its_reason(
    shop: UnitOfWork, client: TestClient, admin: dict[str, str], key_for: KeyMaker
) -> None:
    builders.product(shop, "GC-1", prices={"web": "10.00"}, name="Gift card")
    inventory.receive_stock(
        inventory.ReceiveStock(sku="GC-1", location="wh-de", quantity=5, actor="setup"), uow=shop
    )
    gift_card = catalog.find_variants(["GC-1"], uow=shop)["GC-1"]
    catalog.update_product(
        catalog.UpdateProduct(product_id=gift_card.product_id, returnable=False), uow=shop
    )
    assert (
        client.put(POLICY, json={"products": {"HD-1": {"returnable": False}}}, headers=admin)
    ).status_code == 200
    order = delivered(shop, ("TS-1", 2), ("HD-1", 1), ("GC-1", 1))
    shirts, hoodie, card = order.lines

    answer = ask(
        client,
        key_for("csr"),
        order,
        (shirts.id, 3, "wrong_size"),
        (hoodie.id, 1, "changed_mind"),
        (card.id, 1, "other"),
        (shirts.id, 1, "damaged"),
    )

    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "return-refused"
    assert answer.json()["errors"] == [
        {
            "field": "lines.0.quantity",
            "message": "3 units of TS-1 asked back, 2 can still be "
            "(2 delivered, 0 returned, 0 asked back already)",
        },
        {"field": "lines.1.line_id", "message": "HD-1 cannot be returned"},
        {"field": "lines.2.line_id", "message": "GC-1 cannot be returned"},
        {"field": "lines.3.line_id", "message": "TS-1 is asked back twice"},
    ]
    assert asked_back(shop, order) == [0, 0, 0]


def test_units_already_asked_back_cannot_be_asked_again(
    shop: UnitOfWork, client: TestClient, key_for: KeyMaker
) -> None:
    order = delivered(shop, ("TS-1", 2))
    shirts = order.lines[0]
    csr = key_for("csr")
    assert ask(client, csr, order, (shirts.id, 2, "wrong_size")).status_code == 201

    again = ask(client, csr, order, (shirts.id, 1, "wrong_size"))

    assert again.status_code == 422
    assert again.json()["errors"][0]["message"] == (
        "1 units of TS-1 asked back, 0 can still be (2 delivered, 0 returned, 2 asked back already)"
    )


def shipped_and_delivered(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], **days_ago: int
) -> orders.Order:
    """TS-1 and HD-1 shipped in a parcel each through fulfilment, each delivered by a carrier
    event ``days_ago[sku]`` days ago."""
    open_shop(uow)
    order = place(uow, ("TS-1", 1), ("HD-1", 1))
    fo = released(engine, uow, order)
    parcels = [package(500, (line_of(order, sku), 1)) for sku in ("TS-1", "HD-1")]
    answer = ship(client, admin, fo.id, "parcels", packages=parcels)
    assert answer.status_code == 201, answer.text
    now = datetime.now(UTC)
    for shipment, sku in zip(answer.json()["shipments"], ("TS-1", "HD-1"), strict=True):
        at = now - timedelta(days=days_ago[sku.replace("-", "_")])
        reported = client.post(
            f"/v1/shipments/{shipment['id']}/events",
            json={"status": "delivered", "occurred_at": at.isoformat()},
            headers=admin,
        )
        assert reported.status_code == 201, reported.text
    return orders.get_order(order.id, uow=uow)


def test_a_line_delivered_past_the_window_is_refused_with_the_day_it_closed(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], key_for: KeyMaker
) -> None:
    order = shipped_and_delivered(engine, uow, client, admin, TS_1=40, HD_1=2)
    shirt, hoodie = line_of(order, "TS-1"), line_of(order, "HD-1")
    closed_on = (datetime.now(UTC) - timedelta(days=10)).date()

    late = ask_as_customer(client, order, (shirt, 1, "changed_mind"))
    in_time = ask_as_customer(client, order, (hoodie, 1, "changed_mind"))

    assert late.status_code == 422, late.text
    [refusal] = late.json()["errors"]
    assert refusal["field"] == "lines.0.line_id"
    message = refusal["message"]
    assert message.startswith("the return window closed on ")
    assert message.endswith("(30 days from delivery)")
    assert abs((datetime.fromisoformat(message[28:38]).date() - closed_on).days) <= 1
    assert in_time.status_code == 201, in_time.text
    assert in_time.json()["status"] == "requested"


def test_a_products_own_window_counts_before_the_channels(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    order = shipped_and_delivered(engine, uow, client, admin, TS_1=10, HD_1=10)
    policy = {"window_days": 30, "products": {"HD-1": {"window_days": 7}}}
    assert client.put(POLICY, json=policy, headers=admin).status_code == 200

    answer = ask_as_customer(
        client, order, (line_of(order, "TS-1"), 1, "other"), (line_of(order, "HD-1"), 1, "other")
    )

    assert answer.status_code == 422
    [refusal] = answer.json()["errors"]
    assert refusal["field"] == "lines.1.line_id"
    assert refusal["message"].endswith("(7 days from delivery)")


def test_auto_approval_waits_for_the_desk_when_one_lines_reason_is_not_approved_alone(
    shop: UnitOfWork, client: TestClient, admin: dict[str, str], key_for: KeyMaker
) -> None:
    auto_approving(client, admin, reasons={"changed_mind": {"auto_approve": False}})
    order = delivered(shop, ("TS-1", 1), ("HD-1", 1))
    shirt, hoodie = order.lines

    mixed = ask(
        client, key_for("csr"), order, (shirt.id, 1, "damaged"), (hoodie.id, 1, "changed_mind")
    )

    assert mixed.status_code == 201
    assert (mixed.json()["status"], mixed.json()["rma"]) == ("requested", None)


def test_the_desk_approves_declines_and_cancels_and_the_order_follows(
    engine: Engine, shop: UnitOfWork, client: TestClient, key_for: KeyMaker
) -> None:
    csr = key_for("csr")
    order = delivered(shop, ("TS-1", 2), ("HD-1", 1))
    shirts, hoodie = order.lines
    first = ask(client, csr, order, (shirts.id, 1, "wrong_size")).json()
    second = ask(client, csr, order, (hoodie.id, 1, "not_as_described")).json()
    assert asked_back(shop, order) == [1, 1]

    approved = client.post(f"/v1/returns/{first['id']}/approve", headers=csr)
    declined = client.post(
        f"/v1/returns/{second['id']}/decline", json={"reason": "worn"}, headers=csr
    )

    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["rma"]) == ("approved", "RMA-000001")
    assert approved.json()["receiving_location"] == "wh-de"
    assert approved.json()["label_tracking_number"] is None  # a slip: no carrier tracking
    assert client.get(f"/v1/returns/{first['id']}/label", headers=csr).status_code == 200
    assert declined.status_code == 200, declined.text
    assert (declined.json()["status"], declined.json()["decline_reason"]) == ("declined", "worn")
    assert asked_back(shop, order) == [1, 0]

    cancelled = client.post(f"/v1/returns/{first['id']}/cancel", headers=csr)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert asked_back(shop, order) == [0, 0]
    assert orders.get_order(order.id, uow=shop).return_status.value == "none"

    again = client.post(f"/v1/returns/{second['id']}/approve", headers=csr)
    assert again.status_code == 409
    assert again.json()["code"] == "illegal-transition"
    assert event_types(engine) == [
        "returns.return_requested.v1",
        "returns.return_requested.v1",
        "returns.return_approved.v1",
        "returns.return_declined.v1",
        "returns.return_cancelled.v1",
    ]


def test_the_desk_lists_by_status_location_and_reason_page_by_page(
    shop: UnitOfWork, client: TestClient, admin: dict[str, str], key_for: KeyMaker
) -> None:
    csr = key_for("csr")
    order = delivered(shop, ("TS-1", 3), ("HD-1", 1))
    shirts, hoodie = order.lines
    made = [
        ask(client, csr, order, (shirts.id, 1, "wrong_size")).json(),
        ask(client, csr, order, (shirts.id, 1, "damaged")).json(),
        ask(client, csr, order, (hoodie.id, 1, "wrong_size")).json(),
    ]
    client.post(f"/v1/returns/{made[0]['id']}/approve", headers=csr)

    def ids(query: str) -> list[str]:
        answer = client.get(f"/v1/returns{query}", headers=csr)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    newest_first = [r["id"] for r in reversed(made)]
    assert ids("") == newest_first
    assert ids("?status=requested") == newest_first[:2]
    assert ids("?status=approved&location=wh-de") == [made[0]["id"]]
    assert ids("?location=elsewhere") == []
    assert ids("?reason=wrong_size") == [made[2]["id"], made[0]["id"]]
    assert ids(f"?order_id={order.id}&reason=damaged") == [made[1]["id"]]

    page = client.get("/v1/returns?limit=2", headers=csr).json()
    rest = client.get(f"/v1/returns?limit=2&cursor={page['next_cursor']}", headers=csr).json()
    assert [x["id"] for x in page["items"] + rest["items"]] == newest_first
    assert rest["next_cursor"] is None
    assert client.get("/v1/returns?status=lost", headers=csr).status_code == 422


def test_warehouse_keys_read_their_locations_returns_but_never_decide(
    engine: Engine, shop: UnitOfWork, client: TestClient, key_for: KeyMaker
) -> None:
    csr = key_for("csr")
    order = delivered(shop, ("TS-1", 2))
    made = ask(client, csr, order, (order.lines[0].id, 1, "wrong_size")).json()
    bound = warehouse_key(engine, "wh-de")
    unbound = key_for("warehouse")

    for key in (bound, unbound):
        answer = client.post(f"/v1/returns/{made['id']}/approve", headers=key)
        assert answer.status_code == 403
        assert client.post(f"/v1/returns/{made['id']}/cancel", headers=key).status_code == 403
    assert (
        client.get(f"/v1/returns/{made['id']}", headers=bound).status_code == 404
    )  # not yet theirs
    assert client.post(f"/v1/returns/{made['id']}/approve", headers=csr).status_code == 200
    assert client.get(f"/v1/returns/{made['id']}", headers=bound).status_code == 200
    assert [x["id"] for x in client.get("/v1/returns", headers=bound).json()["items"]] == [
        made["id"]
    ]
    assert client.get("/v1/returns?location=elsewhere", headers=bound).json()["items"] == []
    with pytest.raises(Forbidden):
        decisions.cancel_return(
            decisions.DecideReturn(return_id=UUID(made["id"]), actor="x", location_scope="wh-de"),
            uow=shop,
        )


def test_racing_requests_for_the_last_units_make_exactly_one_return(
    engine: Engine, shop: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    auto_approving(client, admin)
    order = delivered(shop, ("TS-1", 2))
    racers = 6
    start = threading.Barrier(racers)

    def one(_: int) -> str:
        uow = UnitOfWork(engine)
        start.wait()
        try:
            requests.request_return(
                requests.RequestReturn(
                    order_id=order.id,
                    lines=(
                        AskedLine(line_id=order.lines[0].id, quantity=2, reason=ReturnReason.OTHER),
                    ),
                    actor="csr",
                ),
                uow=uow,
                carriers=fulfilment.karrio_carriers,
            )
        except ReturnRefused:
            return "refused"
        return "made"

    with ThreadPoolExecutor(racers) as pool:
        outcomes = sorted(pool.map(one, range(racers)))

    assert outcomes == ["made"] + ["refused"] * (racers - 1)
    assert asked_back(shop, order) == [2]
    listed = client.get("/v1/returns", headers=admin).json()["items"]
    assert [(x["status"], x["rma"]) for x in listed] == [("approved", "RMA-000001")]
