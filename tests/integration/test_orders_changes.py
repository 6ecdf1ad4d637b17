"""Order changes through the HTTP API: preview with the money difference, confirm with If-Match."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from oms import catalog
from oms.orders import ConfirmChange, confirm_change
from oms.orders.domain import StaleOrderVersion
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from tests.conftest import KeyMaker
from tests.integration.test_orders_api import ADDRESS, place, shop  # noqa: F401 (fixture)
from tests.invariants import assert_lines_fully_sourced, assert_orders_match_stock

pytestmark = pytest.mark.usefixtures("balanced_ledger", "shop")

Headers = dict[str, str]

US_ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "100 Warehouse Way",
    "city": "Newark",
    "postal_code": "07102",
    "region": "NJ",
    "country": "US",
}


def preview(client: TestClient, headers: Headers, order: dict[str, Any], *ops: Any) -> Any:
    return client.post(
        f"/v1/orders/{order['id']}/changes", json={"operations": list(ops)}, headers=headers
    )


def confirm(
    client: TestClient, headers: Headers, order: dict[str, Any], change: Any, version: Any
) -> Any:
    if_match = {} if version is None else {"If-Match": str(version)}
    return client.post(
        f"/v1/orders/{order['id']}/changes/{change['id']}/confirm", headers=headers | if_match
    )


def one_more_and_a_hoodie(client: TestClient, headers: Headers, order: dict[str, Any]) -> Any:
    """Preview raising the order's TS-1 line from 2 to 3 and adding one TS-2."""
    return preview(
        client,
        headers,
        order,
        {"op": "change_quantity", "line_id": order["lines"][0]["id"], "quantity": 3},
        {"op": "add_line", "sku": "TS-2", "quantity": 1},
    )


def assert_stock_matches(engine: Engine) -> None:
    assert_orders_match_stock(engine)
    assert_lines_fully_sourced(engine)


def stock_at(client: TestClient, headers: Headers, sku: str) -> dict[str, tuple[int, int]]:
    found = client.get(f"/v1/inventory/{sku}", headers=headers).json()["locations"]
    return {loc["location"]: (loc["on_hand"], loc["allocated"]) for loc in found}


def test_a_preview_shows_the_new_totals_and_the_difference_and_changes_nothing(
    client: TestClient, admin: Headers
) -> None:
    order = place(client, admin, "k").json()
    response = one_more_and_a_hoodie(client, admin, order)
    assert response.status_code == 201, response.text
    change = response.json()
    assert change["status"] == "previewed"
    assert change["base_version"] == 1
    assert change["current_totals"]["total"] == {"amount": "44.90", "currency": "EUR"}
    assert change["new_totals"]["subtotal"]["amount"] == "110.00"
    assert change["new_totals"]["shipping"]["amount"] == "0.00"  # free over 60
    assert change["difference"] == {"amount": "65.10", "currency": "EUR"}
    assert [(li["sku"], li["previous_quantity"], li["quantity"]) for li in change["lines"]] == [
        ("TS-1", 2, 3),
        ("TS-2", 0, 1),
    ]
    assert change["lines"][1]["line_id"] is None
    assert change["stock"] == [
        {"sku": "TS-1", "requested": 1, "available": 6, "backordered": 0, "short": 0},
        {"sku": "TS-2", "requested": 1, "available": 2, "backordered": 0, "short": 0},
    ]
    after = client.get(f"/v1/orders/{order['id']}", headers=admin)
    assert after.json()["version"] == 1
    assert after.json()["lines"] == order["lines"]
    assert after.json()["totals"] == order["totals"]
    assert stock_at(client, admin, "TS-1")["wh-de"] == (5, 2)
    assert stock_at(client, admin, "TS-2")["store-paris"] == (2, 0)
    listed = client.get(f"/v1/orders/{order['id']}/changes", headers=admin).json()["items"]
    assert [c["id"] for c in listed] == [change["id"]]


