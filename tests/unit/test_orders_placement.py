"""Placing, sourcing, backorders, cancellations and edits on an in-memory unit of work.

Every context the use cases reach (channels, catalog, customers, pricing, inventory) answers
through its ports' doubles (``tests/unit/doubles``), and the shop is set up through the real
services of those contexts, so these tests walk the same code as the integration tests, without
a database. Races, locks and statement counts are the integration tests' part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest

from oms import customers, inventory, orders
from oms.channels import ChannelKind
from oms.inventory.domain import Key, StockLevel
from oms.inventory.repository import STOCK
from oms.orders.domain import HoldRule, InsufficientStock, Order, OrderStatus
from oms.orders.domain.changes import AddLine, ChangeQuantity
from oms.orders.domain.commands import SetHoldRule
from oms.orders.domain.events import (
    BackorderAllocated,
    OrderCancelled,
    OrderChanged,
    OrderConfirmed,
    OrderHeld,
    OrderPlaced,
)
from oms.orders.repository import ORDERS
from oms.orders.services import set_hold_rule
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.money import Money
from tests import builders
from tests.unit.doubles.catalog import catalog_doubles
from tests.unit.doubles.channels import channel_doubles
from tests.unit.doubles.customers import customer_doubles
from tests.unit.doubles.inventory import InMemoryStock, inventory_doubles
from tests.unit.doubles.orders import NOW, InMemoryOrders, order_doubles
from tests.unit.doubles.pricing import pricing_doubles
from tests.unit.doubles.sourcing import sourcing_doubles


@dataclass
class Shop:
    """A web channel that refuses what is not in stock, an app channel that backorders it;
    two warehouses; T-shirts (TS-1, 10 EUR) and hoodies (HD-1, 40 EUR)."""

    uow: FakeUnitOfWork
    saved: InMemoryOrders
    stock: InMemoryStock
    locations: dict[str, UUID]
    variants: dict[str, UUID]

    def level(self, sku: str, location: str) -> StockLevel:
        key: Key = (self.variants[sku], self.locations[location])
        return self.stock.stored_levels[key]

    def receive(self, sku: str, location: str, units: int) -> None:
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location=location, quantity=units, actor="test"),
            uow=self.uow,
        )

    def place(
        self, channel: str, *lines: tuple[str, int], external_id: str | None = None, **buyer: Any
    ) -> orders.Placement:
        details = {"email": "ada@example.com", "name": "Ada Lovelace", **buyer}
        return orders.place_order(
            orders.PlaceOrder(
                channel=channel,
                customer=orders.CustomerDetails(**details),
                shipping_address=builders.ADDRESSES["DE"],
                lines=tuple(orders.NewLine(sku=sku, quantity=units) for sku, units in lines),
                external_id=external_id,
                actor=channel,
            ),
            uow=self.uow,
        )

    def events_since(self, start: int) -> list[type[object]]:
        return [
            type(e)
            for e in self.uow.committed[start:]
            if type(e).__module__.startswith("oms.orders")
        ]


@pytest.fixture
def shop() -> Shop:
    doubles: dict[str, Any] = {
        **channel_doubles(),
        **catalog_doubles(),
        **customer_doubles(),
        **pricing_doubles(),
        **inventory_doubles(),
        **sourcing_doubles(),
        **order_doubles(),
    }
    uow = FakeUnitOfWork(doubles, clock=FixedClock(NOW))
    locations = {code: builders.location(uow, code).id for code in ("wh-de", "wh-2")}
    builders.channel(uow, "web", locations=("wh-de", "wh-2"))
    builders.channel(
        uow, "app", kind=ChannelKind.MOBILE, locations=("wh-de",), allows_backorders=True
    )
    builders.pricing(uow)
    prices = {"TS-1": "10.00", "HD-1": "40.00"}
    variants = {
        sku: builders.product(uow, sku, prices={"web": p, "app": p}).variants[0].id
        for sku, p in prices.items()
    }
    made = Shop(uow, doubles[ORDERS.name], doubles[STOCK.name], locations, variants)
    made.receive("TS-1", "wh-de", 3)
    made.receive("TS-1", "wh-2", 5)
    made.receive("HD-1", "wh-de", 1)
    return made


def test_an_order_in_stock_is_placed_confirmed_and_allocated(shop: Shop) -> None:
    start = len(shop.uow.committed)
    placed = shop.place("web", ("TS-1", 2), ("HD-1", 1))
    order = placed.order
    assert placed.created
    assert (order.status, order.version, order.number) == (OrderStatus.CONFIRMED, 1, "SO-10001")
    assert {(a.location, a.quantity) for a in order.allocations} == {("wh-de", 2), ("wh-de", 1)}
    assert shop.level("TS-1", "wh-de").allocated == 2
    assert shop.level("HD-1", "wh-de").allocated == 1
    assert shop.saved.stored[order.id] == order
    assert shop.events_since(start) == [OrderPlaced, OrderConfirmed]
    assert [e.kind for e in shop.saved.entries[order.id]] == ["placed", "sourced", "confirmed"]


def test_a_line_that_no_location_has_whole_is_split_in_the_channels_order(shop: Shop) -> None:
    order = shop.place("web", ("TS-1", 6)).order
    assert [(a.location, a.quantity) for a in order.allocations] == [("wh-de", 3), ("wh-2", 3)]


def test_what_no_location_has_is_refused_and_nothing_is_taken(shop: Shop) -> None:
    with pytest.raises(InsufficientStock) as refused:
        shop.place("web", ("HD-1", 2))
    assert refused.value.facts["shortfalls"] == [{"sku": "HD-1", "requested": 2, "available": 1}]
    assert shop.saved.stored == {}
    assert shop.level("HD-1", "wh-de").allocated == 0


def test_a_channel_order_delivered_twice_is_placed_once(shop: Shop) -> None:
    first = shop.place("web", ("TS-1", 1), external_id="M-1")
    again = shop.place("web", ("TS-1", 1), external_id="M-1")
    assert (first.created, again.created) == (True, False)
    assert again.order.id == first.order.id
    assert shop.level("TS-1", "wh-de").allocated == 1


def test_the_buyer_is_what_the_caller_sent_never_the_stored_profile(shop: Shop) -> None:
    stored = customers.create_customer(
        customers.CreateCustomer(
            email="ada@example.com", name="Ada King", phone="+4930901820", locale="fr"
        ),
        uow=shop.uow,
    )
    buyer = shop.place("web", ("TS-1", 1), name="A. L.").order.buyer
    assert buyer.customer_id == stored.id
    assert (buyer.name, buyer.phone, buyer.locale) == ("A. L.", None, "en")


def test_a_merchants_threshold_holds_the_new_order_pending(shop: Shop) -> None:
    set_hold_rule(
        SetHoldRule(
            rule=HoldRule.TOTAL_ABOVE, enabled=True, thresholds={"EUR": Money.of("20", "EUR")}
        ),
        uow=shop.uow,
    )
    start = len(shop.uow.committed)
    order = shop.place("web", ("HD-1", 1)).order
    assert order.status is OrderStatus.PENDING
    assert [hold.rule for hold in order.open_holds] == [HoldRule.TOTAL_ABOVE.value]
    assert shop.events_since(start) == [OrderPlaced, OrderHeld]


def test_backordered_units_are_allocated_when_stock_arrives(shop: Shop) -> None:
    order = shop.place("app", ("HD-1", 3)).order
    assert order.lines[0].backordered_quantity == 2
    shop.receive("HD-1", "wh-2", 5)  # wh-2 does not serve the app channel
    assert orders.allocate_backorders(shop.variants["HD-1"], uow=shop.uow) == 0
    shop.receive("HD-1", "wh-de", 1)
    start = len(shop.uow.committed)
    assert orders.allocate_backorders(shop.variants["HD-1"], uow=shop.uow) == 1
    filled = shop.saved.stored[order.id]
    assert (filled.lines[0].backordered_quantity, filled.version) == (1, 2)
    assert shop.level("HD-1", "wh-de").allocated == 2
    assert shop.events_since(start) == [BackorderAllocated]


def test_cancelling_gives_the_allocated_stock_back(shop: Shop) -> None:
    order = shop.place("web", ("TS-1", 2)).order
    start = len(shop.uow.committed)
    cancelled = orders.cancel_order(
        orders.CancelOrder(order_id=order.id, reason="changed mind", actor="csr"), uow=shop.uow
    )
    assert (cancelled.status, cancelled.allocations) == (OrderStatus.CANCELLED, ())
    assert shop.level("TS-1", "wh-de").allocated == 0
    assert shop.events_since(start) == [OrderCancelled]


def test_cancelling_some_units_reprices_the_order(shop: Shop) -> None:
    order = shop.place("web", ("TS-1", 3)).order
    line = order.lines[0]
    after = orders.cancel_order(
        orders.CancelOrder(order_id=order.id, reason="fewer", actor="csr", lines={line.id: 2}),
        uow=shop.uow,
    )
    assert after.lines[0].total == Money.of("10.00", "EUR")
    assert shop.level("TS-1", "wh-de").allocated == 1


def edit(shop: Shop, order: Order, *operations: orders.Operation) -> Order:
    change = orders.preview_change(
        orders.PreviewChange(order_id=order.id, operations=operations, actor="csr"),
        uow=shop.uow,
    )
    return orders.confirm_change(
        orders.ConfirmChange(
            order_id=order.id, change_id=change.id, if_match=f'"{order.version}"', actor="csr"
        ),
        uow=shop.uow,
    )


def test_an_edit_is_previewed_without_stock_and_confirmed_with_it(shop: Shop) -> None:
    order = shop.place("web", ("TS-1", 1)).order
    change = orders.preview_change(
        orders.PreviewChange(
            order_id=order.id, operations=(AddLine(sku="HD-1", quantity=1),), actor="csr"
        ),
        uow=shop.uow,
    )
    assert change.preview.difference == Money.of("40.00", "EUR")
    assert shop.level("HD-1", "wh-de").allocated == 0
    start = len(shop.uow.committed)
    changed = orders.confirm_change(
        orders.ConfirmChange(order_id=order.id, change_id=change.id, if_match='"1"', actor="c"),
        uow=shop.uow,
    )
    assert (changed.version, len(changed.lines)) == (2, 2)
    assert shop.level("HD-1", "wh-de").allocated == 1
    assert shop.events_since(start) == [OrderChanged]
    assert shop.saved.entries[order.id][-1].kind == "changed"


def test_lowering_a_quantity_in_an_edit_gives_stock_back(shop: Shop) -> None:
    order = shop.place("web", ("TS-1", 3)).order
    changed = edit(shop, order, ChangeQuantity(line_id=order.lines[0].id, quantity=1))
    assert changed.lines[0].billed_quantity == 1
    assert shop.level("TS-1", "wh-de").allocated == 1
