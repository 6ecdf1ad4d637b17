"""Stock levels, movements and available-to-promise through the HTTP API."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from oms import auth, catalog
from oms.channels import ChannelKind, LocationKind
from oms.platform.pagination import encode_cursor
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.conftest import KeyMaker

pytestmark = pytest.mark.usefixtures("balanced_ledger")

Headers = dict[str, str]
UNSET = {"preorder_release_on": None, "preorder_cap": None, "unit_cost": None}
"""Settings an item has none of until given: not a pre-order, no unit cost."""


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    """Warehouses in Germany and France and a Paris store; the web shop ships from both
    warehouses (Germany first), the app from the store and then the German warehouse."""
    builders.location(uow, "wh-de", "DE")
    builders.location(uow, "wh-fr", "FR")
    builders.location(uow, "store-paris", "FR", kind=LocationKind.STORE)
    builders.channel(uow, "web", locations=("wh-de", "wh-fr"))
    builders.channel(uow, "app", locations=("store-paris", "wh-de"), kind=ChannelKind.MOBILE)
    for sku in ("TS-1", "TS-2", "TS-3"):
        catalog.create_product(
            catalog.CreateProduct(name=f"Shirt {sku}", variants=(catalog.NewVariant(sku=sku),)),
            uow=uow,
        )


def post(client: TestClient, headers: Headers, path: str, body: dict[str, Any], key: str) -> Any:
    return client.post(
        f"/v1/inventory/{path}", json=body, headers=headers | {"Idempotency-Key": key}
    )


def receive(client: TestClient, headers: Headers, sku: str, location: str, quantity: int) -> Any:
    body = {"sku": sku, "location": location, "quantity": quantity, "reference": "PO-1"}
    response = post(client, headers, "receipts", body, f"r-{sku}-{location}-{quantity}")
    assert response.status_code == 201, response.text
    return response.json()


def levels(client: TestClient, headers: Headers, sku: str) -> dict[str, tuple[int, int, int]]:
    body = client.get(f"/v1/inventory/{sku}", headers=headers).json()
    return {
        s["location"]: (s["on_hand"], s["allocated"], s["unavailable"]) for s in body["locations"]
    }


def fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


@pytest.mark.usefixtures("shop")
def test_a_receipt_is_booked_once_per_idempotency_key(client: TestClient, admin: Headers) -> None:
    body = {"sku": "TS-1", "location": "wh-de", "quantity": 5, "reference": "PO-7"}
    first = post(client, admin, "receipts", body, "receipt-1")
    replay = post(client, admin, "receipts", body, "receipt-1")
    assert first.status_code == 201, first.text
    assert replay.content == first.content
    assert replay.headers["Idempotent-Replayed"] == "true"
    (movement,) = first.json()["movements"]
    assert movement["kind"] == "receipt"
    assert (movement["sku"], movement["location"], movement["on_hand_delta"]) == (
        "TS-1",
        "wh-de",
        5,
    )
    assert movement["reference"] == "PO-7"
    assert movement["actor"].startswith("api-key:")
    assert first.json()["levels"] == [
        {
            "location": "wh-de",
            "sku": "TS-1",
            "on_hand": 5,
            "allocated": 0,
            "unavailable": 0,
            "available": 5,
        }
    ]
    assert levels(client, admin, "TS-1") == {"wh-de": (5, 0, 0)}


@pytest.mark.usefixtures("shop")
def test_every_movement_needs_an_idempotency_key(client: TestClient, admin: Headers) -> None:
    body = {"sku": "TS-1", "location": "wh-de", "quantity": 5}
    response = client.post("/v1/inventory/receipts", json=body, headers=admin)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency-key-required"


@pytest.mark.usefixtures("shop")
def test_unknown_skus_and_locations_are_named_together(client: TestClient, admin: Headers) -> None:
    body = {"sku": "NOPE", "location": "nowhere", "quantity": 1}
    receipt = post(client, admin, "receipts", body, "bad-1")
    assert receipt.status_code == 422
    assert fields(receipt) == ["sku", "location"]
    transfer = {"sku": "TS-1", "from_location": "nowhere", "to_location": "wh-de", "quantity": 1}
    assert fields(post(client, admin, "transfers", transfer, "bad-2")) == ["from_location"]


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("receipts", {"sku": "TS-1", "location": "wh-de", "quantity": 0}, "quantity"),
        ("adjustments", {"sku": "TS-1", "location": "wh-de", "delta": 0, "reason": "x"}, "delta"),
        (
            "adjustments",
            {"sku": "TS-1", "location": "wh-de", "delta": 2, "reason": "damage"},
            "delta",
        ),
        (
            "counts",
            {"sku": "TS-1", "location": "wh-de", "counted": -1, "expected_on_hand": 0},
            "counted",
        ),
        (
            "transfers",
            {"sku": "TS-1", "from_location": "wh-de", "to_location": "wh-de", "quantity": 1},
            "to_location",
        ),
        (
            "transfers",
            {"sku": "TS-1", "from_location": "wh-de", "to_location": "wh-fr", "quantity": -3},
            "quantity",
        ),
        (
            "unavailable",
            {"sku": "TS-1", "location": "wh-de", "delta": 0, "reason": "damaged"},
            "delta",
        ),
        (
            "unavailable",
            {"sku": "TS-1", "location": "wh-de", "delta": 1, "reason": "lost"},
            "reason",
        ),
    ],
)
def test_bad_quantities_are_422_naming_the_field(
    client: TestClient, admin: Headers, path: str, body: dict[str, Any], field: str
) -> None:
    response = post(client, admin, path, body, "bad")
    assert response.status_code == 422, response.text
    assert field in fields(response)


@pytest.mark.usefixtures("shop")
def test_an_adjustment_may_not_take_more_than_is_available(
    client: TestClient, admin: Headers
) -> None:
    receive(client, admin, "TS-1", "wh-de", 5)
    body = {"sku": "TS-1", "location": "wh-de", "delta": -7, "reason": "shrinkage"}
    refused = post(client, admin, "adjustments", body, "adj-1")
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "insufficient-stock"
    assert (problem["sku"], problem["location"], problem["requested"], problem["available"]) == (
        "TS-1",
        "wh-de",
        7,
        5,
    )
    taken = post(client, admin, "adjustments", body | {"delta": -2}, "adj-2")
    assert taken.status_code == 201
    assert taken.json()["movements"][0]["reason"] == "shrinkage"
    assert levels(client, admin, "TS-1") == {"wh-de": (3, 0, 0)}


@pytest.mark.usefixtures("shop")
def test_a_refused_movement_can_be_retried_with_the_same_key_once_fixed(
    client: TestClient, admin: Headers
) -> None:
    body = {"sku": "TS-1", "location": "wh-de", "delta": -2, "reason": "shrinkage"}
    assert post(client, admin, "adjustments", body, "retry").status_code == 409
    receive(client, admin, "TS-1", "wh-de", 5)
    assert post(client, admin, "adjustments", body, "retry").status_code == 201
    assert levels(client, admin, "TS-1") == {"wh-de": (3, 0, 0)}


@pytest.mark.usefixtures("shop")
def test_damage_is_written_off_as_a_damage_movement(client: TestClient, admin: Headers) -> None:
    receive(client, admin, "TS-1", "wh-de", 5)
    body = {"sku": "TS-1", "location": "wh-de", "delta": -2, "reason": "damage"}
    response = post(client, admin, "adjustments", body, "dmg")
    assert response.status_code == 201
    assert response.json()["movements"][0]["kind"] == "damage"
    assert levels(client, admin, "TS-1") == {"wh-de": (3, 0, 0)}


@pytest.mark.usefixtures("shop")
def test_a_count_sets_on_hand_only_if_nothing_moved_since_it_began(
    client: TestClient, admin: Headers
) -> None:
    receive(client, admin, "TS-1", "wh-de", 5)
    count = {"sku": "TS-1", "location": "wh-de", "counted": 4, "expected_on_hand": 5}
    counted = post(client, admin, "counts", count, "count-1")
    assert counted.status_code == 201, counted.text
    assert counted.json()["movements"][0]["kind"] == "cycle_count"
    assert counted.json()["movements"][0]["on_hand_delta"] == -1
    stale = post(client, admin, "counts", count | {"counted": 6}, "count-2")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale-count"
    assert (stale.json()["expected_on_hand"], stale.json()["actual_on_hand"]) == (5, 4)
    assert levels(client, admin, "TS-1") == {"wh-de": (4, 0, 0)}


@pytest.mark.usefixtures("shop")
def test_a_count_of_a_location_never_stocked_starts_from_zero(
    client: TestClient, admin: Headers
) -> None:
    count = {"sku": "TS-2", "location": "wh-fr", "counted": 3, "expected_on_hand": 0}
    assert post(client, admin, "counts", count, "count-0").status_code == 201
    assert levels(client, admin, "TS-2") == {"wh-fr": (3, 0, 0)}


@pytest.mark.usefixtures("shop")
def test_a_count_below_what_is_set_aside_is_refused(client: TestClient, admin: Headers) -> None:
    receive(client, admin, "TS-1", "wh-de", 5)
    aside = {"sku": "TS-1", "location": "wh-de", "delta": 4, "reason": "quality_control"}
    assert post(client, admin, "unavailable", aside, "qc").status_code == 201
    count = {"sku": "TS-1", "location": "wh-de", "counted": 2, "expected_on_hand": 5}
    refused = post(client, admin, "counts", count, "count-low")
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient-stock"


@pytest.mark.usefixtures("shop")
def test_a_transfer_moves_stock_between_locations_as_one_booking(
    client: TestClient, admin: Headers
) -> None:
    receive(client, admin, "TS-1", "wh-de", 5)
    body = {"sku": "TS-1", "from_location": "wh-de", "to_location": "wh-fr", "quantity": 3}
    moved = post(client, admin, "transfers", body, "tr-1")
    assert moved.status_code == 201, moved.text
    out, into = moved.json()["movements"]
    assert (out["kind"], out["location"], out["on_hand_delta"]) == ("transfer_out", "wh-de", -3)
    assert (into["kind"], into["location"], into["on_hand_delta"]) == ("transfer_in", "wh-fr", 3)
    assert out["correlation_id"] == into["correlation_id"] is not None
    assert [lv["location"] for lv in moved.json()["levels"]] == ["wh-de", "wh-fr"]
    refused = post(client, admin, "transfers", body, "tr-2")
    assert refused.status_code == 409
    assert (refused.json()["requested"], refused.json()["available"]) == (3, 2)
    assert levels(client, admin, "TS-1") == {"wh-de": (2, 0, 0), "wh-fr": (3, 0, 0)}


@pytest.mark.usefixtures("shop")
def test_unavailable_stock_is_set_aside_and_released_again(
    client: TestClient, admin: Headers
) -> None:
    receive(client, admin, "TS-1", "wh-de", 5)
    aside = {"sku": "TS-1", "location": "wh-de", "delta": 2, "reason": "safety_stock"}
    assert post(client, admin, "unavailable", aside, "u-1").status_code == 201
    assert levels(client, admin, "TS-1") == {"wh-de": (5, 0, 2)}
    too_much = post(client, admin, "unavailable", aside | {"delta": -3}, "u-2")
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "insufficient-unavailable"
    back = post(client, admin, "unavailable", aside | {"delta": -2}, "u-3")
    assert back.json()["levels"][0]["available"] == 5


@pytest.mark.usefixtures("shop")
def test_each_channel_promises_what_its_serving_locations_hold(
    client: TestClient, admin: Headers
) -> None:
    receive(client, admin, "TS-1", "wh-de", 10)
    receive(client, admin, "TS-1", "wh-fr", 4)
    receive(client, admin, "TS-1", "store-paris", 2)
    aside = {"sku": "TS-1", "location": "wh-de", "delta": 3, "reason": "damaged"}
    post(client, admin, "unavailable", aside, "u")
    body = client.get("/v1/inventory/TS-1", headers=admin).json()
    assert body["sku"] == "TS-1"
    assert [s["location"] for s in body["locations"]] == ["store-paris", "wh-de", "wh-fr"]
    assert body["locations"][1] == {
        "location": "wh-de",
        "on_hand": 10,
        "allocated": 0,
        "unavailable": 3,
        "available": 7,
    }
    atp = {c["channel"]: c for c in body["channels"]}
    assert atp["web"]["available_to_promise"] == 11
    assert [(b["location"], b["available"]) for b in atp["web"]["breakdown"]] == [
        ("wh-de", 7),
        ("wh-fr", 4),
    ]
    assert atp["app"]["available_to_promise"] == 9
    assert [(b["location"], b["available"]) for b in atp["app"]["breakdown"]] == [
        ("store-paris", 2),
        ("wh-de", 7),
    ]


@pytest.mark.usefixtures("shop")
def test_a_sku_never_stocked_promises_nothing_anywhere(client: TestClient, admin: Headers) -> None:
    body = client.get("/v1/inventory/ts-3", headers=admin).json()
    assert body["sku"] == "TS-3"
    assert body["locations"] == []
    assert {c["channel"]: c["available_to_promise"] for c in body["channels"]} == {
        "app": 0,
        "web": 0,
    }
    assert [b["location"] for b in body["channels"][1]["breakdown"]] == ["wh-de", "wh-fr"]
    assert client.get("/v1/inventory/NOPE", headers=admin).json()["code"] == "sku-not-found"


@pytest.mark.usefixtures("shop")
def test_a_channel_key_sees_only_its_channel_and_its_locations(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    receive(client, admin, "TS-1", "wh-fr", 4)
    receive(client, admin, "TS-1", "store-paris", 2)
    app = key_for("channel", channel="app")
    body = client.get("/v1/inventory/TS-1", headers=app).json()
    assert [c["channel"] for c in body["channels"]] == ["app"]
    assert [s["location"] for s in body["locations"]] == ["store-paris"]
    assert client.get("/v1/inventory?location=wh-fr", headers=app).status_code == 404
    assert client.get("/v1/inventory?location=store-paris", headers=app).status_code == 200
    assert client.get("/v1/inventory/low-stock?location=wh-fr", headers=app).status_code == 404
    client.put("/v1/inventory/TS-1/settings", json={"low_stock_threshold": 5}, headers=admin)
    everywhere = client.get("/v1/inventory/low-stock", headers=admin).json()["items"]
    assert sorted(item["location"] for item in everywhere) == ["store-paris", "wh-fr"]
    low = client.get("/v1/inventory/low-stock", headers=app).json()["items"]
    assert [item["location"] for item in low] == ["store-paris"]
    assert client.get("/v1/inventory/TS-1/movements", headers=app).status_code == 404
    assert (
        post(
            client, app, "receipts", {"sku": "TS-1", "location": "wh-de", "quantity": 1}, "k"
        ).status_code
        == 403
    )


@pytest.mark.usefixtures("shop")
def test_stock_at_a_location_pages_by_sku(client: TestClient, admin: Headers) -> None:
    for sku in ("TS-3", "TS-1", "TS-2"):
        receive(client, admin, sku, "wh-de", 1)
    first = client.get("/v1/inventory?location=wh-de&limit=2", headers=admin).json()
    assert [s["sku"] for s in first["items"]] == ["TS-1", "TS-2"]
    rest = client.get(
        f"/v1/inventory?location=wh-de&limit=2&cursor={first['next_cursor']}", headers=admin
    ).json()
    assert [s["sku"] for s in rest["items"]] == ["TS-3"]
    assert rest["next_cursor"] is None
    assert client.get("/v1/inventory?location=nowhere", headers=admin).status_code == 404
    assert client.get("/v1/inventory?location=wh-de&cursor=zzz", headers=admin).status_code == 422


@pytest.mark.usefixtures("shop")
def test_low_stock_lists_levels_at_or_below_their_skus_threshold(
    client: TestClient, admin: Headers
) -> None:
    receive(client, admin, "TS-1", "wh-de", 10)
    receive(client, admin, "TS-1", "wh-fr", 3)
    receive(client, admin, "TS-2", "wh-de", 1)
    set_to = client.put(
        "/v1/inventory/TS-1/settings", json={"low_stock_threshold": 5}, headers=admin
    )
    assert set_to.json() == {
        "sku": "TS-1",
        "low_stock_threshold": 5,
        "allows_backorders": False,
        **UNSET,
    }
    low = client.get("/v1/inventory/low-stock", headers=admin).json()["items"]
    assert [(s["sku"], s["location"], s["available"], s["low_stock_threshold"]) for s in low] == [
        ("TS-1", "wh-fr", 3, 5)
    ]
    client.put("/v1/inventory/TS-2/settings", json={"low_stock_threshold": 1}, headers=admin)
    at_de = client.get("/v1/inventory/low-stock?location=wh-de", headers=admin).json()["items"]
    assert [(s["sku"], s["location"], s["low"]) for s in at_de] == [("TS-2", "wh-de", True)]
    page = client.get("/v1/inventory/low-stock?limit=1", headers=admin).json()
    more = client.get(
        f"/v1/inventory/low-stock?limit=1&cursor={page['next_cursor']}", headers=admin
    ).json()
    assert [s["sku"] for s in page["items"] + more["items"]] == ["TS-1", "TS-2"]
    assert more["next_cursor"] is None


@pytest.mark.usefixtures("shop")
def test_settings_name_an_existing_sku_and_a_threshold_of_zero_or_more(
    client: TestClient, admin: Headers
) -> None:
    unknown = client.put(
        "/v1/inventory/NOPE/settings", json={"low_stock_threshold": 1}, headers=admin
    )
    assert unknown.status_code == 404
    negative = client.put(
        "/v1/inventory/TS-1/settings", json={"low_stock_threshold": -1}, headers=admin
    )
    assert negative.status_code == 422
    assert fields(negative) == ["low_stock_threshold"]


@pytest.mark.usefixtures("shop")
def test_backorders_are_allowed_per_sku_without_touching_its_threshold(
    client: TestClient, admin: Headers
) -> None:
    assert client.get("/v1/inventory/TS-1", headers=admin).json()["allows_backorders"] is False
    client.put("/v1/inventory/TS-1/settings", json={"low_stock_threshold": 4}, headers=admin)
    allowed = client.put(
        "/v1/inventory/ts-1/settings", json={"allows_backorders": True}, headers=admin
    )
    assert allowed.status_code == 200
    assert allowed.json() == {
        "sku": "TS-1",
        "low_stock_threshold": 4,
        "allows_backorders": True,
        **UNSET,
    }
    shown = client.get("/v1/inventory/TS-1", headers=admin).json()
    assert (shown["low_stock_threshold"], shown["allows_backorders"]) == (4, True)
    both = client.put(
        "/v1/inventory/TS-1/settings",
        json={"low_stock_threshold": 2, "allows_backorders": False},
        headers=admin,
    )
    assert both.json() == {
        "sku": "TS-1",
        "low_stock_threshold": 2,
        "allows_backorders": False,
        **UNSET,
    }


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize("body", [{}, {"low_stock_threshold": None, "allows_backorders": None}])
def test_settings_must_change_something(
    client: TestClient, admin: Headers, body: dict[str, Any]
) -> None:
    refused = client.put("/v1/inventory/TS-1/settings", json=body, headers=admin)
    assert refused.status_code == 422
    assert fields(refused) == [
        "low_stock_threshold",
        "allows_backorders",
        "preorder_release_on",
        "preorder_cap",
        "unit_cost",
    ]


@pytest.mark.usefixtures("shop")
def test_a_unit_cost_is_set_shown_to_staff_only_and_forgotten(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    body = {"unit_cost": {"amount": "1.25", "currency": "eur"}}
    item = client.put("/v1/inventory/TS-1/settings", json=body, headers=admin)
    assert item.status_code == 200, item.text
    assert item.json()["unit_cost"] == {"amount": "1.25", "currency": "EUR"}
    assert item.json()["low_stock_threshold"] == 0
    shown = client.get("/v1/inventory/TS-1", headers=admin).json()
    assert shown["unit_cost"] == {"amount": "1.25", "currency": "EUR"}
    web = key_for("channel", channel="web")
    assert client.get("/v1/inventory/TS-1", headers=web).json()["unit_cost"] is None
    threshold = {"low_stock_threshold": 3}
    kept = client.put("/v1/inventory/TS-1/settings", json=threshold, headers=admin).json()
    assert kept["unit_cost"] == {"amount": "1.25", "currency": "EUR"}
    forgotten = client.put("/v1/inventory/TS-1/settings", json={"unit_cost": None}, headers=admin)
    assert forgotten.json()["unit_cost"] is None
    assert forgotten.json()["low_stock_threshold"] == 3
    assert client.get("/v1/inventory/TS-1", headers=admin).json()["unit_cost"] is None


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(
    ("cost", "field"),
    [
        ({"amount": "-0.01", "currency": "EUR"}, "unit_cost.amount"),
        ({"amount": "1.255", "currency": "EUR"}, "unit_cost.amount"),
        ({"amount": "1", "currency": "EUX"}, "unit_cost.currency"),
        ({"amount": 1.5, "currency": "EUR"}, "unit_cost.amount"),
    ],
)
def test_a_bad_unit_cost_is_422_naming_the_field_and_changes_nothing(
    client: TestClient, admin: Headers, cost: dict[str, Any], field: str
) -> None:
    good = {"unit_cost": {"amount": "2.00", "currency": "GBP"}}
    client.put("/v1/inventory/TS-1/settings", json=good, headers=admin)
    refused = client.put("/v1/inventory/TS-1/settings", json={"unit_cost": cost}, headers=admin)
    assert refused.status_code == 422, refused.text
    assert field in fields(refused)
    shown = client.get("/v1/inventory/TS-1", headers=admin).json()
    assert shown["unit_cost"] == {"amount": "2.00", "currency": "GBP"}


@pytest.mark.usefixtures("shop")
def test_a_key_bound_to_a_location_moves_stock_only_there(
    client: TestClient, admin: Headers, uow: UnitOfWork
) -> None:
    issued = auth.create_api_key(
        auth.CreateApiKey(name="scanner", role=auth.Role.WAREHOUSE, location_code="wh-fr"),
        uow=uow,
    )
    scanner = {"Authorization": f"Bearer {issued.secret}"}
    receive(client, admin, "TS-1", "wh-de", 5)
    here = {"sku": "TS-1", "location": "wh-fr", "quantity": 3}
    assert post(client, scanner, "receipts", here, "b-1").status_code == 201
    refused = {
        "receipts": {"sku": "TS-1", "location": "wh-de", "quantity": 3},
        "adjustments": {"sku": "TS-1", "location": "wh-de", "delta": -1, "reason": "lost"},
        "counts": {"sku": "TS-1", "location": "wh-de", "counted": 1, "expected_on_hand": 5},
        "unavailable": {"sku": "TS-1", "location": "wh-de", "delta": 1, "reason": "damaged"},
        "transfers": {"sku": "TS-1", "from_location": "wh-de", "to_location": "wh-fr",
                      "quantity": 1},
    }  # fmt: skip
    for path, body in refused.items():
        answer = post(client, scanner, path, body, f"b-{path}")
        assert answer.status_code == 403, (path, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert "wh-fr" in answer.json()["detail"]
    out = {"sku": "TS-1", "from_location": "wh-fr", "to_location": "wh-de", "quantity": 1}
    assert post(client, scanner, "transfers", out, "b-out").status_code == 201
    assert levels(client, admin, "TS-1") == {"wh-de": (6, 0, 0), "wh-fr": (2, 0, 0)}
    level = {"safety_stock": 1, "bin": "A-1"}
    assert (
        client.put("/v1/inventory/TS-1/locations/wh-fr", json=level, headers=scanner).status_code
        == 200
    )
    assert (
        client.put("/v1/inventory/TS-1/locations/wh-de", json=level, headers=scanner).status_code
        == 403
    )
    cost = {"unit_cost": {"amount": "1.00", "currency": "EUR"}}
    assert client.put("/v1/inventory/TS-1/settings", json=cost, headers=scanner).status_code == 403
    assert client.get("/v1/inventory/TS-1", headers=admin).json()["unit_cost"] is None


@pytest.mark.usefixtures("shop")
def test_only_stock_writers_change_settings(client: TestClient, key_for: KeyMaker) -> None:
    body = {"allows_backorders": True}
    web = key_for("channel", channel="web")
    assert client.put("/v1/inventory/TS-1/settings", json=body, headers=web).status_code == 403


@pytest.mark.usefixtures("shop")
def test_the_movement_history_is_newest_first_and_paged(client: TestClient, admin: Headers) -> None:
    receive(client, admin, "TS-1", "wh-de", 5)
    post(
        client,
        admin,
        "adjustments",
        {"sku": "TS-1", "location": "wh-de", "delta": -1, "reason": "shrinkage"},
        "a",
    )
    post(
        client,
        admin,
        "transfers",
        {"sku": "TS-1", "from_location": "wh-de", "to_location": "wh-fr", "quantity": 2},
        "t",
    )
    first = client.get("/v1/inventory/TS-1/movements?limit=2", headers=admin).json()
    rest = client.get(
        f"/v1/inventory/TS-1/movements?cursor={first['next_cursor']}", headers=admin
    ).json()
    kinds = [m["kind"] for m in first["items"] + rest["items"]]
    assert sorted(kinds[:2]) == ["transfer_in", "transfer_out"]
    assert kinds[2:] == ["adjustment", "receipt"]
    assert rest["next_cursor"] is None
    assert client.get("/v1/inventory/NOPE/movements", headers=admin).status_code == 404
    naive = encode_cursor(["2026-01-01T00:00:00", str(uuid4())])
    tampered = client.get(f"/v1/inventory/TS-1/movements?cursor={naive}", headers=admin)
    assert tampered.status_code == 422
    assert fields(tampered) == ["cursor"]
