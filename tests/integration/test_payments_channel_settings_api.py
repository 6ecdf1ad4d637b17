"""A channel's payment settings through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from oms import channels
from oms.platform.unit_of_work import UnitOfWork
from tests import builders

Headers = dict[str, str]

DEFAULTS = {
    "payment_before_confirmation": False,
    "capture": "at_placement",
    "invoice_on": "capture",
}


def test_a_new_channel_confirms_without_payment_captures_at_placement_and_invoices_on_capture(
    client: TestClient, admin: Headers, uow: UnitOfWork
) -> None:
    builders.channel(uow, "web")
    shown = client.get("/v1/channels/web", headers=admin).json()
    assert {k: shown[k] for k in DEFAULTS} == DEFAULTS


def test_the_payment_settings_are_patched_with_if_match_and_used_by_the_next_reader(
    client: TestClient, admin: Headers, uow: UnitOfWork
) -> None:
    builders.channel(uow, "web")
    etag = client.get("/v1/channels/web", headers=admin).headers["etag"]
    settings = {
        "payment_before_confirmation": True,
        "capture": "at_shipment",
        "invoice_on": "shipment",
    }
    changed = client.patch("/v1/channels/web", json=settings, headers=admin | {"If-Match": etag})
    assert changed.status_code == 200
    assert {k: changed.json()[k] for k in settings} == settings
    cached = channels.get_channel("web", uow=uow)
    assert cached.payment_before_confirmation is True
    assert cached.capture is channels.CaptureMode.AT_SHIPMENT
    assert cached.invoice_on is channels.InvoiceOn.SHIPMENT
    stale = client.patch(
        "/v1/channels/web", json={"capture": "at_placement"}, headers=admin | {"If-Match": etag}
    )
    assert stale.status_code == 412


def test_a_channel_can_be_opened_with_its_payment_settings(
    client: TestClient, admin: Headers
) -> None:
    body = {
        "code": "call",
        "name": "Call centre",
        "kind": "call_centre",
        "currency": "EUR",
        "default_locale": "de_DE",
        "payment_before_confirmation": True,
        "capture": "at_shipment",
    }
    created = client.post("/v1/channels", json=body, headers=admin | {"Idempotency-Key": "c1"})
    assert created.status_code == 201
    assert created.json()["payment_before_confirmation"] is True
    assert created.json()["capture"] == "at_shipment"
    assert created.json()["invoice_on"] == "capture"


def test_an_unknown_capture_mode_is_a_422_naming_the_field(
    client: TestClient, admin: Headers, uow: UnitOfWork
) -> None:
    builders.channel(uow, "web")
    bad = client.patch("/v1/channels/web", json={"capture": "whenever"}, headers=admin)
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in bad.json()["errors"]] == ["capture"]
    not_a_flag = client.patch(
        "/v1/channels/web", json={"payment_before_confirmation": "maybe"}, headers=admin
    )
    assert not_a_flag.status_code == 422


def test_a_warehouse_key_may_read_but_not_change_the_payment_settings(
    client: TestClient, uow: UnitOfWork, key_for
) -> None:
    builders.channel(uow, "web")
    warehouse = key_for("warehouse")
    assert client.get("/v1/channels/web", headers=warehouse).json()["capture"] == "at_placement"
    refused = client.patch("/v1/channels/web", json={"capture": "at_shipment"}, headers=warehouse)
    assert refused.status_code == 403
