"""The demo merchant's customer mail: who sends it per channel, in which colours, and one
customer who reads Chinese.

- The web shop, the app and the call centre write as "Northwind Outfitters" from
  ``shop@northwind-outfitters.example`` (replies to customer service), in the brand's green.
- The Paris till and kiosk write as "Northwind Paris" in the store's own colour.
- The marketplace sends nothing: Amazon mails its own buyers, and a merchant writing to them
  breaks its rules. Its orders' mails are recorded as skipped (``kind_disabled``).

With no ``OMS_SMTP_HOST`` (the demo's case) the worker of ``oms serve`` writes every mail as an
``.eml`` file into ``./mail``: the German walk customer's confirmation, shipping and delivery
(``docs/returns.md``), the other customers' in French, Spanish or English, and Li Wei's in
Chinese (``CHINESE_ORDER``).
"""

from __future__ import annotations

from collections.abc import Sequence

from oms import orders
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.services.mail.channel_settings import SetMailSettings, set_mail_settings
from oms.orders.pricing import ShippingMethod
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address

ACTOR = "demo loader"
SHOP = {
    "sender_name": "Northwind Outfitters",
    "sender_address": "shop@northwind-outfitters.example",
    "reply_to": "service@northwind-outfitters.example",
    "brand_colour": "#0b6e4f",
}
PARIS = {
    "sender_name": "Northwind Paris",
    "sender_address": "paris@northwind-outfitters.example",
    "reply_to": "paris@northwind-outfitters.example",
    "brand_colour": "#7a2e3a",
}
SENDERS: dict[str, dict[str, str]] = {
    "web": SHOP,
    "app": SHOP,
    "phone": SHOP,
    "pos": PARIS,
    "kiosk": PARIS,
    "marketplace": SHOP,
}
SILENT = ("marketplace",)
"""Channels whose buyers hear from the marketplace, not from the merchant."""

CHINESE_BUYER = orders.CustomerDetails(
    email="li.wei@example.com", name="李伟", phone="+49 30 1234567", locale="zh"
)
CHINESE_ADDRESS = Address(
    name="李伟", line1="Kantstraße 80", city="Berlin", postal_code="10627", country="DE"
)


def apply_mail_settings(uow: UnitOfWork) -> None:
    """Give every demo channel its sender and brand, through the same service as ``PUT
    /v1/channels/{code}/notification-settings``; in the caller's transaction."""
    for channel, sender in SENDERS.items():
        enabled = frozenset() if channel in SILENT else frozenset(NotificationKind)
        set_mail_settings(
            SetMailSettings(
                channel=channel,
                enabled=enabled,
                sender_name=sender["sender_name"],
                sender_address=sender["sender_address"],
                reply_to=sender["reply_to"],
                brand_colour=sender["brand_colour"],
                logo_url=None,
                expected=None,
                actor=ACTOR,
            ),
            uow=uow,
        )


CHINESE_SKU = "NW-TSH-WHI-M"


def place_chinese_order(uow: UnitOfWork, skus: Sequence[str]) -> orders.Order:
    """Li Wei, who reads Chinese, buys a white T-shirt on the web shop for home in Berlin: the
    demo's mail in Chinese (the product's name too: the catalogue translates it)."""
    sku = CHINESE_SKU if CHINESE_SKU in skus else skus[0]
    return orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=CHINESE_BUYER,
            shipping_address=CHINESE_ADDRESS,
            lines=(orders.NewLine(sku=sku, quantity=1),),
            shipping_method=ShippingMethod.STANDARD,
            actor=ACTOR,
        ),
        uow=uow,
    ).order
