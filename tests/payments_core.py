"""What the payments core's tests share: a shop with one product, orders placed in it, the
providers a deployment without Stripe has, and the ledger's sums read back with SQL."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from sqlalchemy import Engine, func, select

from oms import inventory, orders, payments
from oms.payments.tables.ledger import payment_transactions
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from oms.shared.money import Money
from tests import builders

SKU = "PAY-1"
ADDRESS = Address(
    name="Ada Lovelace", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
)


def open_shop(uow: UnitOfWork, *, channel: str = "web") -> None:
    """A channel selling one product at 10.00 EUR with plenty of stock (free shipping over 60)."""
    builders.location(uow, "wh-de")
    builders.channel(uow, channel, locations=("wh-de",))
    builders.pricing(uow)
    builders.product(uow, SKU, prices={channel: "10.00"})
    inventory.receive_stock(
        inventory.ReceiveStock(sku=SKU, location="wh-de", quantity=100_000, actor="test"), uow=uow
    )


def place(uow: UnitOfWork, quantity: int = 10, *, channel: str = "web") -> orders.Order:
    """An order of ``quantity`` units (10 units: 100.00 EUR, shipping free)."""
    return orders.place_order(
        orders.PlaceOrder(
            channel=channel,
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=ADDRESS,
            lines=(orders.NewLine(sku=SKU, quantity=quantity),),
            actor="test",
        ),
        uow=uow,
    ).order


def providers(uow: UnitOfWork) -> Mapping[payments.ProviderName, payments.PaymentProvider]:
    return payments.build_providers(Settings(), uow)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def ledger_sum(engine: Engine, order_id: UUID, kind: str) -> int:
    """Minor units of the order's succeeded transactions of ``kind``, summed by the database."""
    t = payment_transactions
    with engine.connect() as c:
        total = c.execute(
            select(func.coalesce(func.sum(t.c.amount_minor), 0)).where(
                t.c.order_id == order_id, t.c.kind == kind, t.c.status == "succeeded"
            )
        ).scalar_one()
    return int(total)
