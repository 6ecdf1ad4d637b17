"""Exchange and reship orders placed for a delivered order, on SQLite and PostgreSQL: the
parent's buyer and address, the given prices taxed with no shipping, stock allocated now, held
for the returned goods and for the price difference, and fulfilled like any order once
released."""

from __future__ import annotations

from uuid import uuid4

import pytest
from sqlalchemy import Engine, select

from oms import inventory, orders
from oms.app import tasks
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.orders.domain import InsufficientStock
from oms.orders.services import order_timeline
from oms.orders.tables import orders as orders_table
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import IllegalTransition, Invalid
from oms.shared.money import Money
from tests import builders
from tests.invariants import (
    assert_ledger_balances,
    assert_lines_fully_sourced,
    assert_orders_match_stock,
)

pytestmark = pytest.mark.usefixtures("balanced_ledger")

RETURN_ID = uuid4()


@pytest.fixture
def shop(uow: UnitOfWork) -> UnitOfWork:
    builders.location(uow, "wh-de", "DE")
    builders.channel(uow, "web", locations=("wh-de",))
    builders.pricing(uow)
    for sku, units in (("TS-M", 5), ("TS-L", 1), ("HD-1", 0)):
        builders.product(uow, sku, prices={"web": "20.00"})
        if units:
            inventory.receive_stock(
                inventory.ReceiveStock(sku=sku, location="wh-de", quantity=units, actor="t"),
                uow=uow,
            )
    return uow


def delivered(uow: UnitOfWork) -> orders.Order:
    order = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["DE"],
            lines=(orders.NewLine(sku="TS-M", quantity=1),),
            actor="test",
        ),
        uow=uow,
    ).order
    units = {order.lines[0].id: 1}
    orders.ship_units(order.id, location="wh-de", units=units, reference="S", actor="wh", uow=uow)
    return orders.deliver_units(order.id, units=units, how="delivered", actor="c", uow=uow)


def exchange(
    uow: UnitOfWork, parent: orders.Order, price: str = "0.00", *, hold: bool = True
) -> orders.Order:
    return orders.place_linked_order(
        parent.id,
        kind="exchange",
        return_id=RETURN_ID,
        lines=[orders.LinkedLine(sku="TS-L", quantity=1, unit_price=Money.of(price, "EUR"))],
        hold_until_return_received=hold,
        actor="csr",
        uow=uow,
        rma="RMA-000001",
    )


def reasons(order: orders.Order) -> list[orders.HoldReason]:
    return [hold.reason for hold in order.open_holds]


def test_an_exchange_is_the_parents_buyer_again_at_the_given_price(
    engine: Engine, shop: UnitOfWork
) -> None:
    parent = delivered(shop)
    child = exchange(shop, parent, "5.00")
    assert (child.buyer, child.shipping_address) == (parent.buyer, parent.shipping_address)
    assert child.channel == parent.channel
    assert child.link == orders.OrderLink(
        parent_order_id=parent.id, kind=orders.LinkKind.EXCHANGE, return_id=RETURN_ID
    )
    assert child.lines[0].unit_price == Money.of("5.00", "EUR")
    assert child.totals.shipping == Money.zero("EUR")
    assert child.totals.total == child.lines[0].total
    assert child.totals.tax == child.lines[0].tax
    assert child.totals.tax.amount > 0  # taxed by the channel's rules on the given price
    stored = orders.get_order(child.id, uow=shop)
    assert stored.link == child.link
    with engine.connect() as c:
        row = c.execute(
            select(orders_table.c.link_kind, orders_table.c.parent_order_id).where(
                orders_table.c.id == child.id
            )
        ).one()
    assert (row.link_kind, row.parent_order_id) == ("exchange", parent.id)


def test_the_replacement_is_allocated_at_once_and_held_for_the_goods_and_the_money(
    engine: Engine, shop: UnitOfWork
) -> None:
    parent = delivered(shop)
    child = exchange(shop, parent, "5.00")
    assert child.status is orders.OrderStatus.PENDING
    assert sorted(reasons(child)) == [orders.HoldReason.PAYMENT, orders.HoldReason.RETURN_PENDING]
    assert [(a.location, a.quantity) for a in child.allocations] == [("wh-de", 1)]
    stock = inventory.get_stock("TS-L", uow=shop).locations[0]
    assert (stock.on_hand, stock.allocated) == (1, 1)
    assert_orders_match_stock(engine)
    assert_lines_fully_sourced(engine)


