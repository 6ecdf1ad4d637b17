"""Webhook endpoints over HTTP on SQLite and PostgreSQL: the secret shown once, targets and
patterns refused with problem+json naming what is wrong (loopback by default), pagination,
ETag / If-Match / If-None-Match, enabling and disabling, deletion dropping the deliveries, the
deliveries list, detail and replay, and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from oms.app.http import create_app
from oms.notifications.handlers.webhooks import handle_event
from oms.notifications.tables.webhooks import webhook_deliveries
from oms.orders import OrderPlaced
from oms.platform.event_catalogue import example_event
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope
from oms.shared.ids import new_id
from tests.conftest import KeyMaker

PUBLIC = "https://93.184.216.34/oms-events"
"""A public address written as the host: no DNS needed on a machine without internet."""
PROBLEM = "application/problem+json"


def register(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"url": PUBLIC, "event_types": ["orders.*"]} | fields
    answer = client.post("/v1/webhooks", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def fan_out_one(engine: Engine) -> Envelope:
    """An order placed, handed to the webhook consumer as the relay would."""
    envelope = Envelope(
        event_id=new_id(),
        position=1,
        occurred_at=datetime.now(UTC),
        event=example_event(OrderPlaced),
    )
    handle_event(envelope, uow=UnitOfWork(engine))
    return envelope


def test_registering_shows_the_secret_once(client: TestClient, admin: dict[str, str]) -> None:
    answer = client.post(
        "/v1/webhooks",
        json={"url": PUBLIC, "event_types": ["orders.*", "*"], "description": "ERP"},
        headers=admin,
    )

    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert created["secret"].startswith("whsec_")
    assert answer.headers["ETag"] == '"1"'
    assert answer.headers["Location"] == f"/v1/webhooks/{created['id']}"
    assert (created["event_types"], created["enabled"], created["version"]) == (
        ["orders.*", "*"],
        True,
        1,
    )
    shown = client.get(f"/v1/webhooks/{created['id']}", headers=admin).json()
    listed = client.get("/v1/webhooks", headers=admin).json()["items"]
    assert "secret" not in shown
    assert all("secret" not in item for item in listed)
    assert shown | {"secret": created["secret"]} == created


def test_a_loopback_target_is_refused_by_default(client: TestClient, admin: dict[str, str]) -> None:
    answer = client.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:8080/hook", "event_types": ["*"]},
        headers=admin,
    )

    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    problem = answer.json()
    assert problem["code"] == "webhook-target-refused"
    assert problem["address"] == "127.0.0.1"
    assert problem["errors"] == [
        {
            "field": "url",
            "message": (
                "127.0.0.1 is refused (loopback); webhooks are only sent to public addresses"
            ),
        }
    ]


def test_a_name_is_resolved_and_each_address_vetted(
    client: TestClient, admin: dict[str, str]
) -> None:
    local = client.post(
        "/v1/webhooks", json={"url": "http://localhost/hook", "event_types": ["*"]}, headers=admin
    )
    nowhere = client.post(
        "/v1/webhooks",
        json={"url": "https://nowhere.invalid/hook", "event_types": ["*"]},
        headers=admin,
    )

    assert local.status_code == nowhere.status_code == 422
    assert local.json()["detail"].startswith("localhost resolves to 127.0.0.1 (loopback)")
    assert nowhere.json()["detail"].startswith("nowhere.invalid does not resolve")


def test_the_deployment_may_allow_private_targets(engine: Engine, key_for: KeyMaker) -> None:
    settings = Settings(webhooks_allow_private_targets=True)
    with TestClient(create_app(settings, engine=engine, run_relay=False)) as allowing:
        answer = allowing.post(
            "/v1/webhooks",
            json={"url": "http://127.0.0.1:8080/hook", "event_types": ["*"]},
            headers=key_for("admin"),
        )

    assert answer.status_code == 201, answer.text


def test_a_pattern_that_matches_no_registered_type_is_named(
    client: TestClient, admin: dict[str, str]
) -> None:
    answer = client.post(
        "/v1/webhooks",
        json={"url": PUBLIC, "event_types": ["orders.*", "order.*", "orders.order_placed.v9"]},
        headers=admin,
    )

    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "webhook-event-types-invalid"
    assert [e["field"] for e in problem["errors"]] == ["event_types.1", "event_types.2"]
    assert problem["errors"][0]["message"] == "'order.*' matches no registered event type"


def test_a_bad_target_and_bad_patterns_are_reported_together(
    client: TestClient, admin: dict[str, str]
) -> None:
    answer = client.post(
        "/v1/webhooks",
        json={"url": "http://10.0.0.5/hook", "event_types": ["nothing.*"]},
        headers=admin,
    )

    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["event_types.0", "url"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": PUBLIC, "event_types": ["*"], "secret": "mine"}, "secret"),
        ({"url": PUBLIC, "event_types": []}, "event_types"),
        ({"event_types": ["*"]}, "url"),
        ({"url": "https://me:pw@93.184.216.34/", "event_types": ["*"]}, "url"),
        ({"url": "ftp://93.184.216.34/", "event_types": ["*"]}, "url"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, admin: dict[str, str], body: dict[str, Any], field: str
) -> None:
    answer = client.post("/v1/webhooks", json=body, headers=admin)

    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    assert field in [e["field"] for e in answer.json()["errors"]]


def test_endpoints_are_listed_in_pages_in_the_order_registered(
    client: TestClient, admin: dict[str, str]
) -> None:
    ids = [register(client, admin, description=f"n{n}")["id"] for n in range(3)]

    first = client.get("/v1/webhooks?limit=2", headers=admin).json()
    second = client.get(f"/v1/webhooks?limit=2&cursor={first['next_cursor']}", headers=admin).json()

    assert [e["id"] for e in first["items"] + second["items"]] == ids
    assert second["next_cursor"] is None
    tampered = client.get("/v1/webhooks?cursor=bm90LWEtY3Vyc29y", headers=admin)
    assert tampered.status_code == 422


def test_a_change_honours_if_match_and_moves_the_etag(
    client: TestClient, admin: dict[str, str]
) -> None:
    created = register(client, admin)
    url = f"/v1/webhooks/{created['id']}"

    changed = client.patch(
        url,
        json={"event_types": ["fulfilment.*"], "description": "3PL"},
        headers=admin | {"If-Match": '"1"'},
    )
    stale = client.patch(url, json={"description": "late"}, headers=admin | {"If-Match": '"1"'})
    cached = client.get(url, headers=admin | {"If-None-Match": '"2"'})

    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == '"2"'
    assert (changed.json()["event_types"], changed.json()["description"]) == (
        ["fulfilment.*"],
        "3PL",
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale-version"
    assert cached.status_code == 304


def test_a_change_vets_a_new_url(client: TestClient, admin: dict[str, str]) -> None:
    created = register(client, admin)

    answer = client.patch(
        f"/v1/webhooks/{created['id']}",
        json={"url": "http://169.254.169.254/latest/meta-data"},
        headers=admin,
    )

    assert answer.status_code == 422
    assert answer.json()["code"] == "webhook-target-refused"
    assert answer.json()["address"] == "169.254.169.254"


def test_disabling_and_enabling(client: TestClient, admin: dict[str, str]) -> None:
    created = register(client, admin)
    url = f"/v1/webhooks/{created['id']}"

    disabled = client.patch(url, json={"enabled": False}, headers=admin).json()
    enabled = client.patch(url, json={"enabled": True}, headers=admin).json()

    assert (disabled["enabled"], disabled["disabled_reason"]) == (False, "disabled by an admin")
    assert disabled["disabled_at"] is not None
    assert (enabled["enabled"], enabled["disabled_reason"], enabled["disabled_at"]) == (
        True,
        None,
        None,
    )
    assert enabled["version"] == 3


def test_rotating_the_secret_shows_the_new_one_once(
    client: TestClient, admin: dict[str, str]
) -> None:
    created = register(client, admin)

    rotated = client.post(
        f"/v1/webhooks/{created['id']}/secret", headers=admin | {"If-Match": '"1"'}
    )

    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != created["secret"]
    assert rotated.headers["ETag"] == '"2"'


def test_deleting_drops_the_endpoint_and_its_deliveries(
    client: TestClient, admin: dict[str, str], engine: Engine
) -> None:
    created = register(client, admin)
    fan_out_one(engine)

    answer = client.delete(f"/v1/webhooks/{created['id']}", headers=admin)

    assert answer.status_code == 204
    gone = client.get(f"/v1/webhooks/{created['id']}", headers=admin)
    assert gone.status_code == 404
    assert gone.json()["code"] == "webhook-not-found"
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(webhook_deliveries)).scalar_one() == 0
    assert client.delete(f"/v1/webhooks/{created['id']}", headers=admin).status_code == 404


@pytest.fixture
def delivered(client: TestClient, admin: dict[str, str], engine: Engine) -> dict[str, Any]:
    """An endpoint for orders' events and the delivery of one order placed (pending)."""
    created = register(client, admin)
    envelope = fan_out_one(engine)
    return {"webhook": created, "event_id": str(envelope.event_id)}


