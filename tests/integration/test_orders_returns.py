"""Units coming back to an order, on SQLite and PostgreSQL: asked back, withdrawn, received;
never more than delivered, whatever the order's status or holds; the return status follows,
kept on the order row for lists, with a timeline entry and an event for every step."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from oms import inventory, orders
from oms.orders import services as orders_services
from oms.orders.tables import order_lines
from oms.orders.tables import orders as orders_table
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import IllegalTransition, Invalid
from tests import builders

pytestmark = pytest.mark.usefixtures("balanced_ledger")

Status = orders.OrderReturnStatus


@pytest.fixture
def shop(uow: UnitOfWork) -> UnitOfWork:
    builders.location(uow, "wh-de", "DE")
    builders.channel(uow, "web", locations=("wh-de",))
    builders.pricing(uow)
    for sku in ("TS-1", "HD-1"):
        builders.product(uow, sku, prices={"web": "20.00"})
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location="wh-de", quantity=10, actor="setup"),
            uow=uow,
        )
    return uow


def delivered(uow: UnitOfWork, *lines: tuple[str, int], deliver: int | None = None) -> orders.Order:
    """An order placed, shipped whole and delivered (``deliver`` units of each line, or all)."""
    order = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["DE"],
            lines=tuple(orders.NewLine(sku=sku, quantity=q) for sku, q in lines),
            actor="test",
        ),
        uow=uow,
    ).order
    every = {line.id: line.quantity for line in order.lines}
    orders.ship_units(order.id, location="wh-de", units=every, reference="S-1", actor="wh", uow=uow)
    some = every if deliver is None else {i: min(q, deliver) for i, q in every.items()}
    return orders.deliver_units(order.id, units=some, how="delivered", actor="carrier", uow=uow)


def stored_status(engine: Engine, order: orders.Order) -> str:
    with engine.connect() as c:
        return str(
            c.execute(
                select(orders_table.c.return_status).where(orders_table.c.id == order.id)
            ).scalar_one()
        )


def test_a_return_walks_from_requested_to_returned(engine: Engine, shop: UnitOfWork) -> None:
    order = delivered(shop, ("TS-1", 2), ("HD-1", 1))
    shirts, hoodie = order.lines
    assert order.return_status is Status.NONE

    asked = orders.request_return_units(order.id, {shirts.id: 1}, rma=None, actor="csr", uow=shop)
    assert asked.return_status is Status.RETURN_REQUESTED
    assert stored_status(engine, order) == "return_requested"
    assert asked.line(shirts.id).return_requested_quantity == 1

    orders.request_return_units(order.id, {hoodie.id: 1}, rma="RMA-000002", actor="csr", uow=shop)
    got = orders.receive_returned_units(order.id, {shirts.id: 1}, actor="wh", uow=shop)
    assert got.return_status is Status.PARTIALLY_RETURNED
    assert (
        got.line(shirts.id).returned_quantity,
        got.line(shirts.id).return_requested_quantity,
    ) == (
        1,
        0,
    )

    orders.request_return_units(order.id, {shirts.id: 1}, rma="RMA-000003", actor="csr", uow=shop)
    last = orders.receive_returned_units(
        order.id, {shirts.id: 1, hoodie.id: 1}, actor="wh", uow=shop
    )
    assert last.return_status is Status.RETURNED
    assert stored_status(engine, order) == "returned"
    stored = orders.get_order(order.id, uow=shop)
    stored.check_invariants()
    assert [ln.returned_quantity for ln in stored.lines] == [2, 1]
    assert stored.status is last.status  # a return never moves the order's status
    timeline = orders_services.order_timeline(order.id, uow=shop, after=None, limit=100)
    kinds = [entry.kind for _, entry in timeline]
    assert kinds.count("return_requested") == 3
    assert kinds.count("returned") == 2


def test_units_beyond_what_was_delivered_are_refused_per_line(shop: UnitOfWork) -> None:
    order = delivered(shop, ("TS-1", 3), ("HD-1", 2), deliver=1)
    shirts, hoodies = order.lines
    orders.request_return_units(order.id, {shirts.id: 1}, rma=None, actor="csr", uow=shop)
    with pytest.raises(Invalid) as refused:
        orders.request_return_units(
            order.id, {hoodies.id: 1, shirts.id: 1}, rma=None, actor="csr", uow=shop
        )
    assert [p.field for p in refused.value.problems] == ["lines.1.quantity"]
    assert "only 0 of TS-1 can still be returned" in refused.value.problems[0].message
    with pytest.raises(Invalid) as zero:
        orders.request_return_units(order.id, {hoodies.id: 0}, rma=None, actor="csr", uow=shop)
    assert [p.field for p in zero.value.problems] == ["lines.0.quantity"]
    assert orders.get_order(order.id, uow=shop).line(hoodies.id).return_requested_quantity == 0


def test_withdrawn_units_may_be_asked_back_again(engine: Engine, shop: UnitOfWork) -> None:
    order = delivered(shop, ("TS-1", 2))
    (shirts,) = order.lines
    orders.request_return_units(order.id, {shirts.id: 2}, rma=None, actor="csr", uow=shop)
    with pytest.raises(Invalid):
        orders.withdraw_return_units(order.id, {shirts.id: 3}, actor="csr", uow=shop)
    back = orders.withdraw_return_units(order.id, {shirts.id: 2}, actor="csr", uow=shop)
    assert back.return_status is Status.NONE
    assert stored_status(engine, order) == "none"
    again = orders.request_return_units(order.id, {shirts.id: 2}, rma=None, actor="csr", uow=shop)
    assert again.line(shirts.id).return_requested_quantity == 2


def test_only_units_asked_back_can_be_received(shop: UnitOfWork) -> None:
    order = delivered(shop, ("TS-1", 2))
    (shirts,) = order.lines
    with pytest.raises(Invalid) as refused:
        orders.receive_returned_units(order.id, {shirts.id: 1}, actor="wh", uow=shop)
    assert refused.value.problems[0].field == "lines.0.quantity"


def test_an_order_not_yet_shipped_has_nothing_to_return(shop: UnitOfWork) -> None:
    order = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["DE"],
            lines=(orders.NewLine(sku="TS-1", quantity=1),),
            actor="test",
        ),
        uow=shop,
    ).order
    with pytest.raises(IllegalTransition):
        orders.request_return_units(
            order.id, {order.lines[0].id: 1}, rma=None, actor="csr", uow=shop
        )


def test_a_held_order_still_takes_its_goods_back(shop: UnitOfWork) -> None:
    order = delivered(shop, ("TS-1", 1))
    orders.place_hold(
        orders.PlaceHold(order_id=order.id, reason=orders.HoldReason.MANUAL, actor="csr"),
        uow=shop,
    )
    line = order.lines[0]
    orders.request_return_units(order.id, {line.id: 1}, rma=None, actor="csr", uow=shop)
    got = orders.receive_returned_units(order.id, {line.id: 1}, actor="wh", uow=shop)
    assert got.return_status is Status.RETURNED


def test_each_step_is_announced(engine: Engine, shop: UnitOfWork) -> None:
    order = delivered(shop, ("TS-1", 1))
    line = order.lines[0]
    orders.request_return_units(order.id, {line.id: 1}, rma="RMA-000001", actor="csr", uow=shop)
    orders.withdraw_return_units(order.id, {line.id: 1}, actor="csr", uow=shop)
    orders.request_return_units(order.id, {line.id: 1}, rma=None, actor="csr", uow=shop)
    orders.receive_returned_units(order.id, {line.id: 1}, actor="wh", uow=shop)
    with engine.connect() as c:
        types = c.execute(
            select(outbox_table.c.event_type)
            .where(outbox_table.c.aggregate_id == order.id)
            .order_by(outbox_table.c.position)
        ).scalars()
        announced = [t for t in types if "return" in t]
    assert announced == [
        "orders.return_requested.v1",
        "orders.return_withdrawn.v1",
        "orders.return_requested.v1",
        "orders.units_returned.v1",
    ]


def test_the_database_refuses_more_returned_than_delivered(
    engine: Engine, shop: UnitOfWork
) -> None:
    order = delivered(shop, ("TS-1", 1))
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(
            update(order_lines)
            .where(order_lines.c.id == order.lines[0].id)
            .values(returned_quantity=1, return_requested_quantity=1)
        )
