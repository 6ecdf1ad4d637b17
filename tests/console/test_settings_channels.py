"""Settings › channels: opening a channel, its general and payment settings, its customer mail
and its return policy, through the pages as an admin would; refused input comes back with the
messages next to the fields and what was typed; roles without the permission are refused."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from oms import channels
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.services.mail import channel_settings
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.values import ReturnReason
from oms.returns.services import policies
from oms.shared.money import Money
from tests import builders
from tests.console.conftest import StaffFor

NEW_CHANNEL = {
    "code": "web-fr",
    "name": "Boutique France",
    "kind": "web",
    "currency": "eur",
    "default_locale": "fr_FR",
    "locations": "wh-de, store-fr",
    "prices_include_tax": "on",
    "active": "on",
    "payment_before_confirmation": "on",
    "capture": "at_shipment",
    "invoice_on": "shipment",
}


def setup_locations(uow: UnitOfWork) -> None:
    builders.location(uow, "wh-de")
    builders.location(uow, "store-fr", country="FR")


def field_error(page: str, name: str) -> str:
    """The message shown next to the input ``name``."""
    found = re.search(rf'<small id="e-{re.escape(name)}" class="error">([^<]*)</small>', page)
    assert found, f"no message next to {name}"
    return html.unescape(found.group(1))


def test_an_admin_opens_a_channel_and_finds_it_listed_with_its_settings(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    setup_locations(uow)
    admin = staff_for("admin")
    answer = admin.post("/console/settings/channels", NEW_CHANNEL)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/console/settings/channels/web-fr?done=created"
    channel = channels.get_channel("web-fr", uow=uow)
    assert channel.name == "Boutique France"
    assert channel.currency == "EUR"
    assert channel.location_codes == ("wh-de", "store-fr")
    assert channel.payment_before_confirmation is True
    assert channel.capture is channels.CaptureMode.AT_SHIPMENT
    assert channel.invoice_on is channels.InvoiceOn.SHIPMENT
    assert channel.allows_backorders is False

    listed = admin.get("/console/settings/channels")
    assert listed.status_code == 200
    assert "Boutique France" in listed.text
    assert 'href="/console/settings/channels/web-fr"' in listed.text
    page = admin.get(answer.headers["location"])
    assert page.status_code == 200
    assert "Channel created." in page.text
    assert 'value="wh-de, store-fr"' in page.text
    assert '<option value="at_shipment" selected>' in page.text


def test_a_bad_channel_is_refused_with_messages_next_to_its_fields_and_the_typed_values(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    setup_locations(uow)
    admin = staff_for("admin")
    bad = {**NEW_CHANNEL, "code": "Web FR", "currency": "EURO", "locations": "wh-de, nowhere"}
    answer = admin.post("/console/settings/channels", bad)
    assert answer.status_code == 422
    assert "lowercase letters" in field_error(answer.text, "code")
    answer = admin.post("/console/settings/channels", {**bad, "code": "web-fr"})
    assert answer.status_code == 422
    assert "ISO 4217" in field_error(answer.text, "currency")
    assert 'value="Boutique France"' in answer.text
    assert 'value="wh-de, nowhere"' in answer.text
    answer = admin.post("/console/settings/channels", {**bad, "code": "web-fr", "currency": "EUR"})
    assert answer.status_code == 422
    assert "nowhere" in field_error(answer.text, "locations")
    blank = admin.post("/console/settings/channels", {"kind": "web"})
    assert blank.status_code == 422
    assert field_error(blank.text, "name") == "must not be blank"
    builders.channel(uow, "web")
    taken = admin.post("/console/settings/channels", {**NEW_CHANNEL, "code": "web"})
    assert taken.status_code == 409
    assert "already exists" in field_error(taken.text, "code")


def test_general_and_payment_settings_change_on_the_channel_page_from_the_version_read(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    setup_locations(uow)
    builders.channel(uow, "web", locations=("wh-de",))
    admin = staff_for("admin")
    page = admin.get("/console/settings/channels/web")
    assert page.status_code == 200
    assert 'value="Channel web"' in page.text
    general = {
        "version": "1",
        "name": "Web shop",
        "kind": "web",
        "currency": "EUR",
        "default_locale": "de_DE",
        "locations": "store-fr wh-de",
        "allows_backorders": "on",
        "active": "on",
    }
    answer = admin.post("/console/settings/channels/web", general)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/settings/channels/web?done=general"
    channel = channels.get_channel("web", uow=uow)
    assert (channel.name, channel.default_locale) == ("Web shop", "de_DE")
    assert channel.location_codes == ("store-fr", "wh-de")
    assert channel.allows_backorders is True
    assert channel.prices_include_tax is False
    stale = admin.post("/console/settings/channels/web", {**general, "name": "Lost update"})
    assert stale.status_code == 412
    assert "reload" in stale.text
    assert 'value="Lost update"' in stale.text
    assert channels.get_channel("web", uow=uow).name == "Web shop"

    payment = {"version": "2", "capture": "at_shipment", "invoice_on": "capture"}
    answer = admin.post("/console/settings/channels/web/payment", payment)
    assert answer.status_code == 303
    channel = channels.get_channel("web", uow=uow)
    assert channel.capture is channels.CaptureMode.AT_SHIPMENT
    assert channel.payment_before_confirmation is False
    wrong = admin.post(
        "/console/settings/channels/web/payment", {**payment, "version": "3", "capture": "never"}
    )
    assert wrong.status_code == 422
    assert "at_placement" in field_error(wrong.text, "capture")
    assert admin.get("/console/settings/channels/nowhere").status_code == 404
    assert admin.post("/console/settings/channels/nowhere/payment", payment).status_code == 404


def test_customer_mail_settings_are_saved_and_a_bad_address_is_named(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    builders.channel(uow, "web")
    marketing = staff_for("marketing")
    mail = {
        "version": "0",
        "enabled": ["order_confirmation", "order_shipped"],
        "sender_name": "Web shop",
        "sender_address": "shop@example.com",
        "reply_to": "",
        "brand_colour": "#0A7D5A",
        "logo_url": "https://shop.example/logo.png",
    }
    answer = marketing.post("/console/settings/channels/web/notifications", mail)
    assert answer.status_code == 303, answer.text
    settings = channel_settings.get_mail_settings("web", uow=uow)
    assert settings.enabled == {NotificationKind.ORDER_CONFIRMATION, NotificationKind.ORDER_SHIPPED}
    assert (settings.sender_address, settings.reply_to) == ("shop@example.com", None)
    assert settings.brand_colour == "#0a7d5a"
    page = marketing.get("/console/settings/channels/web")
    assert 'value="order_shipped" checked' in page.text
    assert 'value="review_request">' in page.text
    bad = {**mail, "version": "1", "sender_address": "not an address", "brand_colour": "green"}
    refused = marketing.post("/console/settings/channels/web/notifications", bad)
    assert refused.status_code == 422
    assert "mail address" in field_error(refused.text, "sender_address")
    assert "#rrggbb" in field_error(refused.text, "brand_colour")
    assert 'value="not an address"' in refused.text
    assert marketing.post("/console/settings/channels/web", {"name": "x"}).status_code == 403


def test_the_return_policy_is_saved_with_reason_rules_and_product_overrides(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    builders.channel(uow, "web")
    admin = staff_for("admin")
    page = admin.get("/console/settings/channels/web")
    assert "This channel has the default policy." in page.text
    policy = {
        "version": "0",
        "product_rows": "3",
        "window_days": "14",
        "window_from": "shipment",
        "fee_kind": "percent",
        "fee_value": "10",
        "return_shipping_paid_by": "merchant",
        "auto_approve": "on",
        "reasons.damaged.keep_item_under": "5.00",
        "reasons.wrong_size.fee": "on",
        "reasons.wrong_size.auto_approve": "no",
        "products.0.key": "GIFT-CARD",
        "products.0.window_days": "0",
        "products.1.key": "TS-RED-M",
        "products.1.returnable": "on",
        "products.1.fee_kind": "fixed",
        "products.1.fee_value": "2.50",
    }
    answer = admin.post("/console/settings/channels/web/return-policy", policy)
    assert answer.status_code == 303, answer.text
    stored = policies.get_return_policy("web", uow=uow)
    assert (stored.version, stored.window_days, stored.window_from.value) == (1, 14, "shipment")
    assert stored.restocking_fee.percent == Decimal("10")
    assert stored.auto_approve is True
    damaged = stored.reason_rule(ReturnReason.DAMAGED)
    assert damaged.fee is False
    assert damaged.keep_item_under == Money.of("5.00", "EUR")
    assert stored.reason_rule(ReturnReason.WRONG_SIZE).auto_approve is False
    assert stored.product_rule("GIFT-CARD").returnable is False
    assert stored.product_rule("GIFT-CARD").window_days == 0
    assert stored.product_rule("TS-RED-M").restocking_fee is not None
    page = admin.get("/console/settings/channels/web")
    assert 'value="GIFT-CARD"' in page.text

    bad = {
        **policy,
        "version": "1",
        "window_days": "forever",
        "fee_value": "",
        "products.1.fee_value": "2.505",
    }
    refused = admin.post("/console/settings/channels/web/return-policy", bad)
    assert refused.status_code == 422
    assert field_error(refused.text, "window_days") == "must be a whole number"
    assert "enter the fee" in field_error(refused.text, "fee_value")
    assert 'value="forever"' in refused.text
    decimals = admin.post(
        "/console/settings/channels/web/return-policy",
        {
            **policy,
            "version": "1",
            **{"products.1.fee_value": "2.505", "reasons.damaged.keep_item_under": "-1"},
        },
    )
    assert decimals.status_code == 422
    assert "decimal places" in field_error(decimals.text, "products.1.fee_value")
    assert "non-negative" in field_error(decimals.text, "reasons.damaged.keep_item_under")
    assert policies.get_return_policy("web", uow=uow).version == 1


def test_a_csr_reads_a_channel_but_changes_nothing(uow: UnitOfWork, staff_for: StaffFor) -> None:
    builders.channel(uow, "web")
    csr = staff_for("csr")
    page = csr.get("/console/settings/channels/web")
    assert page.status_code == 200
    assert "<fieldset disabled>" in page.text
    assert "Save general settings" not in page.text
    assert "Save return policy" not in page.text
    assert "Open a channel" not in csr.get("/console/settings/channels").text
    for path in ("", "/payment", "/notifications", "/return-policy"):
        answer = csr.post(f"/console/settings/channels/web{path}", {"name": "Taken over"})
        assert answer.status_code == 403, path
    assert csr.post("/console/settings/channels", NEW_CHANNEL).status_code == 403
    assert channels.get_channel("web", uow=uow).name == "Channel web"
    warehouse = staff_for("warehouse")
    assert "Customer mail" not in warehouse.get("/console/settings/channels/web").text


def test_the_tracking_page_brand_is_saved_and_a_bad_logo_is_named(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    builders.channel(uow, "web")
    admin = staff_for("admin")
    brand = {
        "version": "1",
        "brand.name": "Nordlicht",
        "brand.logo_url": "https://shop.example/logo.svg",
        "brand.primary_colour": "#0A7D5A",
        "brand.accent_colour": "",
    }
    answer = admin.post("/console/settings/channels/web/brand", brand)
    assert answer.status_code == 303, answer.text
    saved = channels.get_channel("web", uow=uow).brand
    assert (saved.name, saved.primary_colour, saved.accent_colour) == ("Nordlicht", "#0a7d5a", None)
    page = admin.get("/console/settings/channels/web?done=brand")
    assert "Tracking page brand saved." in page.text
    assert 'value="Nordlicht"' in page.text
    bad = {**brand, "version": "2", "brand.logo_url": "http://shop.example/logo.svg"}
    refused = admin.post(
        "/console/settings/channels/web/brand", {**bad, "brand.accent_colour": "red"}
    )
    assert refused.status_code == 422
    assert "https://" in field_error(refused.text, "brand.logo_url")
    assert "#rrggbb" in field_error(refused.text, "brand.accent_colour")
    assert 'value="http://shop.example/logo.svg"' in refused.text
    assert staff_for("csr").post("/console/settings/channels/web/brand", brand).status_code == 403
    assert channels.get_channel("web", uow=uow).brand.logo_url == "https://shop.example/logo.svg"
