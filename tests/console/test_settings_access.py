"""Settings › API keys, webhooks and staff users through the pages: issued or registered and
listed, the API key's secret shown once (and no other secret ever), revoked, disabled; refused
input named next to its field with what was typed; a csr is refused every one of them."""

from __future__ import annotations

import re

from sqlalchemy import Engine

from oms import auth
from oms.notifications.services.webhooks import endpoints
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.console.conftest import PASSWORD, StaffFor
from tests.console.test_settings_channels import field_error
from tests.integration.test_webhooks_api import PUBLIC, fan_out_one

SECRET = re.compile(r"oms_[A-Za-z0-9_-]{43}")


def test_an_api_key_is_issued_with_its_secret_shown_once_then_revoked(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    builders.location(uow, "wh-de")
    builders.channel(uow, "web", locations=("wh-de",))
    admin = staff_for("admin")
    answer = admin.post(
        "/console/settings/api-keys", {"name": "Storefront", "role": "channel", "channel": "web"}
    )
    assert answer.status_code == 201, answer.text
    assert answer.headers["cache-control"] == "no-store"
    shown = SECRET.findall(answer.text)
    assert len(shown) == 1
    secret = shown[0]
    (key,) = [
        k for k in auth.list_api_keys(uow=uow, after=None, limit=10) if k.name == "Storefront"
    ]
    assert (key.role, key.channel_code) == (auth.Role.CHANNEL, "web")
    assert (
        admin.client.get(
            "/v1/channels/web", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 200
    )
    listed = admin.get("/console/settings/api-keys")
    assert "Storefront" in listed.text
    assert key.display_prefix in listed.text
    assert secret not in listed.text
    assert SECRET.search(listed.text) is None

    revoked = admin.post(f"/console/settings/api-keys/{key.id}/revoke", {})
    assert revoked.status_code == 303
    assert revoked.headers["location"] == "/console/settings/api-keys?done=revoked"
    (revoked_key,) = auth.list_api_keys(uow=uow, after=None, limit=10)
    assert revoked_key.revoked_at is not None
    assert "API key revoked." in admin.get(revoked.headers["location"]).text
    unknown = "00000000-0000-4000-8000-000000000000"
    assert admin.post(f"/console/settings/api-keys/{unknown}/revoke", {}).status_code == 404


def test_a_bad_api_key_is_named_next_to_its_field(uow: UnitOfWork, staff_for: StaffFor) -> None:
    builders.channel(uow, "web")
    admin = staff_for("admin")
    answer = admin.post(
        "/console/settings/api-keys", {"name": "ERP", "role": "csr", "channel": "web"}
    )
    assert answer.status_code == 422
    assert "only channel keys" in field_error(answer.text, "channel")
    assert 'value="ERP"' in answer.text
    assert SECRET.search(answer.text) is None
    answer = admin.post("/console/settings/api-keys", {"name": "", "role": "root"})
    assert answer.status_code == 422
    assert field_error(answer.text, "name") == "must not be blank"
    assert "must be one of" in field_error(answer.text, "role")
    answer = admin.post(
        "/console/settings/api-keys", {"name": "Pick", "role": "warehouse", "location": "nowhere"}
    )
    assert answer.status_code == 422
    assert "nowhere" in field_error(answer.text, "location")
    assert auth.list_api_keys(uow=uow, after=None, limit=10) == []


def test_a_webhook_is_registered_listed_disabled_and_enabled_without_its_secret(
    engine: Engine, uow: UnitOfWork, staff_for: StaffFor
) -> None:
    admin = staff_for("admin")
    hook = {
        "url": PUBLIC,
        "event_types": "orders.*, fulfilment.*",
        "description": "ERP",
        "enabled": "on",
    }
    answer = admin.post("/console/settings/webhooks", hook)
    assert answer.status_code == 303, answer.text
    (endpoint,) = endpoints.list_webhooks(uow=uow, after=None, limit=10)
    assert endpoint.event_types == ("orders.*", "fulfilment.*")
    assert answer.headers["location"] == f"/console/settings/webhooks/{endpoint.id}?done=created"
    fan_out_one(engine)
    page = admin.get(answer.headers["location"])
    assert page.status_code == 200
    assert "orders.order_placed.v1" in page.text
    assert "pending" in page.text
    assert endpoint.secret not in page.text
    assert "whsec_" not in page.text
    listed = admin.get("/console/settings/webhooks")
    assert PUBLIC in listed.text
    assert "whsec_" not in listed.text

    disabled = admin.post(f"/console/settings/webhooks/{endpoint.id}/disable", {})
    assert disabled.status_code == 303
    assert endpoints.get_webhook(endpoint.id, uow=uow).enabled is False
    assert "Enable the endpoint" in admin.get(disabled.headers["location"]).text
    admin.post(f"/console/settings/webhooks/{endpoint.id}/enable", {})
    assert endpoints.get_webhook(endpoint.id, uow=uow).enabled is True
    unknown = "00000000-0000-4000-8000-000000000000"
    assert admin.get(f"/console/settings/webhooks/{unknown}").status_code == 404


def test_a_bad_webhook_names_the_url_and_the_event_types(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    admin = staff_for("admin")
    bad = {"url": "https://127.0.0.1/hook", "event_types": "orders.*, nothing.here.v1"}
    answer = admin.post("/console/settings/webhooks", bad)
    assert answer.status_code == 422
    assert "loopback" in field_error(answer.text, "url")
    assert "matches no registered event type" in field_error(answer.text, "event_types")
    assert 'value="orders.*, nothing.here.v1"' in answer.text
    assert endpoints.list_webhooks(uow=uow, after=None, limit=10) == []


def test_a_staff_user_is_created_listed_and_disabled(uow: UnitOfWork, staff_for: StaffFor) -> None:
    builders.location(uow, "wh-de")
    admin = staff_for("admin")
    user = {
        "email": "Mia@Shop.example",
        "name": "Mia",
        "role": "warehouse",
        "location": "wh-de",
        "locale": "de",
        "password": PASSWORD,
    }
    answer = admin.post("/console/settings/staff", user)
    assert answer.status_code == 303, answer.text
    created = auth.get_staff_user("mia@shop.example", uow=uow)
    assert (created.role, created.location_code, created.locale) == (
        auth.Role.WAREHOUSE,
        "wh-de",
        "de",
    )
    listed = admin.get(answer.headers["location"])
    assert "Staff user created." in listed.text
    assert "Mia@Shop.example" in listed.text
    assert PASSWORD not in listed.text
    taken = admin.post("/console/settings/staff", {**user, "email": "mia@shop.example"})
    assert taken.status_code == 409
    assert "exists already" in field_error(taken.text, "email")

    disabled = admin.post("/console/settings/staff/disable", {"email": "Mia@Shop.example"})
    assert disabled.status_code == 303
    assert auth.get_staff_user("mia@shop.example", uow=uow).active is False
    myself = admin.post("/console/settings/staff/disable", {"email": admin.user.email})
    assert myself.status_code == 422
    assert auth.get_staff_user(admin.user.email, uow=uow).active is True
    unknown = admin.post("/console/settings/staff/disable", {"email": "nobody@shop.example"})
    assert unknown.status_code == 404


def test_a_bad_staff_user_is_named_next_to_its_fields(staff_for: StaffFor) -> None:
    admin = staff_for("admin")
    bad = {
        "email": "not-an-email",
        "name": "Leo",
        "role": "csr",
        "location": "wh-de",
        "locale": "it",
        "password": "short",
    }
    answer = admin.post("/console/settings/staff", bad)
    assert answer.status_code == 422
    assert "not an email address" in field_error(answer.text, "email")
    assert "only warehouse staff" in field_error(answer.text, "location")
    assert "at least 12 characters" in field_error(answer.text, "password")
    assert 'value="Leo"' in answer.text
    assert 'value="short"' not in answer.text, "a password is never sent back"


def test_a_csr_is_refused_api_keys_webhooks_and_staff_users(staff_for: StaffFor) -> None:
    csr = staff_for("csr")
    for path in (
        "/console/settings/api-keys",
        "/console/settings/webhooks",
        "/console/settings/staff",
    ):
        assert csr.get(path).status_code == 403, path
        assert csr.post(path, {"name": "x"}).status_code == 403, path
    assert csr.post("/console/settings/staff/disable", {"email": csr.user.email}).status_code == 403
    index = csr.get("/console/settings")
    assert index.status_code == 200
    assert 'href="/console/settings/api-keys"' not in index.text
    assert 'href="/console/settings/hold-rules"' in index.text