def test_confirming_applies_the_change_moves_stock_exactly_and_bumps_the_version(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    order = place(client, admin, "k").json()
    change = one_more_and_a_hoodie(client, admin, order).json()
    response = confirm(client, admin, order, change, '"1"')
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    changed = response.json()
    assert changed["version"] == 2
    assert changed["totals"]["total"]["amount"] == "110.00"
    first, added = changed["lines"]
    assert (first["quantity"], first["allocations"]) == (3, [{"location": "wh-de", "quantity": 3}])
    assert added["sku"] == "TS-2"
    assert added["line_no"] == 2
    assert added["allocations"] == [{"location": "store-paris", "quantity": 1}]
    assert added["total"]["amount"] == "50.00"
    assert client.get(f"/v1/orders/{order['id']}", headers=admin).json() == changed
    assert stock_at(client, admin, "TS-1")["wh-de"] == (5, 3)
    assert stock_at(client, admin, "TS-2")["store-paris"] == (2, 1)
    assert_stock_matches(engine)
    listed = client.get(f"/v1/orders/{order['id']}/changes", headers=admin).json()["items"]
    assert listed[0]["status"] == "confirmed"
    assert listed[0]["confirmed_at"] is not None


def test_the_change_is_on_the_timeline_and_in_the_outbox(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    order = place(client, admin, "k").json()
    change = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 1})
    confirm(client, admin, order, change.json(), 1)
    entries = client.get(f"/v1/orders/{order['id']}/timeline", headers=admin).json()["items"]
    entry = entries[-1]
    assert entry["kind"] == "changed"
    assert entry["actor"].startswith("api-key:")
    assert entry["details"]["operations"] == ["add_line"]
    assert entry["details"]["before"]["lines"] == [{"sku": "TS-1", "quantity": 2}]
    assert entry["details"]["after"]["lines"] == [
        {"sku": "TS-1", "quantity": 2},
        {"sku": "TS-2", "quantity": 1},
    ]
    assert (entry["details"]["before"]["total"], entry["details"]["after"]["total"]) == (
        "44.90",
        "90.00",
    )
    with engine.connect() as c:
        events = c.execute(
            select(outbox_table.c.payload).where(
                outbox_table.c.event_type == "orders.order_changed.v1"
            )
        ).all()
    (payload,) = [row.payload for row in events]
    assert payload["version"] == 2
    assert payload["changes"] == ["add_line"]
    assert payload["difference"] == {"amount": "45.10", "currency": "EUR"}


@pytest.mark.parametrize("if_match", ['W/"1"', "1"])
def test_if_match_takes_the_etag_in_any_usual_form(
    client: TestClient, admin: Headers, if_match: str
) -> None:
    order = place(client, admin, "k").json()
    change = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 1})
    assert confirm(client, admin, order, change.json(), if_match).status_code == 200


def test_confirming_without_if_match_is_428_and_changes_nothing(
    client: TestClient, admin: Headers
) -> None:
    order = place(client, admin, "k").json()
    change = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 1})
    response = confirm(client, admin, order, change.json(), None)
    assert response.status_code == 428
    assert response.json()["code"] == "version-required"
    assert client.get(f"/v1/orders/{order['id']}", headers=admin).json()["version"] == 1


def test_a_preview_made_stale_by_a_hold_is_412_and_can_be_previewed_again(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    order = place(client, admin, "k").json()
    op = {"op": "add_line", "sku": "TS-2", "quantity": 1}
    stale = preview(client, admin, order, op).json()
    held = client.post(
        f"/v1/orders/{order['id']}/holds", json={"reason": "manual"}, headers=admin
    ).json()
    assert held["version"] == 2
    outdated = confirm(client, admin, order, stale, 1)
    assert outdated.status_code == 412
    assert outdated.json()["code"] == "stale-version"
    superseded = confirm(client, admin, order, stale, 2)
    assert superseded.status_code == 412
    assert superseded.json()["expected_version"] == 1
    fresh = preview(client, admin, order, op).json()
    assert fresh["base_version"] == 2
    applied = confirm(client, admin, order, fresh, 2)
    assert applied.status_code == 200, applied.text
    assert applied.json()["on_hold"] is True  # a held order may be corrected
    assert_stock_matches(engine)


def test_a_preview_whose_prices_changed_since_is_412(
    client: TestClient, admin: Headers, uow: UnitOfWork
) -> None:
    order = place(client, admin, "k").json()
    change = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 1})
    catalog.set_price(
        catalog.SetPrice(sku="TS-2", channel="web", amount=Decimal("55.00"), currency="EUR"),
        uow=uow,
    )
    refused = confirm(client, admin, order, change.json(), 1)
    assert refused.status_code == 412
    assert refused.json()["code"] == "order-change-outdated"
    assert (refused.json()["previewed_total"], refused.json()["total"]) == ("90.00", "95.00")
    again = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 1})
    assert confirm(client, admin, order, again.json(), 1).status_code == 200


