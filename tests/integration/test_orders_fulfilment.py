"""Orders shipping, delivering, rerouting and completing on SQLite and PostgreSQL: the ledger
moves with the order in one transaction, and a cancellation racing a shipment of the same
units never lets both through."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar
from uuid import UUID

import pytest
from sqlalchemy import Engine, select, text

from oms import inventory, orders
from oms.channels import ChannelKind
from oms.inventory.tables import stock_movements
from oms.orders.domain import NotAllocatedThere, OrderOnHold, PaymentFigures, PaymentNote
from oms.orders.tables import order_lines
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import IllegalTransition, Invalid
from tests import builders
from tests.invariants import (
    assert_ledger_balances,
    assert_lines_fully_sourced,
    assert_orders_match_stock,
)

pytestmark = pytest.mark.usefixtures("balanced_ledger")

T = TypeVar("T")


@pytest.fixture
def shop(uow: UnitOfWork) -> UnitOfWork:
    """wh-de and wh-fr serve ``web`` (refuses what is not in stock) and ``mkt`` (a marketplace,
    which collects the money itself); TS-1 at both, HD-1 only at wh-de (not backorderable)."""
    builders.location(uow, "wh-de", "DE")
    builders.location(uow, "wh-fr", "FR")
    builders.channel(uow, "web", locations=("wh-de", "wh-fr"))
    builders.channel(uow, "mkt", kind=ChannelKind.MARKETPLACE, locations=("wh-de", "wh-fr"))
    builders.pricing(uow)
    for sku in ("TS-1", "HD-1"):
        builders.product(uow, sku, prices={"web": "20.00", "mkt": "20.00"})
    for sku, location, units in (("TS-1", "wh-de", 5), ("TS-1", "wh-fr", 5), ("HD-1", "wh-de", 2)):
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location=location, quantity=units, actor="setup"),
            uow=uow,
        )
    return uow


def place(uow: UnitOfWork, *lines: tuple[str, int], channel: str = "web") -> orders.Order:
    return orders.place_order(
        orders.PlaceOrder(
            channel=channel,
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["DE"],
            lines=tuple(orders.NewLine(sku=sku, quantity=q) for sku, q in lines),
            actor="test",
        ),
        uow=uow,
    ).order


def level(uow: UnitOfWork, sku: str, location: str) -> inventory.LocationStock:
    return next(s for s in inventory.get_stock(sku, uow=uow).locations if s.location == location)


def units_at(order: orders.Order, location: str) -> dict[str, int]:
    sku = {line.id: line.sku for line in order.lines}
    return {sku[a.line_id]: a.quantity for a in order.allocations if a.location == location}


def check(engine: Engine, order: orders.Order, uow: UnitOfWork) -> None:
    """The stored order adds up, and so do the ledger and the levels it holds."""
    orders.get_order(order.id, uow=uow).check_invariants()
    assert_ledger_balances(engine)
    assert_orders_match_stock(engine)


def test_shipping_takes_the_units_out_of_stock_in_the_same_transaction(
    engine: Engine, shop: UnitOfWork
) -> None:
    order = place(shop, ("TS-1", 3), ("HD-1", 1))
    shirts, hoodies = order.lines
    with shop.begin():
        locked = orders.order_for_fulfilment(order.id, uow=shop)
        assert locked.version == 1
        shipped = orders.ship_units(
            order.id,
            location="wh-de",
            units={shirts.id: 2, hoodies.id: 1},
            reference=f"{order.number}-F1-1",
            actor="wh",
            uow=shop,
        )
    assert shipped.status is orders.OrderStatus.IN_PROGRESS
    assert shipped.fulfilment_status is orders.FulfilmentStatus.PARTIALLY_FULFILLED
    stock = level(shop, "TS-1", "wh-de")
    assert (stock.on_hand, stock.allocated) == (3, 1)
    stored = orders.get_order(order.id, uow=shop)
    assert [ln.fulfilled_quantity for ln in stored.lines] == [2, 1]
    assert units_at(stored, "wh-de") == {"TS-1": 1}
    with engine.connect() as c:
        fulfilments = c.execute(
            select(stock_movements.c.reference).where(stock_movements.c.kind == "fulfilment")
        ).scalars()
        assert set(fulfilments) == {f"{order.number}-F1-1"}
    check(engine, stored, shop)


def test_a_shipment_that_fails_leaves_order_and_stock_untouched(
    engine: Engine, shop: UnitOfWork
) -> None:
    order = place(shop, ("TS-1", 2))
    with pytest.raises(NotAllocatedThere):
        orders.ship_units(
            order.id,
            location="wh-fr",
            units={order.lines[0].id: 2},
            reference="S-1",
            actor="wh",
            uow=shop,
        )
    assert orders.get_order(order.id, uow=shop).version == 1
    assert level(shop, "TS-1", "wh-de").on_hand == 5
    check(engine, order, shop)


def test_a_held_order_refuses_to_ship(engine: Engine, shop: UnitOfWork) -> None:
    order = place(shop, ("TS-1", 1))
    orders.place_hold(
        orders.PlaceHold(order_id=order.id, reason=orders.HoldReason.MANUAL, actor="csr"),
        uow=shop,
    )
    with pytest.raises(OrderOnHold):
        orders.ship_units(
            order.id,
            location="wh-de",
            units={order.lines[0].id: 1},
            reference="S-1",
            actor="wh",
            uow=shop,
        )
    assert level(shop, "TS-1", "wh-de").on_hand == 5
    check(engine, order, shop)


def pay(uow: UnitOfWork, order: orders.Order) -> None:
    """What payments does once the whole total is captured (its ledger is not under test)."""
    total = order.totals.total
    figures = PaymentFigures(
        status=orders.PaymentStatus.PAID,
        authorized=total,
        captured=total,
        refunded=total - total,
        conceded=total - total,
    )
    note = PaymentNote(kind="payment_captured", summary=f"captured {total}", actor="psp")
    orders.record_payment_figures(order.id, figures, note=note, uow=uow)


def test_delivery_makes_the_order_delivered_and_payment_completes_it(
    engine: Engine, shop: UnitOfWork
) -> None:
    order = place(shop, ("TS-1", 2))
    line = order.lines[0].id
    orders.ship_units(
        order.id, location="wh-de", units={line: 2}, reference="S-1", actor="wh", uow=shop
    )
    delivered = orders.deliver_units(
        order.id, units={line: 2}, how="delivered", actor="carrier", uow=shop
    )
    assert delivered.fulfilment_status is orders.FulfilmentStatus.DELIVERED
    assert delivered.status is orders.OrderStatus.IN_PROGRESS, "unpaid: not complete yet"
    assert not orders.complete_if_done(order.id, actor="system", uow=shop)
    pay(shop, order)
    assert orders.complete_if_done(order.id, actor="system", uow=shop)
    assert not orders.complete_if_done(order.id, actor="system", uow=shop)
    done = orders.get_order(order.id, uow=shop)
    assert done.status is orders.OrderStatus.COMPLETED
    with engine.connect() as c:
        assert c.execute(select(order_lines.c.delivered_quantity)).scalars().all() == [2]
    kinds = [e.kind for _, e in orders_timeline(shop, order.id)]
    assert kinds[-4:] == ["shipped", "delivered", "payment_captured", "completed"]
    check(engine, done, shop)


def test_an_order_held_when_its_last_unit_arrives_completes_when_the_hold_is_released(
    engine: Engine, shop: UnitOfWork
) -> None:
    order = place(shop, ("TS-1", 1))
    line = order.lines[0].id
    pay(shop, order)
    orders.ship_units(
        order.id, location="wh-de", units={line: 1}, reference="S-1", actor="wh", uow=shop
    )
    held = orders.place_hold(
        orders.PlaceHold(order_id=order.id, reason=orders.HoldReason.MANUAL, actor="csr"),
        uow=shop,
    )
    delivered = orders.deliver_units(
        order.id, units={line: 1}, how="delivered", actor="carrier", uow=shop
    )
    assert delivered.fulfilment_status is orders.FulfilmentStatus.DELIVERED
    assert delivered.status is orders.OrderStatus.IN_PROGRESS, "a hold stops completion"
    assert not orders.complete_if_done(order.id, actor="system", uow=shop)
    released = orders.release_hold(
        orders.ReleaseHold(order_id=order.id, hold_id=held.open_holds[0].id, actor="csr"),
        uow=shop,
    )
    assert released.status is orders.OrderStatus.COMPLETED
    kinds = [e.kind for _, e in orders_timeline(shop, order.id)]
    assert kinds[-2:] == ["hold_released", "completed"]
    check(engine, released, shop)


def test_a_marketplace_order_completes_on_delivery(engine: Engine, shop: UnitOfWork) -> None:
    order = place(shop, ("TS-1", 1), channel="mkt")
    line = order.lines[0].id
    orders.ship_units(
        order.id, location="wh-de", units={line: 1}, reference="S-1", actor="wh", uow=shop
    )
    done = orders.deliver_units(order.id, units={line: 1}, how="picked_up", actor="s", uow=shop)
    assert done.status is orders.OrderStatus.COMPLETED
    check(engine, done, shop)


def orders_timeline(uow: UnitOfWork, order_id: UUID) -> list[tuple[int, orders.TimelineEntry]]:
    from oms.orders.services import order_timeline

    return order_timeline(order_id, uow=uow, after=None, limit=100)


def test_rerouting_moves_allocations_and_backorders_what_nobody_has(
    engine: Engine, shop: UnitOfWork
) -> None:
    order = place(shop, ("TS-1", 2), ("HD-1", 2))
    assert units_at(order, "wh-de") == {"TS-1": 2, "HD-1": 2}
    moved = orders.reroute_order(
        order.id, lines=None, away_from={"wh-de"}, reason="damaged", actor="csr", uow=shop
    )
    assert units_at(moved, "wh-de") == {}
    assert units_at(moved, "wh-fr") == {"TS-1": 2}
    assert [ln.backordered_quantity for ln in moved.lines] == [0, 2]
    assert (level(shop, "TS-1", "wh-de").allocated, level(shop, "TS-1", "wh-fr").allocated) == (
        0,
        2,
    )
    assert level(shop, "HD-1", "wh-de").allocated == 0
    kinds = [e.kind for _, e in orders_timeline(shop, order.id)]
    assert "rerouted" in kinds
    check(engine, moved, shop)
    assert_lines_fully_sourced(engine)


def test_rerouting_some_units_leaves_the_rest_where_they_are(
    engine: Engine, shop: UnitOfWork
) -> None:
    order = place(shop, ("TS-1", 3))
    moved = orders.reroute_order(
        order.id,
        lines={order.lines[0].id: 1},
        away_from=["wh-de"],
        reason="short",
        actor="csr",
        uow=shop,
    )
    assert (units_at(moved, "wh-de"), units_at(moved, "wh-fr")) == ({"TS-1": 2}, {"TS-1": 1})
    with pytest.raises(Invalid):
        orders.reroute_order(order.id, lines=None, away_from=[], reason="x", actor="csr", uow=shop)
    check(engine, moved, shop)


def test_a_note_goes_on_the_timeline_without_a_new_version(shop: UnitOfWork) -> None:
    order = place(shop, ("TS-1", 1))
    orders.note_on_timeline(
        order.id,
        kind="fulfilment_started",
        summary="picking started at wh-de",
        details={"fulfilment_order": f"{order.number}-F1"},
        actor="wh",
        uow=shop,
    )
    assert orders.get_order(order.id, uow=shop).version == 1
    last = orders_timeline(shop, order.id)[-1][1]
    assert (last.kind, last.details) == ("fulfilment_started", {"fulfilment_order": "SO-10001-F1"})


def all_at_once(work: Sequence[Callable[[], T]]) -> list[T | Exception]:
    start = threading.Barrier(len(work))

    def run(index: int) -> T | Exception:
        start.wait(timeout=60)
        try:
            return work[index]()
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        return list(pool.map(run, range(len(work))))


def test_a_cancellation_racing_a_shipment_of_the_same_units_never_both_succeed(
    engine: Engine, shop: UnitOfWork
) -> None:
    """Each order has one unit; one thread ships it while another cancels it. The order lock
    queues them: whichever comes second finds the unit gone (refused) instead of shipping or
    cancelling it twice."""
    placed = [place(shop, ("TS-1", 1)) for _ in range(6)]

    def shipping(order: orders.Order) -> Callable[[], object]:
        return lambda: orders.ship_units(
            order.id,
            location=order.allocations[0].location,
            units={order.lines[0].id: 1},
            reference="S",
            actor="wh",
            uow=UnitOfWork(engine),
        )

    def cancelling(order: orders.Order) -> Callable[[], object]:
        return lambda: orders.cancel_order(
            orders.CancelOrder(
                order_id=order.id, reason="changed mind", actor="csr", lines={order.lines[0].id: 1}
            ),
            uow=UnitOfWork(engine),
        )

    work = [step(order) for order in placed for step in (shipping, cancelling)]
    outcomes = all_at_once(work)
    for index, order in enumerate(placed):
        shipped, cancelled = outcomes[2 * index], outcomes[2 * index + 1]
        won = [o for o in (shipped, cancelled) if not isinstance(o, Exception)]
        lost = [o for o in (shipped, cancelled) if isinstance(o, Exception)]
        assert len(won) == 1, (shipped, cancelled)
        assert all(isinstance(e, (Invalid, IllegalTransition)) for e in lost), lost
        stored = orders.get_order(order.id, uow=shop)
        line = stored.lines[0]
        assert line.fulfilled_quantity + line.cancelled_quantity == 1
        stored.check_invariants()
    check(engine, placed[0], shop)


def test_a_cancellation_waits_on_the_order_lock_while_its_units_ship(
    engine: Engine, shop: UnitOfWork
) -> None:
    """PostgreSQL only (SQLite has one writer at a time): the cancellation blocks on the order
    row until the shipment commits, then finds nothing left to cancel."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the two never overlap")
    order = place(shop, ("TS-1", 1))
    line = order.lines[0].id
    outcome: list[object] = []

    def cancelling() -> None:
        try:
            outcome.append(
                orders.cancel_order(
                    orders.CancelOrder(order_id=order.id, reason="x", actor="csr", lines={line: 1}),
                    uow=UnitOfWork(engine),
                )
            )
        except Exception as error:
            outcome.append(error)

    shipping = UnitOfWork(engine)
    with shipping.begin():
        orders.ship_units(
            order.id, location="wh-de", units={line: 1}, reference="S-1", actor="wh", uow=shipping
        )
        thread = threading.Thread(target=cancelling)
        thread.start()
        assert wait_for_a_lock_wait(engine), "the cancellation never queued on the order lock"
        assert outcome == [], "the cancellation went ahead while the order was locked"
    thread.join()
    [refused] = outcome
    assert isinstance(refused, Invalid)
    check(engine, order, shop)


def wait_for_a_lock_wait(engine: Engine) -> bool:
    """Whether another session comes to wait on a row lock (asked up to 500 times)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    with engine.connect() as c:
        for _ in range(500):
            if c.execute(query).scalar_one():
                return True
            threading.Event().wait(0.01)
    return False


def test_every_sourcing_decision_is_kept_with_its_explanation(
    engine: Engine, shop: UnitOfWork
) -> None:
    order = place(shop, ("TS-1", 2))
    [placed] = orders.sourcing_decisions(order.id, uow=shop)
    assert placed.kind == "sourced"
    assert placed.summary == placed.details.get("summary", placed.summary)
    orders.reroute_order(
        order.id, lines=None, away_from=["wh-de"], reason="damaged", actor="csr", uow=shop
    )
    decisions = orders.sourcing_decisions(order.id, uow=shop)
    assert [d.kind for d in decisions] == ["sourced", "sourced"]
    assert "rerouted away (damaged)" in str(decisions[1].details), "why wh-de was left out"
    with pytest.raises(orders.OrderNotFound):
        orders.sourcing_decisions(order.id, uow=shop, visible_to="mkt")
