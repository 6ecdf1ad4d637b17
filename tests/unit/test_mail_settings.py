"""A channel's mail settings as a merchant sets them: every bad field named at once, the From
header's name and address with the deployment's fallback."""

from __future__ import annotations

import pytest

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.settings import MailSettings
from oms.shared.errors import Invalid


def checked(**changes: object) -> MailSettings:
    fields: dict[str, object] = {
        "enabled": [NotificationKind.ORDER_CONFIRMATION],
        "sender_name": "Northwind Outfitters",
        "sender_address": "shop@northwind.example",
        "reply_to": "service@northwind.example",
        "brand_colour": "#0B6E4F",
        "logo_url": "https://northwind.example/logo.png",
        "version": 3,
    }
    fields.update(changes)
    return MailSettings.checked("web", **fields)  # type: ignore[arg-type]


def test_good_settings_are_kept_with_the_colour_in_lower_case() -> None:
    settings = checked()
    assert settings.enabled == frozenset({NotificationKind.ORDER_CONFIRMATION})
    assert (settings.brand_colour, settings.version) == ("#0b6e4f", 3)
    assert settings.sender("oms <orders@localhost>") == (
        "Northwind Outfitters",
        "shop@northwind.example",
    )


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(Invalid) as refused:
        checked(
            sender_name="Northwind\r\nBcc: everyone@example.com",
            sender_address="not an address",
            reply_to="also@",
            brand_colour="green",
            logo_url="http://northwind.example/logo.png",
        )
    assert [p.field for p in refused.value.problems] == [
        "sender_name",
        "sender_address",
        "reply_to",
        "brand_colour",
        "logo_url",
    ]


@pytest.mark.parametrize(
    "logo",
    ["javascript:alert(1)", "https://", "https://user:secret@cdn.example/logo.png", "ftp://x.y/z"],
)
def test_the_logo_must_be_an_https_address_of_a_host(logo: str) -> None:
    with pytest.raises(Invalid) as refused:
        checked(logo_url=logo)
    assert [p.field for p in refused.value.problems] == ["logo_url"]


def test_without_a_sender_of_its_own_the_channel_sends_as_the_deployment() -> None:
    default = MailSettings.default("web")
    assert default.sender("Northwind <orders@northwind.example>") == (
        "Northwind",
        "orders@northwind.example",
    )
    named = MailSettings(channel="web", sender_name="Northwind Paris")
    assert named.sender("oms <orders@northwind.example>") == (
        "Northwind Paris",
        "orders@northwind.example",
    )
    assert default.enabled == frozenset(NotificationKind)
