"""Backorders are filled strictly first come, first served, whatever arrives at once.

An order older in order time (placed_at, then number) that still waits for a variant keeps the
locations it may be sourced from: no younger order takes units there before it is filled. Runs
of the consumer are serialised per variant, and new placements do not take units older orders
are owed; the race test proves both with receipts and placements in parallel threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

import pytest
from sqlalchemy import Engine, select

from oms import inventory
from oms.channels import ChannelKind, LocationKind
from oms.orders import (
    CustomerDetails,
    NewLine,
    Order,
    PlaceOrder,
    get_order,
    place_order,
    sourcing_decisions,
)
from oms.orders import allocate_backorders as fill
from oms.orders.pricing import ShippingMethod
from oms.orders.tables import orders as orders_table
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.invariants import assert_orders_match_stock

pytestmark = pytest.mark.usefixtures("balanced_ledger")

SKU = "BO-FIFO"


@pytest.fixture
def variant(uow: UnitOfWork) -> UUID:
    """wh-de serves "web"; "app" is served by wh-fr first, then wh-de; the store offers
    pickup. Every channel backorders; nothing of the SKU is in stock anywhere."""
    builders.location(uow, "wh-de")
    builders.location(uow, "wh-fr", "FR")
    builders.location(uow, "store-fr", "FR", kind=LocationKind.STORE, offers_pickup=True)
    builders.channel(uow, "web", locations=("wh-de",), allows_backorders=True)
    builders.channel(
        uow,
        "app",
        kind=ChannelKind.MOBILE,
        locations=("wh-fr", "wh-de", "store-fr"),
        allows_backorders=True,
    )
    builders.pricing(uow)
    prices = {"web": "20.00", "app": "20.00"}
    return builders.product(uow, SKU, prices=prices).variants[0].id


def order(uow: UnitOfWork, units: int, *, channel: str = "web", pickup: str | None = None) -> UUID:
    placed = place_order(
        PlaceOrder(
            channel=channel,
            customer=CustomerDetails(email="fifo@example.com", name="Fifo Buyer"),
            shipping_address=builders.ADDRESSES["DE"],
            lines=(NewLine(sku=SKU, quantity=units),),
            pickup_location=pickup,
            shipping_method=ShippingMethod.STANDARD if pickup is None else ShippingMethod.PICKUP,
            actor="test",
        ),
        uow=uow,
    ).order
    return placed.id


def receive(uow: UnitOfWork, location: str, units: int) -> None:
    inventory.receive_stock(
        inventory.ReceiveStock(sku=SKU, location=location, quantity=units, actor="test"), uow=uow
    )


def waiting(uow: UnitOfWork, order_id: UUID) -> int:
    return sum(line.backordered_quantity for line in get_order(order_id, uow=uow).lines)


def allocated_at(uow: UnitOfWork, order_id: UUID) -> dict[str, int]:
    found: dict[str, int] = {}
    for a in get_order(order_id, uow=uow).allocations:
        if a.quantity:
            found[a.location] = found.get(a.location, 0) + a.quantity
    return found


def test_an_older_order_that_still_waits_keeps_its_locations_from_younger_ones(
    uow: UnitOfWork, variant: UUID
) -> None:
    older, younger = order(uow, 5), order(uow, 1)
    assert (waiting(uow, older), waiting(uow, younger)) == (5, 1)

    receive(uow, "wh-de", 3)
    assert fill(variant, uow=uow) == 3
    assert (waiting(uow, older), waiting(uow, younger)) == (2, 1), "the younger jumped the queue"

    receive(uow, "wh-de", 3)
    assert fill(variant, uow=uow) == 3
    assert (waiting(uow, older), waiting(uow, younger)) == (0, 0)


def test_a_younger_order_is_filled_from_locations_no_older_waiting_order_can_use(
    uow: UnitOfWork, variant: UUID
) -> None:
    """The web order waits for wh-de only; the app order may also take wh-fr's units."""
    web, app = order(uow, 2), order(uow, 2, channel="app")
    receive(uow, "wh-fr", 2)
    assert fill(variant, uow=uow) == 2
    assert (waiting(uow, web), allocated_at(uow, app)) == (2, {"wh-fr": 2})
    why = str(sourcing_decisions(app, uow=uow)[-1].details)
    assert "older orders wait" in why, "the fill says why wh-de was left out"


def test_a_pickup_waits_for_its_store_and_does_not_hold_back_orders_shipped_from_elsewhere(
    uow: UnitOfWork, variant: UUID
) -> None:
    pickup = order(uow, 1, channel="app", pickup="store-fr")
    shipped = order(uow, 1, channel="app")
    receive(uow, "wh-fr", 1)
    assert fill(variant, uow=uow) == 1
    assert (waiting(uow, pickup), allocated_at(uow, shipped)) == (1, {"wh-fr": 1})
    receive(uow, "store-fr", 1)
    assert fill(variant, uow=uow) == 1
    assert allocated_at(uow, pickup) == {"store-fr": 1}