def test_an_endpoints_deliveries_are_listed_with_their_state(
    client: TestClient, admin: dict[str, str], delivered: dict[str, Any]
) -> None:
    url = f"/v1/webhooks/{delivered['webhook']['id']}/deliveries"

    listed = client.get(url, headers=admin).json()
    none_succeeded = client.get(f"{url}?status=succeeded", headers=admin).json()
    by_type = client.get(f"{url}?event_type=orders.order_placed.v1", headers=admin).json()

    (item,) = listed["items"]
    assert item["event_id"] == delivered["event_id"]
    assert (item["event_type"], item["status"], item["attempts"]) == (
        "orders.order_placed.v1",
        "pending",
        0,
    )
    assert item["next_attempt_at"] is not None
    assert none_succeeded["items"] == []
    assert [d["id"] for d in by_type["items"]] == [item["id"]]
    assert client.get(f"{url}?status=lost", headers=admin).status_code == 422


def test_a_delivery_shows_its_body_and_attempts(
    client: TestClient, admin: dict[str, str], delivered: dict[str, Any]
) -> None:
    url = f"/v1/webhooks/{delivered['webhook']['id']}/deliveries"
    (item,) = client.get(url, headers=admin).json()["items"]

    detail = client.get(f"{url}/{item['id']}", headers=admin).json()

    assert detail["history"] == []
    body = detail["body"]
    assert (body["id"], body["type"], body["version"]) == (
        delivered["event_id"],
        "orders.order_placed.v1",
        1,
    )
    assert body["aggregate"]["type"] == "order"
    assert body["data"] == example_event(OrderPlaced).payload()


