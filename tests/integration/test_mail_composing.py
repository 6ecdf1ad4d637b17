"""Composing customer mail from real orders on SQLite and PostgreSQL: what each kind reads
through the other contexts' public interfaces, in the customer's language, with the
attachments it carries (or ``NotReady`` while they are not there yet)."""

from __future__ import annotations

import pytest

from oms import catalog, inventory, orders
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.mail import ComposedMail, MailRequest
from oms.notifications.domain.settings import MailSettings
from oms.notifications.services.mail.composing import compose_mail
from oms.notifications.views import MailTemplates
from oms.platform.unit_of_work import UnitOfWork
from tests import builders

K = NotificationKind
TEMPLATES = MailTemplates.load(None)


@pytest.fixture
def shop(uow: UnitOfWork) -> UnitOfWork:
    """A Hamburg warehouse serving the web shop; a T-shirt (translated into German and
    Chinese) and a hoodie in stock there."""
    builders.location(uow, "wh-de", "DE")
    builders.channel(uow, "web", locations=("wh-de",), name="Northwind Web")
    builders.pricing(uow)
    builders.product(
        uow,
        "TS-1",
        prices={"web": "20.00"},
        name="T-shirt",
        translations={
            "de": catalog.Translation(name="T-Shirt"),
            "zh": catalog.Translation(name="T恤"),
        },
    )
    builders.product(uow, "HD-1", prices={"web": "45.00"}, name="Hoodie")
    for sku in ("TS-1", "HD-1"):
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location="wh-de", quantity=10, actor="setup"), uow=uow
        )
    return uow


def placed(uow: UnitOfWork, *lines: tuple[str, int], locale: str = "de") -> orders.Order:
    return orders.place_order(
        orders.PlaceOrder(
            channel="web",
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
    assert "2 × T-Shirt (TS-1)  40,00\xa0€" in mail.text
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
    assert "1 × T恤 (TS-1)  €20.00" in mail.text
    assert "德国" in mail.text