def test_a_free_exchange_waits_only_for_the_goods_and_is_released_to_fulfilment(
    engine: Engine, shop: UnitOfWork
) -> None:
    parent = delivered(shop)
    child = exchange(shop, parent)
    assert reasons(child) == [orders.HoldReason.RETURN_PENDING]
    tasks.relay(engine).drain()
    with shop.read() as tx:
        assert tx.repo(FULFILMENT_ORDERS).for_order(child.id) == []
    released = orders.release_return_hold(child.id, actor="wh", uow=shop)
    assert released.status is orders.OrderStatus.CONFIRMED
    assert orders.release_return_hold(child.id, actor="wh", uow=shop).version == released.version
    tasks.relay(engine).drain()
    with shop.read() as tx:
        fos = tx.repo(FULFILMENT_ORDERS).for_order(child.id)
    assert [(fo.location, [line.sku for line in fo.lines]) for fo in fos] == [("wh-de", ["TS-L"])]


def test_an_instant_exchange_is_confirmed_at_once(shop: UnitOfWork) -> None:
    child = exchange(shop, delivered(shop), hold=False)
    assert child.status is orders.OrderStatus.CONFIRMED
    assert not child.on_hold


def test_a_reship_is_free_and_both_timelines_tell_it(shop: UnitOfWork) -> None:
    parent = delivered(shop)
    child = orders.place_linked_order(
        parent.id,
        kind="reship",
        return_id=RETURN_ID,
        lines=[orders.LinkedLine(sku="TS-M", quantity=1, unit_price=Money.zero("EUR"))],
        hold_until_return_received=False,
        actor="csr",
        uow=shop,
        rma="RMA-000002",
    )
    assert child.totals.total == Money.zero("EUR")
    assert child.status is orders.OrderStatus.CONFIRMED
    said = [e.summary for _, e in order_timeline(parent.id, uow=shop, after=None, limit=50)]
    assert f"reship order {child.number} placed for RMA-000002" in said
    own = [e.summary for _, e in order_timeline(child.id, uow=shop, after=None, limit=50)]
    assert f"reship order for {parent.number} (RMA-000002)" in own


def test_without_stock_the_exchange_is_refused_and_nothing_is_written(
    engine: Engine, shop: UnitOfWork
) -> None:
    parent = delivered(shop)
    with pytest.raises(InsufficientStock):
        orders.place_linked_order(
            parent.id,
            kind="exchange",
            return_id=RETURN_ID,
            lines=[orders.LinkedLine(sku="HD-1", quantity=1, unit_price=Money.zero("EUR"))],
            hold_until_return_received=True,
            actor="csr",
            uow=shop,
        )
    with engine.connect() as c:
        assert c.execute(select(orders_table.c.id)).scalars().all() == [parent.id]
    assert_ledger_balances(engine)


def test_bad_lines_are_refused_per_field(shop: UnitOfWork) -> None:
    parent = delivered(shop)
    with pytest.raises(Invalid) as refused:
        orders.place_linked_order(
            parent.id,
            kind="exchange",
            return_id=RETURN_ID,
            lines=[
                orders.LinkedLine(sku="NOPE", quantity=1, unit_price=Money.zero("EUR")),
                orders.LinkedLine(sku="TS-L", quantity=1, unit_price=Money.of("1", "USD")),
            ],
            hold_until_return_received=True,
            actor="csr",
            uow=shop,
        )
    assert [p.field for p in refused.value.problems] == ["lines.0.sku", "lines.1.unit_price"]


def test_an_order_not_yet_shipped_takes_no_linked_order(shop: UnitOfWork) -> None:
    placed = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["DE"],
            lines=(orders.NewLine(sku="TS-M", quantity=1),),
            actor="test",
        ),
        uow=shop,
    ).order
    with pytest.raises(IllegalTransition):
        exchange(shop, placed)
