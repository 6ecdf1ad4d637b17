"""A channel's return policy over HTTP on SQLite and PostgreSQL: the default at version 0 until
one is set, ``ETag`` = version, a stale ``If-Match`` refused with 412, every bad field named at
once with 422, admins configure and others read."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.conftest import KeyMaker

URL = "/v1/channels/web/return-policy"

POLICY: dict[str, Any] = {
    "window_days": 30,
    "window_from": "delivery",
    "restocking_fee": {"percent": "10"},
    "return_shipping_paid_by": "merchant",
    "refund_original_shipping": False,
    "auto_approve": True,
    "instant_exchange": False,
    "reasons": {
        "damaged": {"fee": False, "keep_item_under": "20.00", "auto_approve": True},
        "changed_mind": {"fee": True, "auto_approve": False},
    },
    "products": {"TS-1": {"returnable": False}, "hoodie": {"window_days": 14}},
}


@pytest.fixture
def channels(uow: UnitOfWork) -> UnitOfWork:
    builders.location(uow, "wh-de", "DE")
    builders.channel(uow, "web", locations=("wh-de",))
    builders.channel(uow, "app", locations=("wh-de",))
    return uow


@pytest.mark.usefixtures("channels")
def test_a_channel_without_a_policy_has_the_default_at_version_0(
    client: TestClient, key_for: KeyMaker
) -> None:
    answer = client.get(URL, headers=key_for("csr"))

    assert answer.status_code == 200, answer.text
    assert answer.headers["ETag"] == '"0"'
    body = answer.json()
    assert (body["version"], body["window_days"], body["window_from"]) == (0, 30, "delivery")
    assert body["restocking_fee"] == {"percent": None, "fixed": None}
    assert body["return_shipping_paid_by"] == "customer"
    assert (body["auto_approve"], body["instant_exchange"]) == (False, False)
    assert body["reasons"]["damaged"]["fee"] is False


@pytest.mark.usefixtures("channels")
def test_an_admin_sets_the_policy_and_its_etag_moves_with_each_version(
    engine: Engine, client: TestClient, admin: dict[str, str]
) -> None:
    first = client.put(URL, json=POLICY, headers=admin)
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == '"1"'
    body = first.json()
    assert body["restocking_fee"] == {"percent": "10", "fixed": None}
    assert body["reasons"]["damaged"] == {
        "fee": False,
        "keep_item_under": "20.00",
        "auto_approve": True,
    }
    assert body["products"]["hoodie"] == {
        "returnable": True,
        "window_days": 14,
        "restocking_fee": None,
    }

    changed = POLICY | {"window_days": 60}
    second = client.put(URL, json=changed, headers=admin | {"If-Match": '"1"'})
    assert second.status_code == 200, second.text
    assert second.headers["ETag"] == '"2"'
    read = client.get(URL, headers=admin)
    assert (read.headers["ETag"], read.json()["window_days"]) == ('"2"', 60)
    with engine.connect() as c:
        types = c.execute(
            select(outbox_table.c.event_type).where(
                outbox_table.c.event_type == "returns.return_policy_changed.v1"
            )
        ).all()
    assert len(types) == 2


@pytest.mark.usefixtures("channels")
def test_a_change_from_a_stale_version_is_refused_with_412(
    client: TestClient, admin: dict[str, str]
) -> None:
    assert client.put(URL, json=POLICY, headers=admin).status_code == 200

    stale = client.put(URL, json=POLICY | {"window_days": 7}, headers=admin | {"If-Match": '"0"'})

    assert stale.status_code == 412, stale.text
    assert stale.json()["code"] == "stale-version"
    assert client.get(URL, headers=admin).json()["window_days"] == 30


@pytest.mark.usefixtures("channels")
def test_every_bad_field_is_named_at_once(client: TestClient, admin: dict[str, str]) -> None:
    bad = POLICY | {
        "restocking_fee": {"percent": "150"},
        "reasons": {"damaged": {"keep_item_under": "20.001"}},
        "products": {"X-1": {"restocking_fee": {"percent": "5", "fixed": "2.00"}}},
    }

    answer = client.put(URL, json=bad, headers=admin)

    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "return-policy-invalid"
    assert [e["field"] for e in answer.json()["errors"]] == [
        "restocking_fee.percent",
        "reasons.damaged.keep_item_under",
        "products.X-1.restocking_fee",
    ]
    assert client.get(URL, headers=admin).json()["version"] == 0


@pytest.mark.usefixtures("channels")
def test_a_malformed_document_is_refused_by_field_at_the_edge(
    client: TestClient, admin: dict[str, str]
) -> None:
    answer = client.put(
        URL,
        json=POLICY | {"window_days": -1, "reasons": {"bored": {}}, "colour": "red"},
        headers=admin,
    )

    assert answer.status_code == 422, answer.text
    assert {e["field"] for e in answer.json()["errors"]} == {
        "window_days",
        "reasons.bored",
        "colour",
    }


@pytest.mark.usefixtures("channels")
def test_only_admins_configure_and_a_channel_key_reads_only_its_own(
    client: TestClient, key_for: KeyMaker
) -> None:
    assert client.put(URL, json=POLICY, headers=key_for("csr")).status_code == 403
    web = key_for("channel", channel="web")
    assert client.get(URL, headers=web).status_code == 200
    assert client.get("/v1/channels/app/return-policy", headers=web).status_code == 404
    assert client.get("/v1/channels/nope/return-policy", headers=key_for("csr")).status_code == 404