def test_confirming_twice_is_409(client: TestClient, admin: Headers) -> None:
    order = place(client, admin, "k").json()
    change = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 1})
    assert confirm(client, admin, order, change.json(), 1).status_code == 200
    again = confirm(client, admin, order, change.json(), 2)
    assert again.status_code == 409
    assert again.json()["code"] == "order-change-not-pending"


def test_a_cancelled_order_cannot_be_changed(client: TestClient, admin: Headers) -> None:
    order = place(client, admin, "k").json()
    change = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 1})
    client.post(f"/v1/orders/{order['id']}/cancel", json={"reason": "fraud"}, headers=admin)
    refused = confirm(client, admin, order, change.json(), 2)
    assert refused.status_code == 409
    assert refused.json()["code"] == "order-not-editable"
    again = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 1})
    assert again.status_code == 409
    assert again.json()["code"] == "order-not-editable"


def test_adding_more_than_the_stock_is_shown_short_and_refused_on_confirm(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    order = place(client, admin, "k").json()
    change = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 3})
    assert change.status_code == 201
    assert change.json()["stock"] == [
        {"sku": "TS-2", "requested": 3, "available": 2, "backordered": 0, "short": 1}
    ]
    refused = confirm(client, admin, order, change.json(), 1)
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient-stock"
    assert refused.json()["shortfalls"] == [{"sku": "TS-2", "requested": 3, "available": 2}]
    after = client.get(f"/v1/orders/{order['id']}", headers=admin).json()
    assert (after["version"], len(after["lines"])) == (1, 1)
    assert stock_at(client, admin, "TS-2")["store-paris"] == (2, 0)
    assert_stock_matches(engine)


def test_what_stock_lacks_is_backordered_when_the_channel_allows_it(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    client.patch("/v1/channels/web", json={"allows_backorders": True}, headers=admin)
    order = place(client, admin, "k").json()
    change = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 3})
    assert change.json()["stock"][0] == {
        "sku": "TS-2",
        "requested": 3,
        "available": 2,
        "backordered": 1,
        "short": 0,
    }
    changed = confirm(client, admin, order, change.json(), 1).json()
    added = changed["lines"][1]
    assert (added["allocated_quantity"], added["backordered_quantity"]) == (2, 1)
    assert_stock_matches(engine)


