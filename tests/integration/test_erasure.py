"""Erasure erases: after ``POST /v1/customers/{id}/erase`` (and the event's delivery) no copy of
the person is left anywhere in the database, replays do not hand the data back, and the public
lookup no longer answers to the old email; the books (lines, totals, taxes, country) stay.

The strongest check reads every row of every table for the person's details, so a copy kept in a
table added later fails here too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from oms.app import tasks
from oms.app.schema import metadata
from tests.conftest import KeyMaker
from tests.integration.test_orders_api import ADDRESS, place, shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("balanced_ledger", "shop")

Headers = dict[str, str]

PERSON = {
    "email": "grace.hopper.erasure@example.com",
    "name": "Grace Brewster Hopper",
    "phone": "+49 30 9876543",
    "notes": "prefers Thursday calls",
    "addresses": [
        {
            "name": "Grace Brewster Hopper",
            "line1": "Hopperweg 12",
            "city": "Berlin",
            "postal_code": "10117",
            "country": "DE",
        }
    ],
}
SHIPPING = {
    "name": "Grace Brewster Hopper",
    "company": "Cobol Works",
    "line1": "Hopperweg 12",
    "line2": "Hinterhaus",
    "city": "Berlin",
    "postal_code": "10117",
    "country": "DE",
}
BILLING = SHIPPING | {"line1": "Rechnungsgasse 3", "line2": "", "company": "Cobol Works"}
MOVED = SHIPPING | {"line1": "Umzugstraße 9", "postal_code": "10119"}

TRACES = (
    "grace.hopper.erasure",
    "Grace Brewster",
    "9876543",
    "Hopperweg",
    "Hinterhaus",
    "Cobol Works",
    "Rechnungsgasse",
    "Umzugstraße",
    "10117",
    "10119",
    "Thursday calls",
    "ring twice",
)
"""Every piece of the person the test gave oms; none may be left after erasure."""


def traces_left(engine: Engine) -> dict[str, list[str]]:
    """Which tables still hold which of the person's details, anywhere in any column."""
    found: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                text = json.dumps([str(value) for value in row], ensure_ascii=False)
                hits = [trace for trace in TRACES if trace in text]
                if hits:
                    found.setdefault(table.name, []).extend(hits)
    return found


def erase(client: TestClient, admin: Headers, engine: Engine, customer_id: str) -> Any:
    erased = client.post(f"/v1/customers/{customer_id}/erase", headers=admin)
    assert erased.status_code == 200, erased.text
    tasks.relay(engine).drain()
    return erased.json()


@pytest.fixture
def story(client: TestClient, admin: Headers, key_for: KeyMaker) -> dict[str, Any]:
    """A customer the CSR registered, who then bought on the web shop, changed the shipping
    address (previewed and confirmed), and was put on hold once."""
    customer = client.post(
        "/v1/customers", json=PERSON, headers=admin | {"Idempotency-Key": "customer"}
    ).json()
    web = key_for("channel", channel="web")
    bought = place(
        client,
        web,
        "bought",
        channel=None,
        customer={"email": PERSON["email"], "name": PERSON["name"], "phone": PERSON["phone"]},
        shipping_address=SHIPPING,
        billing_address=BILLING,
        notes="please ring twice",
    )
    assert bought.status_code == 201, bought.text
    order = bought.json()
    change = client.post(
        f"/v1/orders/{order['id']}/changes",
        json={"operations": [{"op": "change_shipping_address", "address": MOVED}]},
        headers=admin | {"Idempotency-Key": "move"},
    ).json()
    confirmed = client.post(
        f"/v1/orders/{order['id']}/changes/{change['id']}/confirm",
        headers=admin | {"If-Match": f'"{order["version"]}"'},
    )
    assert confirmed.status_code == 200, confirmed.text
    held = client.post(
        f"/v1/orders/{order['id']}/holds",
        json={"reason": "manual"},
        headers=admin | {"Idempotency-Key": "hold"},
    )
    assert held.status_code == 201, held.text
    return {"customer": customer, "order": order, "web": web}


def test_nothing_of_the_person_is_left_anywhere_after_erasure(
    client: TestClient, admin: Headers, engine: Engine, story: dict[str, Any]
) -> None:
    assert set(traces_left(engine)) >= {"customers", "orders", "idempotency_keys"}
    erase(client, admin, engine, story["customer"]["id"])
    assert traces_left(engine) == {}


