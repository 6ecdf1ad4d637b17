"""The buyer on a new order is what the caller sent, never what the customer's profile holds.

A channel key that places an order with the email of a customer it never saw learns nothing
about them from the order it gets back: not the stored phone, name or language. The order is
still attached to that customer (one person is one customer); issue 7's hostile client found the
stored phone coming back.
"""

from __future__ import annotations

import pytest

from oms import customers, inventory, orders
from oms.platform.unit_of_work import UnitOfWork
from tests import builders

STORED = customers.CreateCustomer(
    email="Grace@Example.com", name="Grace Hopper", phone="+4930901820", locale="fr"
)


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    builders.location(uow, "wh-de")
    builders.channel(uow, "web", locations=("wh-de",), default_locale="en")
    builders.pricing(uow)
    builders.product(uow, "BY-1", prices={"web": "10.00"})
    inventory.receive_stock(
        inventory.ReceiveStock(sku="BY-1", location="wh-de", quantity=10, actor="test"), uow=uow
    )
    customers.create_customer(STORED, uow=uow)


def place(uow: UnitOfWork, details: orders.CustomerDetails) -> orders.Order:
    return orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=details,
            shipping_address=builders.ADDRESSES["DE"],
            lines=(orders.NewLine(sku="BY-1", quantity=1),),
            actor="web",
        ),
        uow=uow,
    ).order


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(
    ("sent", "phone", "locale"),
    [
        (orders.CustomerDetails(email="grace@example.com", name="G. H."), None, "en"),
        (
            orders.CustomerDetails(
                email=" GRACE@example.COM ", name="Grace", phone="030 1234567", locale="de-DE"
            ),
            "+49301234567",
            "de_DE",
        ),
    ],
)
def test_the_order_names_the_buyer_as_sent_not_as_stored(
    uow: UnitOfWork, sent: orders.CustomerDetails, phone: str | None, locale: str
) -> None:
    profile = customers.list_customers(uow=uow, email=STORED.email)[0]
    placed = place(uow, sent)
    for order in (placed, orders.get_order(placed.id, uow=uow)):
        assert order.buyer.customer_id == profile.id
        assert order.buyer.email == "grace@example.com"
        assert order.buyer.name == sent.name.strip()
        assert (order.buyer.phone, order.buyer.locale) == (phone, locale)
    unchanged = customers.get_customer(profile.id, uow=uow)
    assert (unchanged.name, unchanged.phone) == (STORED.name, STORED.phone)
