"""Fulfilment orders follow their order, on SQLite and PostgreSQL, through the outbox relay
(the ``fulfilment.release`` consumer): one FO per location once the order is confirmed, none
while it is pending; holds, cancellations and rejections act on them; the promise comes from
the location's settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine

from oms import inventory, orders, payments
from oms.app import tasks
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder, RejectReason
from oms.fulfilment.domain.lifecycle import FulfilmentOrderStatus
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.services import queues, settings, work
from oms.fulfilment.services.sync import sync_fulfilment_orders
from oms.orders import HoldReason
from oms.orders.services import order_timeline
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from tests import builders
from tests import payments_money as shop

S = FulfilmentOrderStatus
TUESDAY_MORNING = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
"""09:00 in Berlin, before the 15:00 cut-off."""


def open_two_warehouses(
    uow: UnitOfWork, *, stock: dict[str, dict[str, int]], **channel_settings: Any
) -> None:
    """wh-a (Hamburg) and wh-b (Munich) serve ``web``; ``stock`` is sku -> location -> units."""
    builders.location(uow, "wh-a")
    builders.location(uow, "wh-b", latitude=Decimal("48.14"), longitude=Decimal("11.58"))
    builders.channel(uow, "web", locations=("wh-a", "wh-b"), **channel_settings)
    builders.pricing(uow)
    for sku, where in stock.items():
        builders.product(uow, sku, prices={"web": "20.00"})
        for location, units in where.items():
            inventory.receive_stock(
                inventory.ReceiveStock(sku=sku, location=location, quantity=units, actor="t"),
                uow=uow,
            )


def deliver(engine: Engine) -> None:
    """Hand every event recorded so far to its consumers (the worker's relay, to the end)."""
    tasks.relay(engine).drain()


def fos_of(uow: UnitOfWork, order_id: UUID) -> list[FulfilmentOrder]:
    with uow.read() as tx:
        return tx.repo(FULFILMENT_ORDERS).for_order(order_id)


def by_location(fos: list[FulfilmentOrder]) -> dict[str, FulfilmentOrder]:
    return {fo.location: fo for fo in fos}


def skus(fo: FulfilmentOrder) -> dict[str, int]:
    return {line.sku: line.open for line in fo.lines if line.open}


def test_a_confirmed_order_gets_one_fulfilment_order_per_location(
    uow: UnitOfWork, engine: Engine
) -> None:
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5}, "TS-2": {"wh-b": 5}})
    order = shop.place(uow, ("TS-1", 2), ("TS-2", 1))
    assert order.status is orders.OrderStatus.CONFIRMED
    deliver(engine)
    fos = by_location(fos_of(uow, order.id))
    assert set(fos) == {"wh-a", "wh-b"}
    assert skus(fos["wh-a"]) == {"TS-1": 2}
    assert skus(fos["wh-b"]) == {"TS-2": 1}
    assert sorted(fo.number for fo in fos.values()) == [f"{order.number}-F1", f"{order.number}-F2"]
    assert {fo.status for fo in fos.values()} == {S.OPEN}
    deliver(engine)  # a second delivery of everything finds nothing to change
    assert [fo.version for fo in fos_of(uow, order.id)] == [1, 1]


def test_a_pending_order_on_hold_has_no_fulfilment_orders_until_confirmed(
    uow: UnitOfWork, engine: Engine
) -> None:
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5}}, payment_before_confirmation=True)
    order = shop.place(uow, ("TS-1", 1))
    assert order.status is orders.OrderStatus.PENDING
    deliver(engine)
    assert fos_of(uow, order.id) == []
    orders.release_hold(
        orders.ReleaseHold(order_id=order.id, hold_id=order.open_holds[0].id, actor="t"), uow=uow
    )
    deliver(engine)
    assert [(fo.location, fo.status) for fo in fos_of(uow, order.id)] == [("wh-a", S.OPEN)]


def test_a_hold_after_confirmation_holds_the_work_and_its_release_resumes_it(
    uow: UnitOfWork, engine: Engine
) -> None:
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5}, "TS-2": {"wh-b": 5}})
    order = shop.place(uow, ("TS-1", 1), ("TS-2", 1))
    deliver(engine)
    started = by_location(fos_of(uow, order.id))["wh-a"]
    work.start_fulfilment_order(started.id, actor="picker", uow=uow)
    held = orders.place_hold(
        orders.PlaceHold(order_id=order.id, reason=HoldReason.FRAUD_REVIEW, actor="t"), uow=uow
    )
    deliver(engine)
    fos = by_location(fos_of(uow, order.id))
    assert {fo.status for fo in fos.values()} == {S.ON_HOLD}
    assert fos["wh-a"].held_from is S.IN_PROGRESS
    orders.release_hold(
        orders.ReleaseHold(order_id=order.id, hold_id=held.open_holds[0].id, actor="t"), uow=uow
    )
    deliver(engine)
    fos = by_location(fos_of(uow, order.id))
    assert (fos["wh-a"].status, fos["wh-b"].status) == (S.IN_PROGRESS, S.OPEN)


def test_cancelled_units_leave_the_fulfilment_orders_and_a_cancelled_order_cancels_them(
    uow: UnitOfWork, engine: Engine
) -> None:
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5}, "TS-2": {"wh-b": 5}})
    order = shop.place(uow, ("TS-1", 3), ("TS-2", 1))
    deliver(engine)
    ts1 = next(line.id for line in order.lines if line.sku == "TS-1")
    orders.cancel_order(
        orders.CancelOrder(order_id=order.id, reason="changed mind", actor="t", lines={ts1: 2}),
        uow=uow,
    )
    deliver(engine)
    fos = by_location(fos_of(uow, order.id))
    assert skus(fos["wh-a"]) == {"TS-1": 1}
    assert fos["wh-a"].line(ts1).cancelled == 2
    orders.cancel_order(orders.CancelOrder(order_id=order.id, reason="gone", actor="t"), uow=uow)
    deliver(engine)
    assert {fo.status for fo in fos_of(uow, order.id)} == {S.CANCELLED}


