"""A channel's tracking-page brand through the channels API, stored by the migration's columns."""

from __future__ import annotations

from fastapi.testclient import TestClient

from oms import channels
from oms.platform.unit_of_work import UnitOfWork
from tests import builders

BRAND = {
    "name": "Nordlicht",
    "logo_url": "https://cdn.example/logo.svg",
    "primary_colour": "#0A7D5A",
    "accent_colour": "#ffcc00",
}


def test_a_brand_is_set_by_patch_shown_on_the_channel_and_replaced_whole(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    builders.channel(uow, "web")
    assert client.get("/v1/channels/web", headers=admin).json()["brand"] == {
        "name": None,
        "logo_url": None,
        "primary_colour": None,
        "accent_colour": None,
    }
    patched = client.patch("/v1/channels/web", json={"brand": BRAND}, headers=admin)
    assert patched.status_code == 200, patched.text
    assert patched.json()["brand"] == BRAND | {"primary_colour": "#0a7d5a"}
    assert channels.get_channel("web", uow=uow).brand.primary_colour == "#0a7d5a"
    cleared = client.patch("/v1/channels/web", json={"brand": {"name": "N"}}, headers=admin)
    assert cleared.json()["brand"] == {
        "name": "N",
        "logo_url": None,
        "primary_colour": None,
        "accent_colour": None,
    }
    kept = client.patch("/v1/channels/web", json={"name": "Web"}, headers=admin)
    assert kept.json()["brand"]["name"] == "N"


def test_a_plain_http_logo_or_a_named_colour_is_a_422_naming_the_field(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    builders.channel(uow, "web")
    for brand, field in (
        ({"logo_url": "http://cdn.example/logo.svg"}, "brand.logo_url"),
        ({"logo_url": "https:///logo.svg"}, "brand.logo_url"),
        ({"primary_colour": "red"}, "brand.primary_colour"),
    ):
        refused = client.patch("/v1/channels/web", json={"brand": brand}, headers=admin)
        assert refused.status_code == 422, refused.text
        assert field in [error["field"] for error in refused.json()["errors"]], refused.text
    assert channels.get_channel("web", uow=uow).version == 1


def test_a_channel_is_created_with_its_brand(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    body = {
        "code": "app",
        "name": "App",
        "kind": "mobile",
        "currency": "EUR",
        "default_locale": "de-DE",
        "brand": {"name": "Nordlicht App"},
    }
    created = client.post("/v1/channels", json=body, headers=admin | {"Idempotency-Key": "b1"})
    assert created.status_code == 201, created.text
    assert channels.get_channel("app", uow=uow).brand.name == "Nordlicht App"
