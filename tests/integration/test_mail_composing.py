"""Composing customer mail from real orders on SQLite and PostgreSQL: what each kind reads
through the other contexts' public interfaces, in the customer's language, with the
attachments it carries (or ``NotReady`` while they are not there yet)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from oms import catalog, inventory, orders
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.mail import ComposedMail, MailRequest
from oms.notifications.domain.settings import MailSettings
from oms.notifications.services.mail.composing import compose_mail
from oms.notifications.views import MailNotWritable, MailTemplates
from oms.platform.unit_of_work import UnitOfWork
from tests import builders

K = NotificationKind
TEMPLATES = MailTemplates.load(None)


@pytest.fixture
def shop(uow: UnitOfWork) -> UnitOfWork:
    """A Hamburg warehouse serving the web shop (which sells beyond its stock) and the phone
    line (which takes payment before it confirms); a black T-shirt (translated into German and
    Chinese) and a hoodie, ten of each in stock."""
    builders.location(uow, "wh-de", "DE")
    builders.channel(uow, "web", locations=("wh-de",), name="Northwind Web", allows_backorders=True)
    builders.channel(uow, "phone", locations=("wh-de",), payment_before_confirmation=True)
    builders.pricing(uow)
    builders.product(
        uow,
        prices={"web": "20.00", "phone": "20.00"},
        name="T-shirt",
        option_names=("Colour",),
        variants=(catalog.NewVariant(sku="TS-1", options={"Colour": "Black"}),),
        translations={
            "de": catalog.Translation(name="T-Shirt"),
            "zh": catalog.Translation(name="T恤"),
        },
    )
    builders.product(uow, "HD-1", prices={"web": "45.00", "phone": "45.00"}, name="Hoodie")
    for sku in ("TS-1", "HD-1"):
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location="wh-de", quantity=10, actor="setup"), uow=uow
        )
    return uow


def placed(
    uow: UnitOfWork, *lines: tuple[str, int], locale: str = "de", channel: str = "web"
) -> orders.Order:
    return orders.place_order(
        orders.PlaceOrder(
            channel=channel,
            customer=orders.CustomerDetails(
                email="ada@example.com", name="Ada Lovelace", locale=locale
            ),
            shipping_address=builders.ADDRESSES["DE"],
            lines=tuple(orders.NewLine(sku=sku, quantity=q) for sku, q in lines),
            actor="test",
        ),
        uow=uow,
    ).order


def request(
    kind: NotificationKind, order: orders.Order, locale: str, **fields: object
) -> MailRequest:
    settings = MailSettings(channel="web", sender_name="Northwind", brand_colour="#aa3300")
    values: dict[str, object] = {
        "kind": kind,
        "order_id": order.id,
        "customer_id": order.buyer.customer_id,
        "reference_id": None,
        "locale": locale,
        "settings": settings,
    }
    values.update(fields)
    return MailRequest(**values)  # type: ignore[arg-type]


def compose(mail: MailRequest, uow: UnitOfWork) -> ComposedMail:
    return compose_mail(mail, uow=uow, templates=TEMPLATES)


def test_an_order_confirmation_lists_the_order_in_german(shop: UnitOfWork) -> None:
    order = placed(shop, ("TS-1", 2), ("HD-1", 1))

    mail = compose_mail(
        request(K.ORDER_CONFIRMATION, order, "de_DE"), uow=shop, templates=TEMPLATES
    )

    assert mail.subject == f"Ihre Bestellung {order.number} ist bestätigt"
    assert "Guten Tag Ada Lovelace," in mail.text
    assert "2 × T-Shirt — Black (TS-1)  40,00\xa0€" in mail.text
    assert "1 × Hoodie (HD-1)  45,00\xa0€" in mail.text
    assert "Versand: kostenlos" in mail.text
    assert "Gesamtsumme: 85,00\xa0€" in mail.text
    assert "Lagerstraße 5" in mail.text
    assert "Deutschland" in mail.text
    assert "background-color: #aa3300" in mail.html
    assert "T-Shirt" in mail.html
    assert "85,00&nbsp;€" in mail.html
    assert mail.attachments == ()


def test_an_order_confirmation_in_chinese_uses_the_chinese_names_and_formats(
    shop: UnitOfWork,
) -> None:
    order = placed(shop, ("TS-1", 1), locale="zh")

    mail = compose_mail(
        request(K.ORDER_CONFIRMATION, order, "zh_CN"), uow=shop, templates=TEMPLATES
    )

    assert mail.subject == f"您的订单 {order.number} 已确认"
    assert "1 × T恤 — Black (TS-1)  €20.00" in mail.text
    assert "德国" in mail.text


def test_an_order_waiting_for_payment_says_what_is_due(shop: UnitOfWork) -> None:
    order = placed(shop, ("HD-1", 1), locale="fr", channel="phone")
    assert order.on_hold

    mail = compose(request(K.PAYMENT_PENDING, order, "fr"), shop)

    assert mail.subject == f"Votre commande {order.number} est en attente de paiement"
    assert "Montant à régler\xa0: 49,90\xa0€" in mail.text
    assert "1 × Hoodie (HD-1)  45,00\xa0€" in mail.text


def test_a_backorder_lists_only_the_units_that_wait_for_stock(shop: UnitOfWork) -> None:
    order = placed(shop, ("TS-1", 12), ("HD-1", 1), locale="es")

    mail = compose(request(K.BACKORDER_DELAYED, order, "es"), shop)

    assert mail.subject == f"Parte de tu pedido {order.number} tardará un poco más"
    waiting = mail.text.split("en este momento:")[1].split("Te los enviaremos")[0]
    assert waiting.strip() == "2 × T-shirt — Black (TS-1)"


def test_a_backorder_filled_before_its_mail_went_out_is_not_written(shop: UnitOfWork) -> None:
    order = placed(shop, ("TS-1", 11))
    inventory.receive_stock(
        inventory.ReceiveStock(sku="TS-1", location="wh-de", quantity=5, actor="setup"), uow=shop
    )
    orders.allocate_backorders(order.lines[0].variant_id, uow=shop)

    with pytest.raises(MailNotWritable, match="waits for stock any more"):
        compose(request(K.BACKORDER_DELAYED, order, "de"), shop)


def test_a_review_request_names_the_items_without_prices(shop: UnitOfWork) -> None:
    order = placed(shop, ("TS-1", 1), ("HD-1", 2), locale="zh_CN")

    mail = compose(request(K.REVIEW_REQUEST, order, "zh_CN"), shop)

    assert mail.subject == f"您对订单 {order.number} 满意吗？"
    assert "  1 × T恤 — Black (TS-1)\n  2 × Hoodie (HD-1)\n" in mail.text
    assert "€" not in mail.text
    assert "退订" in mail.text


def test_a_channel_without_a_sender_name_signs_with_its_own_name(shop: UnitOfWork) -> None:
    order = placed(shop, ("TS-1", 1), locale="en")
    anonymous = replace(
        request(K.ORDER_CONFIRMATION, order, "en"), settings=MailSettings(channel="web")
    )

    mail = compose(anonymous, shop)

    assert "Northwind Web · This email is about your order" in mail.text


def test_a_mail_about_an_order_that_names_none_is_not_written(shop: UnitOfWork) -> None:
    order = placed(shop, ("TS-1", 1))

    with pytest.raises(MailNotWritable, match="names none"):
        compose(replace(request(K.ORDER_SHIPPED, order, "de"), order_id=None), shop)