def test_a_replay_queues_the_delivery_again(
    client: TestClient, admin: dict[str, str], delivered: dict[str, Any]
) -> None:
    url = f"/v1/webhooks/{delivered['webhook']['id']}/deliveries"
    (item,) = client.get(url, headers=admin).json()["items"]

    replayed = client.post(f"{url}/{item['id']}/replay", headers=admin)
    missing = client.post(f"{url}/{new_id()}/replay", headers=admin)

    assert replayed.status_code == 202, replayed.text
    assert (replayed.json()["status"], replayed.json()["event_id"]) == (
        "pending",
        delivered["event_id"],
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "webhook-delivery-not-found"


def test_deliveries_of_an_unknown_endpoint_are_a_404(
    client: TestClient, admin: dict[str, str]
) -> None:
    answer = client.get(f"/v1/webhooks/{new_id()}/deliveries", headers=admin)

    assert answer.status_code == 404
    assert answer.json()["code"] == "webhook-not-found"


def test_only_who_may_manage_webhooks_sees_them(client: TestClient, key_for: KeyMaker) -> None:
    for role in ("csr", "finance", "marketing", "warehouse"):
        headers = key_for(role)
        assert client.get("/v1/webhooks", headers=headers).status_code == 403
        refused = client.post(
            "/v1/webhooks", json={"url": PUBLIC, "event_types": ["*"]}, headers=headers
        )
        assert refused.status_code == 403
    assert client.get("/v1/webhooks").status_code == 401