def test_orders_past_the_run_limit_are_reached_when_those_before_them_cannot_be_filled(
    uow: UnitOfWork, variant: UUID
) -> None:
    """Seven web orders wait for wh-de; the app orders behind them can use wh-fr."""
    blocked = [order(uow, 1) for _ in range(7)]
    behind = [order(uow, 1, channel="app") for _ in range(2)]
    receive(uow, "wh-fr", 2)
    assert fill(variant, uow=uow, limit=3) == 2
    assert [waiting(uow, o) for o in blocked] == [1] * 7
    assert [allocated_at(uow, o) for o in behind] == [{"wh-fr": 1}] * 2


def test_a_run_stops_at_its_limit_and_the_next_goes_on_from_the_oldest_still_waiting(
    uow: UnitOfWork, variant: UUID
) -> None:
    queue = [order(uow, 1) for _ in range(5)]
    receive(uow, "wh-de", 4)
    assert fill(variant, uow=uow, limit=3) == 3
    assert [waiting(uow, o) for o in queue] == [0, 0, 0, 1, 1]
    assert fill(variant, uow=uow, limit=3) == 1
    assert [waiting(uow, o) for o in queue] == [0, 0, 0, 0, 1]


def test_the_fill_records_why_the_units_came_from_where_they_did(
    uow: UnitOfWork, variant: UUID
) -> None:
    placed = order(uow, 1)
    receive(uow, "wh-de", 1)
    fill(variant, uow=uow)
    decisions = sourcing_decisions(placed, uow=uow)
    assert len(decisions) == 2, "placement and the fill each record their sourcing"
    assert decisions[-1].actor == "system:backorders"


# -- concurrent receipts and placements ---------------------------------------------------

OLD_ORDERS = 16
RECEIPTS = 6
RECEIPT_UNITS = 4
NEW_ORDERS = 6


def in_parallel(work: Sequence[Callable[[], object]]) -> list[object]:
    start = threading.Barrier(len(work))

    def run(call: Callable[[], object]) -> object:
        start.wait(timeout=60)
        try:
            return call()
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        return list(pool.map(run, work))


def by_order_time(engine: Engine) -> list[UUID]:
    with engine.connect() as c:
        return list(
            c.execute(
                select(orders_table.c.id).order_by(orders_table.c.placed_at, orders_table.c.number)
            ).scalars()
        )


def fills_in_outbox_order(engine: Engine) -> list[UUID]:
    with engine.connect() as c:
        return list(
            c.execute(
                select(outbox_table.c.aggregate_id)
                .where(outbox_table.c.event_type == "orders.backorder_allocated.v1")
                .order_by(outbox_table.c.position)
            ).scalars()
        )


def test_concurrent_receipts_and_placements_fill_backorders_in_order_time(
    engine: Engine, uow: UnitOfWork, variant: UUID
) -> None:
    """Each receipt runs the consumer's fill right after it, as two relays would; new orders
    for the same SKU are placed meanwhile. Stock (24) stays below demand (2 x 22)."""
    for _ in range(OLD_ORDERS):
        order(uow, 2)

    def receipt() -> object:
        writer = UnitOfWork(engine)
        receive(writer, "wh-de", RECEIPT_UNITS)
        return fill(variant, uow=writer)

    def placement() -> object:
        return order(UnitOfWork(engine), 2)

    outcomes = in_parallel([receipt] * RECEIPTS + [placement] * NEW_ORDERS)
    assert [repr(o) for o in outcomes if isinstance(o, Exception)] == []
    fill(variant, uow=uow)

    everyone: list[Order] = [get_order(o, uow=uow) for o in by_order_time(engine)]
    state = [
        (o.number, sum(a.quantity for a in o.allocations), waiting(uow, o.id)) for o in everyone
    ]
    first_waiting = next(i for i, (_, _, w) in enumerate(state) if w)
    assert all(w == 0 for _, _, w in state[:first_waiting])
    assert all(units == 0 for _, units, _ in state[first_waiting + 1 :]), (
        f"an order younger than {state[first_waiting][0]} holds units it waits for: {state}"
    )
    assert sum(units for _, units, _ in state) == RECEIPTS * RECEIPT_UNITS
    rank = {o.id: i for i, o in enumerate(everyone)}
    filled = [rank[o] for o in fills_in_outbox_order(engine)]
    assert filled == sorted(filled), "a younger order was filled before an older one"
    assert_orders_match_stock(engine)
