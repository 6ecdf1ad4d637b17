"""A small shop for the money-flow tests (store credit, goodwill refunds, orders moving money):
one warehouse, a EUR web channel, two products in stock, and an order placed by Ada."""

from __future__ import annotations

from typing import Any

from oms import inventory, orders
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from tests import builders

ADDRESS = Address(
    name="Ada Lovelace", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
)
ADDRESS_JSON = {
    "name": "Ada Lovelace",
    "line1": "Invalidenstr. 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}
EMAIL = "ada@example.com"


def open_shop(uow: UnitOfWork, **channel_settings: Any) -> None:
    """wh-de with 50 of TS-1 (20.00) and TS-2 (50.00), sold on ``web`` in EUR (tax included,
    free shipping above 60.00)."""
    builders.location(uow, "wh-de")
    builders.channel(uow, "web", locations=("wh-de",), **channel_settings)
    builders.pricing(uow)
    builders.product(uow, "TS-1", prices={"web": "20.00"})
    builders.product(uow, "TS-2", prices={"web": "50.00"})
    for sku in ("TS-1", "TS-2"):
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location="wh-de", quantity=50, actor="test"), uow=uow
        )


def place(uow: UnitOfWork, *lines: tuple[str, int]) -> orders.Order:
    """Ada's order of ``lines`` (sku, quantity); 3 x TS-1 = 60.00 ships free."""
    return orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email=EMAIL, name="Ada Lovelace"),
            shipping_address=ADDRESS,
            lines=tuple(
                orders.NewLine(sku=sku, quantity=qty) for sku, qty in lines or [("TS-1", 3)]
            ),
            actor="test",
        ),
        uow=uow,
    ).order


def order_json(*lines: tuple[str, int]) -> dict[str, Any]:
    return {
        "channel": "web",
        "customer": {"email": EMAIL, "name": "Ada Lovelace"},
        "shipping_address": ADDRESS_JSON,
        "lines": [{"sku": sku, "quantity": qty} for sku, qty in lines or [("TS-1", 3)]],
    }


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}
