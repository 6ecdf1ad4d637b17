"""The services fulfilment calls, on an in-memory unit of work: each loads the order, calls one
transition, posts the stock it moved, saves, and commits the order's events with it."""

from __future__ import annotations

from typing import Any

import pytest

from oms import inventory, orders
from oms.channels import ChannelKind
from oms.inventory.domain import StockLevel
from oms.inventory.repository import STOCK
from oms.orders.domain import OrderOnHold
from oms.orders.domain.events import OrderCompleted, OrderRerouted, UnitsDelivered, UnitsShipped
from oms.orders.repository import ORDERS
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.clock import FixedClock
from tests import builders
from tests.unit.doubles.catalog import catalog_doubles
from tests.unit.doubles.channels import channel_doubles
from tests.unit.doubles.customers import customer_doubles
from tests.unit.doubles.inventory import InMemoryStock, inventory_doubles
from tests.unit.doubles.orders import NOW, InMemoryOrders, order_doubles
from tests.unit.doubles.pricing import pricing_doubles
from tests.unit.doubles.sourcing import sourcing_doubles


class Shop:
    def __init__(self) -> None:
        doubles: dict[str, Any] = {
            **channel_doubles(),
            **catalog_doubles(),
            **customer_doubles(),
            **pricing_doubles(),
            **inventory_doubles(),
            **order_doubles(),
            **sourcing_doubles(),
        }
        self.uow = FakeUnitOfWork(doubles, clock=FixedClock(NOW))
        self.saved: InMemoryOrders = doubles[ORDERS.name]
        self.stock: InMemoryStock = doubles[STOCK.name]
        self.locations = {code: builders.location(self.uow, code).id for code in ("wh-de", "wh-2")}
        builders.channel(self.uow, "web", locations=("wh-de", "wh-2"))
        builders.channel(self.uow, "mkt", kind=ChannelKind.MARKETPLACE, locations=("wh-de", "wh-2"))
        builders.pricing(self.uow)
        self.variant = builders.product(self.uow, "TS-1", prices={"web": "10", "mkt": "10"})
        for location, units in (("wh-de", 3), ("wh-2", 5)):
            inventory.receive_stock(
                inventory.ReceiveStock(sku="TS-1", location=location, quantity=units, actor="t"),
                uow=self.uow,
            )

    def level(self, location: str) -> StockLevel:
        return self.stock.stored_levels[(self.variant.variants[0].id, self.locations[location])]

    def place(self, units: int, channel: str = "web") -> orders.Order:
        return orders.place_order(
            orders.PlaceOrder(
                channel=channel,
                customer=orders.CustomerDetails(email="ada@example.com", name="Ada"),
                shipping_address=builders.ADDRESSES["DE"],
                lines=(orders.NewLine(sku="TS-1", quantity=units),),
                actor="web",
            ),
            uow=self.uow,
        ).order

    def committed_since(self, start: int) -> list[type[object]]:
        return [
            type(e)
            for e in self.uow.committed[start:]
            if type(e).__module__.startswith("oms.orders")
        ]


@pytest.fixture
def shop() -> Shop:
    return Shop()


def test_shipping_saves_the_order_and_takes_the_units_off_the_shelf(shop: Shop) -> None:
    order = shop.place(2)
    start = len(shop.uow.committed)
    shipped = orders.ship_units(
        order.id,
        location="wh-de",
        units={order.lines[0].id: 2},
        reference="S-1",
        actor="wh",
        uow=shop.uow,
    )
    assert shop.saved.stored[order.id] == shipped
    assert (shop.level("wh-de").on_hand, shop.level("wh-de").allocated) == (1, 0)
    assert shop.committed_since(start) == [UnitsShipped]


def test_a_held_order_ships_nothing_and_saves_nothing(shop: Shop) -> None:
    order = shop.place(1)
    orders.place_hold(
        orders.PlaceHold(order_id=order.id, reason=orders.HoldReason.MANUAL, actor="csr"),
        uow=shop.uow,
    )
    version = shop.saved.stored[order.id].version
    with pytest.raises(OrderOnHold):
        orders.ship_units(
            order.id,
            location="wh-de",
            units={order.lines[0].id: 1},
            reference="S-1",
            actor="wh",
            uow=shop.uow,
        )
    assert shop.saved.stored[order.id].version == version
    assert shop.level("wh-de").on_hand == 3


def test_the_last_delivery_of_a_marketplace_order_completes_it(shop: Shop) -> None:
    order = shop.place(1, channel="mkt")
    line = order.lines[0].id
    orders.ship_units(
        order.id, location="wh-de", units={line: 1}, reference="S-1", actor="wh", uow=shop.uow
    )
    start = len(shop.uow.committed)
    done = orders.deliver_units(
        order.id, units={line: 1}, how="delivered", actor="carrier", uow=shop.uow
    )
    assert done.status is orders.OrderStatus.COMPLETED
    assert shop.committed_since(start) == [UnitsDelivered, OrderCompleted]
    assert [e.kind for e in shop.saved.entries[order.id]][-2:] == ["delivered", "completed"]


def test_rerouting_moves_the_stock_with_the_allocations(shop: Shop) -> None:
    order = shop.place(2)
    start = len(shop.uow.committed)
    moved = orders.reroute_order(
        order.id, lines=None, away_from=["wh-de"], reason="damaged", actor="csr", uow=shop.uow
    )
    assert [(a.location, a.quantity) for a in moved.allocations] == [("wh-2", 2)]
    assert (shop.level("wh-de").allocated, shop.level("wh-2").allocated) == (0, 2)
    assert shop.committed_since(start) == [OrderRerouted]
    assert [e.kind for e in shop.saved.entries[order.id]][-2:] == ["rerouted", "sourced"]


def test_a_note_is_kept_without_a_new_version(shop: Shop) -> None:
    order = shop.place(1)
    orders.note_on_timeline(
        order.id, kind="label_printed", summary="label", details={}, actor="wh", uow=shop.uow
    )
    assert shop.saved.stored[order.id].version == 1
    assert shop.saved.entries[order.id][-1].kind == "label_printed"