def test_a_rejected_fulfilment_order_is_rerouted_to_the_next_location(
    uow: UnitOfWork, engine: Engine
) -> None:
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5, "wh-b": 5}})
    order = shop.place(uow, ("TS-1", 2))
    deliver(engine)
    [first] = fos_of(uow, order.id)
    rejected = work.reject_fulfilment_order(
        work.RejectFulfilmentOrder(
            fulfilment_order_id=first.id,
            reason=RejectReason.DAMAGED,
            note="pallet crushed",
            actor="picker",
        ),
        uow=uow,
    )
    assert rejected.status is S.REJECTED
    other = "wh-b" if first.location == "wh-a" else "wh-a"
    fos = by_location(fos_of(uow, order.id))
    assert skus(fos[other]) == {"TS-1": 2}
    assert fos[other].number == f"{order.number}-F2"
    assert [a.location for a in orders.get_order(order.id, uow=uow).allocations] == [other]
    timeline = order_timeline(order.id, uow=uow, after=None, limit=100)
    said = [entry.summary for _, entry in timeline]
    assert any("rejected" in s and "damaged" in s and "pallet crushed" in s for s in said)
    deliver(engine)  # the order's own events change nothing more
    assert len(fos_of(uow, order.id)) == 2


def test_a_rejection_no_other_location_can_take_backorders_the_units(
    uow: UnitOfWork, engine: Engine
) -> None:
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 2}})
    order = shop.place(uow, ("TS-1", 2))
    deliver(engine)
    [first] = fos_of(uow, order.id)
    work.reject_fulfilment_order(
        work.RejectFulfilmentOrder(
            fulfilment_order_id=first.id,
            reason=RejectReason.STOCK_NOT_FOUND,
            note=None,
            actor="picker",
        ),
        uow=uow,
    )
    after = orders.get_order(order.id, uow=uow)
    assert after.allocations == ()
    assert [line.backordered_quantity for line in after.lines] == [2]
    assert [fo.status for fo in fos_of(uow, order.id)] == [S.REJECTED]


def test_the_promise_follows_the_locations_cutoff_handling_days_and_time_zone(
    engine: Engine,
) -> None:
    # Friday 2026-12-04 15:30 UTC is 10:30 in New York, before its 11:00 cut-off; two
    # handling days go over the weekend: Monday 11:00 New York time, 16:00 UTC.
    uow = UnitOfWork(engine, FixedClock(datetime(2026, 12, 4, 15, 30, tzinfo=UTC)))
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5}})
    settings.put_location_settings(
        settings.PutLocationSettings(
            location="wh-a",
            cutoff_time="11:00",
            timezone="America/New_York",
            handling_days=2,
            pickup_hold_days=7,
            carrier=None,
            carrier_service=None,
        ),
        uow=uow,
    )
    order = shop.place(uow, ("TS-1", 1))
    with uow.begin():
        fos = sync_fulfilment_orders(
            orders.order_for_fulfilment(order.id, uow=uow), actor="t", uow=uow
        )
    assert [fo.ship_by for fo in fos] == [datetime(2026, 12, 7, 16, 0, tzinfo=UTC)]


@pytest.mark.parametrize("hours_later", [0, 200])
def test_the_late_list_holds_what_passed_its_promise(engine: Engine, hours_later: int) -> None:
    uow = UnitOfWork(engine, FixedClock(TUESDAY_MORNING))
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5}})
    order = shop.place(uow, ("TS-1", 1))
    deliver(engine)
    late = queues.late_fulfilment_orders(
        uow=uow, limit=10, now=TUESDAY_MORNING + timedelta(hours=hours_later)
    )
    assert [fo.order_id for fo in late] == ([order.id] if hours_later else [])


def test_a_delivered_order_completes_when_the_payment_is_captured_afterwards(
    uow: UnitOfWork, engine: Engine
) -> None:
    open_two_warehouses(uow, stock={"TS-1": {"wh-a": 5}})
    order = shop.place(uow, ("TS-1", 2))
    deliver(engine)
    [fo] = fos_of(uow, order.id)
    with uow.begin():  # what shipping does: the FO's units leave, then the order's
        _, locked = work.lock_for_work(fo.id, uow=uow)
        locked.ship_units(locked.open_units, at=uow.clock.now())
        work.save_fulfilment_order(locked, uow=uow)
        orders.ship_units(
            order.id,
            location="wh-a",
            units=fo.open_units,
            reference=fo.number,
            actor="t",
            uow=uow,
        )
    orders.deliver_units(order.id, units=fo.open_units, how="delivered", actor="t", uow=uow)
    deliver(engine)
    assert [f.status for f in fos_of(uow, order.id)] == [S.SHIPPED]
    assert orders.get_order(order.id, uow=uow).status is orders.OrderStatus.IN_PROGRESS
    payments.add_tender(
        payments.AddTender(
            order_id=order.id, provider=payments.ProviderName.POS, actor="till", capture=True
        ),
        uow=uow,
        providers=payments.build_providers(Settings(), uow),
    )
    deliver(engine)
    assert orders.get_order(order.id, uow=uow).status is orders.OrderStatus.COMPLETED
