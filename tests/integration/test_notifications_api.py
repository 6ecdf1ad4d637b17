"""The notifications API on SQLite and PostgreSQL: an order's mails (newest first, paged, the
address only to roles that see contacts), a csr's resend (202, sent again by the loop and on
the timeline under the csr's name, 409 when never queued or the pickup code is gone, 422 for a
kind that does not exist, Idempotency-Key replays) and a channel's mail settings with ETag and
If-Match, every bad field named at once."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import fulfilment
from oms.app import tasks
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.handlers.mail import handle_mail_event
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope
from tests.conftest import KeyMaker
from tests.integration.test_notifications_queueing import turn_off
from tests.integration.test_notifications_smtp import (
    ADA,
    Mailbox,
    mailbox,
    notes,
    place,
    rows,
    send,
    shop,
    smtp_settings,
)

__all__ = ["mailbox", "shop"]

SETTINGS = "/v1/channels/web/notification-settings"
PROBLEM = "application/problem+json"


def listed(client: TestClient, headers: dict[str, str], order_id: object, **query: Any) -> Any:
    answer = client.get(f"/v1/orders/{order_id}/notifications", params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def resend(
    client: TestClient, headers: dict[str, str], order_id: object, kind: str, **more: str
) -> Any:
    return client.post(f"/v1/orders/{order_id}/notifications/{kind}/resend", headers=headers | more)


def test_an_orders_mails_are_listed_newest_first_in_pages(
    engine: Engine, shop: UnitOfWork, client: TestClient, admin: dict[str, str], mailbox: Mailbox
) -> None:
    order = place(shop)
    send(engine, smtp_settings(mailbox.port))
    again = resend(client, admin, order.id, "order_confirmation")
    assert again.status_code == 202, again.text

    first = listed(client, admin, order.id, limit=1)
    second = listed(client, admin, order.id, limit=1, cursor=first["next_cursor"])

    (newest,) = first["items"]
    (oldest,) = second["items"]
    assert second["next_cursor"] is None
    assert (newest["status"], newest["resend_of"]) == ("queued", oldest["id"])
    assert (oldest["status"], oldest["kind"], oldest["recipient"]) == (
        "sent",
        "order_confirmation",
        ADA,
    )
    assert oldest["subject"]
    assert oldest["message_id"].startswith("<")
    assert oldest["attempts"] == 1


def test_roles_without_contact_rights_see_no_address_or_subject(
    engine: Engine, shop: UnitOfWork, client: TestClient, key_for: KeyMaker, mailbox: Mailbox
) -> None:
    order = place(shop)
    send(engine, smtp_settings(mailbox.port))

    (seen,) = listed(client, key_for("marketing"), order.id)["items"]
    forbidden = client.get(f"/v1/orders/{order.id}/notifications", headers=key_for("warehouse"))
    missing = client.get(f"/v1/orders/{uuid4()}/notifications", headers=key_for("csr"))

    assert (seen["status"], seen["recipient"], seen["subject"]) == ("sent", None, None)
    assert forbidden.status_code == 403
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


def test_a_csr_resends_a_mail_the_channel_turned_off_and_the_timeline_names_the_csr(
    engine: Engine, shop: UnitOfWork, client: TestClient, key_for: KeyMaker, mailbox: Mailbox
) -> None:
    csr = key_for("csr")
    turn_off(shop, NotificationKind.ORDER_CONFIRMATION)
    order = place(shop)
    tasks.relay(engine).drain()

    answer = resend(client, csr, order.id, "order_confirmation")
    send(engine, smtp_settings(mailbox.port))

    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["status"] == "queued"
    assert body["requested_by"].startswith("api-key:")
    (mail,) = mailbox.received
    skipped, sent = rows(engine)
    assert (skipped.status, sent.status, str(sent.resend_of)) == (
        "skipped",
        "sent",
        str(skipped.id),
    )
    assert mail["Message-ID"] == sent.message_id != skipped.message_id
    entries = [entry for _, entry in notes(shop, order)]
    assert [(e.summary, e.actor) for e in entries] == [
        ("order_confirmation email skipped (en): kind disabled", "system:notifications"),
        ("order_confirmation email sent (en)", body["requested_by"]),
    ]


def test_a_resend_with_an_idempotency_key_queues_once(
    engine: Engine, shop: UnitOfWork, client: TestClient, key_for: KeyMaker
) -> None:
    order = place(shop)
    tasks.relay(engine).drain()
    csr, key = key_for("csr"), {"Idempotency-Key": "resend-1"}

    first = resend(client, csr, order.id, "order_confirmation", **key)
    again = resend(client, csr, order.id, "order_confirmation", **key)

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(rows(engine)) == 2


def test_a_resend_of_what_was_never_queued_or_does_not_exist_is_refused(
    engine: Engine, shop: UnitOfWork, client: TestClient, key_for: KeyMaker
) -> None:
    order = place(shop)
    tasks.relay(engine).drain()

    never = resend(client, key_for("csr"), order.id, "order_shipped")
    unknown = resend(client, key_for("csr"), order.id, "birthday_card")
    not_allowed = resend(client, key_for("finance"), order.id, "order_confirmation")

    assert never.status_code == 409
    assert never.headers["content-type"] == PROBLEM
    assert never.json()["code"] == "notification-never-queued"
    assert "order_shipped" in never.json()["detail"]
    assert unknown.status_code == 422
    assert "kind" in unknown.text
    assert not_allowed.status_code == 403
    assert len(rows(engine)) == 1


def test_a_pickup_mail_whose_code_is_gone_cannot_be_resent(
    engine: Engine, shop: UnitOfWork, client: TestClient, key_for: KeyMaker, mailbox: Mailbox
) -> None:
    order = place(shop)
    turn_off(shop, NotificationKind.READY_FOR_PICKUP)
    ready = fulfilment.ReadyForPickup(
        aggregate_id=uuid4(),
        number=f"{order.number}-F1",
        order_id=order.id,
        location="wh-de",
        occurred_at=shop.clock.now(),
        order_number=order.number,
        pickup_code="482913",
        expires_on=shop.clock.now().date(),
        actor="store",
    )
    handle_mail_event(
        Envelope(event_id=uuid4(), position=1, occurred_at=shop.clock.now(), event=ready),
        uow=shop,
    )
    send(engine, smtp_settings(mailbox.port))

    answer = resend(client, key_for("csr"), order.id, "ready_for_pickup")

    (skipped,) = [r for r in rows(engine) if r.kind == "ready_for_pickup"]
    assert "pickup_code" not in skipped.data
    assert answer.status_code == 409
    assert answer.json()["code"] == "pickup-code-not-kept"
    assert "/pickup-code" in answer.json()["detail"]


def test_a_channels_settings_start_as_the_defaults_at_version_0(
    client: TestClient, shop: UnitOfWork, key_for: KeyMaker
) -> None:
    answer = client.get(SETTINGS, headers=key_for("csr"))

    assert answer.status_code == 200, answer.text
    assert answer.headers["ETag"] == '"0"'
    body = answer.json()
    assert (body["version"], body["sender_address"], body["brand_colour"]) == (0, None, "#1f4e79")
    assert body["enabled"][0] == "order_confirmation"
    assert len(body["enabled"]) == 10


def test_settings_are_replaced_under_if_match_and_a_stale_version_is_refused(
    client: TestClient, shop: UnitOfWork, key_for: KeyMaker
) -> None:
    marketing = key_for("marketing")
    wanted = {
        "enabled": ["order_confirmation", "order_shipped"],
        "sender_name": "Northwind Outfitters",
        "sender_address": "Shop@Northwind.example",
        "reply_to": "service@northwind.example",
        "brand_colour": "#0B6E4F",
        "logo_url": "https://northwind.example/logo.png",
    }

    stored = client.put(SETTINGS, json=wanted, headers=marketing | {"If-Match": '"0"'})
    stale = client.put(SETTINGS, json=wanted, headers=marketing | {"If-Match": '"0"'})
    by_csr = client.put(SETTINGS, json=wanted, headers=key_for("csr"))

    assert stored.status_code == 200, stored.text
    assert stored.headers["ETag"] == '"1"'
    assert stored.json() == {
        "channel": "web",
        "version": 1,
        "enabled": ["order_confirmation", "order_shipped"],
        "sender_name": "Northwind Outfitters",
        "sender_address": "Shop@northwind.example",
        "reply_to": "service@northwind.example",
        "brand_colour": "#0b6e4f",
        "logo_url": "https://northwind.example/logo.png",
    }
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale-version"
    assert by_csr.status_code == 403
    assert client.get(SETTINGS, headers=marketing).json() == stored.json()


def test_every_bad_setting_is_named_at_once(
    client: TestClient, shop: UnitOfWork, admin: dict[str, str]
) -> None:
    answer = client.put(
        SETTINGS,
        json={
            "sender_address": "shop at northwind",
            "reply_to": "@northwind.example",
            "brand_colour": "teal",
            "logo_url": "http://northwind.example/logo.png",
        },
        headers=admin,
    )
    unknown = client.put(
        SETTINGS, json={"enabled": ["birthday_card"], "colour": "x"}, headers=admin
    )
    missing = client.get("/v1/channels/nowhere/notification-settings", headers=admin)

    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    assert {e["field"] for e in answer.json()["errors"]} == {
        "sender_address",
        "reply_to",
        "brand_colour",
        "logo_url",
    }
    assert unknown.status_code == 422
    assert {e["field"] for e in unknown.json()["errors"]} >= {"enabled.0", "colour"}
    assert missing.status_code == 404
    assert client.get(SETTINGS, headers=admin).json()["version"] == 0