def test_the_orders_keep_the_books_and_name_the_pseudonym(
    client: TestClient, admin: Headers, engine: Engine, story: dict[str, Any]
) -> None:
    order_id = story["order"]["id"]
    before = client.get(f"/v1/orders/{order_id}", headers=admin).json()
    customer = erase(client, admin, engine, story["customer"]["id"])
    after = client.get(f"/v1/orders/{order_id}", headers=admin).json()
    assert after["customer"] == {
        "id": customer["id"],
        "name": "Erased customer",
        "email": customer["email"],
        "phone": None,
        "locale": before["customer"]["locale"],
    }
    assert customer["email"] == f"erased+{customer['id']}@invalid"
    for address in (after["shipping_address"], after["billing_address"]):
        assert address["country"] == "DE"
        assert {k: v for k, v in address.items() if k not in ("country", "region")} == {
            k: "" for k in address if k not in ("country", "region")
        }
    assert after["notes"] == ""
    for kept in ("lines", "totals", "status", "number", "placed_at", "version", "holds"):
        assert after[kept] == before[kept], kept
    timeline = client.get(f"/v1/orders/{order_id}/timeline", headers=admin).json()["items"]
    # the relay may release the order to fulfilment (fulfilment_released) and mail the customer
    # (notification: sent or, after the erasure, skipped) around the erasure
    entries = [e for e in timeline if e["kind"] not in {"fulfilment_released", "notification"}]
    assert (entries[-1]["kind"], entries[-1]["actor"]) == ("buyer_erased", "system:erasure")


def test_replays_do_not_hand_the_person_back(
    client: TestClient, admin: Headers, engine: Engine, story: dict[str, Any]
) -> None:
    erase(client, admin, engine, story["customer"]["id"])
    order_id = story["order"]["id"]
    replays = [
        client.post("/v1/customers", json=PERSON, headers=admin | {"Idempotency-Key": "customer"}),
        place(client, story["web"], "bought", channel=None, shipping_address=SHIPPING),
        client.post(
            f"/v1/orders/{order_id}/changes",
            json={"operations": [{"op": "change_shipping_address", "address": MOVED}]},
            headers=admin | {"Idempotency-Key": "move"},
        ),
        client.post(
            f"/v1/orders/{order_id}/holds",
            json={"reason": "manual"},
            headers=admin | {"Idempotency-Key": "hold"},
        ),
    ]
    for replay in replays:
        assert replay.status_code == 410, replay.text
        assert replay.json()["code"] == "idempotency-response-erased"
        assert not any(trace in replay.text for trace in TRACES)


def test_the_lookup_no_longer_answers_to_the_old_email_nor_to_the_pseudonym(
    client: TestClient, admin: Headers, engine: Engine, story: dict[str, Any]
) -> None:
    number = story["order"]["number"]
    before = client.get("/v1/orders/lookup", params={"number": number, "email": PERSON["email"]})
    assert before.status_code == 200
    customer = erase(client, admin, engine, story["customer"]["id"])
    for email in (PERSON["email"], customer["email"]):
        after = client.get("/v1/orders/lookup", params={"number": number, "email": email})
        assert after.status_code == 404, email
        assert after.json()["code"] == "order-not-found"


def test_erasing_twice_changes_nothing_and_a_new_order_makes_a_new_profile(
    client: TestClient, admin: Headers, engine: Engine, story: dict[str, Any]
) -> None:
    customer = erase(client, admin, engine, story["customer"]["id"])
    again = erase(client, admin, engine, story["customer"]["id"])
    assert again == customer
    timeline = client.get(f"/v1/orders/{story['order']['id']}/timeline", headers=admin).json()[
        "items"
    ]
    assert [e["kind"] for e in timeline].count("buyer_erased") == 1
    later = place(
        client, admin, "later", customer={"email": PERSON["email"], "name": "Grace"}
    ).json()
    assert later["customer"]["id"] != customer["id"]
    assert later["customer"]["email"] == PERSON["email"]


def test_every_operation_whose_response_names_a_person_documents_the_410(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/orders",
        "/v1/orders/{order_id}/holds",
        "/v1/orders/{order_id}/changes",
        "/v1/customers",
        "/v1/customers/{customer_id}/addresses",
    ):
        assert "410" in paths[path]["post"]["responses"], path