def test_lowering_a_quantity_and_removing_a_line_release_their_stock(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    order = place(
        client, admin, "k", lines=[{"sku": "TS-1", "quantity": 7}, {"sku": "TS-2", "quantity": 1}]
    ).json()
    first, second = order["lines"]
    change = preview(
        client,
        admin,
        order,
        {"op": "change_quantity", "line_id": first["id"], "quantity": 4},
        {"op": "remove_line", "line_id": second["id"]},
    ).json()
    assert change["difference"]["amount"] == "-110.00"
    changed = confirm(client, admin, order, change, 1).json()
    lowered, removed = changed["lines"]
    assert (lowered["quantity"], lowered["cancelled_quantity"]) == (7, 3)
    assert lowered["allocations"] == [{"location": "wh-de", "quantity": 4}]
    assert (removed["cancelled_quantity"], removed["allocations"]) == (1, [])
    assert changed["totals"]["subtotal"]["amount"] == "80.00"
    assert changed["status"] == "confirmed"
    assert stock_at(client, admin, "TS-1") == {"wh-de": (5, 4), "store-paris": (3, 0)}
    assert stock_at(client, admin, "TS-2")["store-paris"] == (2, 0)
    assert_stock_matches(engine)


def test_lowering_a_quantity_cancels_backordered_units_before_allocated_ones(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    client.patch("/v1/channels/web", json={"allows_backorders": True}, headers=admin)
    order = place(client, admin, "k", lines=[{"sku": "TS-2", "quantity": 4}]).json()
    line = order["lines"][0]
    assert (line["allocated_quantity"], line["backordered_quantity"]) == (2, 2)
    for version, quantity, held in ((1, 3, (2, 1)), (2, 1, (1, 0))):
        op = {"op": "change_quantity", "line_id": line["id"], "quantity": quantity}
        changed = confirm(client, admin, order, preview(client, admin, order, op).json(), version)
        after = changed.json()["lines"][0]
        assert (after["allocated_quantity"], after["backordered_quantity"]) == held
    assert stock_at(client, admin, "TS-2")["store-paris"] == (2, 1)
    assert_stock_matches(engine)


def test_removing_the_last_open_line_is_refused(client: TestClient, admin: Headers) -> None:
    order = place(client, admin, "k").json()
    response = preview(
        client, admin, order, {"op": "remove_line", "line_id": order["lines"][0]["id"]}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["operations"]
    assert "cancel the order" in response.json()["errors"][0]["message"]


def test_every_bad_field_is_named_at_once(client: TestClient, admin: Headers) -> None:
    order = place(client, admin, "k").json()
    line = order["lines"][0]
    response = preview(
        client,
        admin,
        order,
        {"op": "add_line", "sku": "NOPE", "quantity": 1},
        {"op": "change_quantity", "line_id": line["id"], "quantity": 0},
        {"op": "remove_line", "line_id": "8a5b7f3e-0000-4000-8000-000000000000"},
        {"op": "change_shipping_address", "address": ADDRESS | {"postal_code": "1"}},
        {"op": "change_shipping_method", "shipping_method": "pickup", "pickup_location": "wh-de"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid-order-change"
    assert {e["field"] for e in response.json()["errors"]} == {
        "operations.0.sku",
        "operations.1.quantity",
        "operations.2.line_id",
        "operations.3.address.postal_code",
        "operations.4.pickup_location",
    }


def test_unknown_operations_and_fields_are_refused(client: TestClient, admin: Headers) -> None:
    order = place(client, admin, "k").json()
    unknown = preview(client, admin, order, {"op": "paint_it_red"})
    assert unknown.status_code == 422
    extra = preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 1, "x": 1})
    assert extra.status_code == 422


def test_shipping_to_another_country_reprices_tax_and_shipping(
    client: TestClient, admin: Headers
) -> None:
    order = place(client, admin, "k").json()
    change = preview(
        client, admin, order, {"op": "change_shipping_address", "address": US_ADDRESS}
    ).json()
    assert change["new_totals"]["shipping"]["amount"] == "5.50"
    assert change["new_totals"]["tax"]["amount"] == "0.00"
    assert change["difference"]["amount"] == "0.60"
    changed = confirm(client, admin, order, change, 1).json()
    assert changed["shipping_address"]["country"] == "US"
    assert changed["totals"]["total"]["amount"] == "45.50"
    assert changed["lines"][0]["tax_rate"] == "0"


def test_an_unserved_country_is_named_on_the_operation(client: TestClient, admin: Headers) -> None:
    order = place(client, admin, "k").json()
    address = {"line1": "1 Main St", "city": "Toronto", "postal_code": "M5V 2T6", "region": "ON"}
    response = preview(
        client,
        admin,
        order,
        {"op": "change_shipping_address", "address": address | {"country": "CA"}},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["operations.0.address.country"]


def test_switching_to_pickup_sources_the_order_again_at_the_store(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    order = place(client, admin, "k").json()
    op = {
        "op": "change_shipping_method",
        "shipping_method": "pickup",
        "pickup_location": "store-paris",
    }
    change = preview(client, admin, order, op).json()
    assert change["stock"] == [
        {"sku": "TS-1", "requested": 2, "available": 3, "backordered": 0, "short": 0}
    ]
    assert change["new_totals"]["shipping"]["amount"] == "0.00"
    changed = confirm(client, admin, order, change, 1).json()
    assert changed["shipping_method"] == "pickup"
    assert changed["pickup_location"] == "store-paris"
    assert changed["lines"][0]["allocations"] == [{"location": "store-paris", "quantity": 2}]
    assert changed["lines"][0]["tax_rate"] == "0.2"  # priced where the store is
    assert stock_at(client, admin, "TS-1") == {"wh-de": (5, 0), "store-paris": (3, 2)}
    assert_stock_matches(engine)
    back = preview(
        client, admin, changed, {"op": "change_shipping_method", "shipping_method": "express"}
    )
    shipped = confirm(client, admin, order, back.json(), 2).json()
    assert shipped["lines"][0]["allocations"] == [{"location": "wh-de", "quantity": 2}]
    assert shipped["totals"]["shipping"]["amount"] == "12.90"
    assert_stock_matches(engine)


def test_a_replayed_preview_returns_the_first_one(client: TestClient, admin: Headers) -> None:
    order = place(client, admin, "k").json()
    body = {"operations": [{"op": "add_line", "sku": "TS-2", "quantity": 1}]}
    url = f"/v1/orders/{order['id']}/changes"
    first = client.post(url, json=body, headers=admin | {"Idempotency-Key": "p"})
    again = client.post(url, json=body, headers=admin | {"Idempotency-Key": "p"})
    assert again.content == first.content
    assert len(client.get(url, headers=admin).json()["items"]) == 1


def test_changes_are_listed_newest_first_a_page_at_a_time(
    client: TestClient, admin: Headers
) -> None:
    order = place(client, admin, "k").json()
    ids = [
        preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": n}).json()["id"]
        for n in (1, 2)
    ]
    url = f"/v1/orders/{order['id']}/changes"
    page = client.get(url, params={"limit": 1}, headers=admin).json()
    rest = client.get(url, params={"limit": 1, "cursor": page["next_cursor"]}, headers=admin)
    assert [c["id"] for c in page["items"] + rest.json()["items"]] == ids[::-1]
    assert rest.json()["next_cursor"] is None


def test_another_channels_key_sees_no_changes(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    order = place(client, admin, "k").json()
    preview(client, admin, order, {"op": "add_line", "sku": "TS-2", "quantity": 1})
    url = f"/v1/orders/{order['id']}/changes"
    assert client.get(url, headers=key_for("channel", channel="mkt")).status_code == 404
    assert len(client.get(url, headers=key_for("channel", channel="web")).json()["items"]) == 1
    assert (
        client.post(url, json={"operations": []}, headers=key_for("warehouse")).status_code == 403
    )


def test_of_changes_confirmed_at_once_from_one_version_exactly_one_applies(
    client: TestClient, admin: Headers, engine: Engine
) -> None:
    order = place(client, admin, "k").json()
    op = {"op": "add_line", "sku": "TS-2", "quantity": 1}
    previews = [preview(client, admin, order, op).json() for _ in range(4)]

    def attempt(change: dict[str, Any]) -> str:
        command = ConfirmChange(
            order_id=UUID(order["id"]), change_id=UUID(change["id"]), if_match="1", actor="race"
        )
        try:
            confirm_change(command, uow=UnitOfWork(engine))
        except StaleOrderVersion:
            return "stale"
        return "applied"

    with ThreadPoolExecutor(len(previews)) as pool:
        results = sorted(pool.map(attempt, previews))
    assert results == ["applied", "stale", "stale", "stale"]
    after = client.get(f"/v1/orders/{order['id']}", headers=admin).json()
    assert (after["version"], [line["sku"] for line in after["lines"]]) == (2, ["TS-1", "TS-2"])
    assert stock_at(client, admin, "TS-2")["store-paris"] == (2, 1)
    assert_stock_matches(engine)
