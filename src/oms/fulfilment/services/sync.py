"""Keeping an order's fulfilment orders true to the order: one reconciliation, run after every
change of the order (the ``fulfilment.release`` consumer) and by fulfilment's own writes.

**The invariant.** For every order line and location, the open units of the location's active
FOs equal the order's allocation there. The order is the truth (sourcing, holds, cancellation
and rerouting live there); FOs follow it:

- units allocated and not yet in a FO: added to the location's ``open`` FO, or a new FO
  (``<order number>-F<n>``; ``pickup`` when the order is picked up; its promise from the
  location's settings; one more order in the location's daily load);
- units in FOs and no longer allocated (cancelled, re-sourced away): taken from the FOs that
  have started least (open before in progress, newest first); a FO left with nothing open is
  cancelled, or shipped when the rest of it shipped already;
- the order held: every workable FO goes on hold; its holds released: they come back;
- the order cancelled: its allocations are gone, so the rule above cancels every FO that has
  not shipped.

A pending order has no FOs yet: the work is released to locations once the order is confirmed
(payment and checks done). Because the result depends only on the order and the FOs as they
stand, running it twice changes nothing the second time: the consumer is idempotent without
remembering events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from uuid import UUID

from oms import orders, sourcing
from oms.fulfilment.domain.fulfilment_orders import (
    FulfilmentLine,
    FulfilmentOrder,
    NewFulfilmentOrder,
    open_units_at,
)
from oms.fulfilment.domain.lifecycle import Delivery, FulfilmentOrderStatus
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS, FulfilmentOrders
from oms.fulfilment.repository.settings import LOCATION_SETTINGS
from oms.platform.unit_of_work import Transaction, UnitOfWork

S = FulfilmentOrderStatus
RELEASED = frozenset({orders.OrderStatus.CONFIRMED, orders.OrderStatus.IN_PROGRESS})
"""Order statuses whose allocations are work for locations."""
TAKE_FIRST = {S.OPEN: 0, S.ON_HOLD: 1, S.IN_PROGRESS: 2, S.READY_FOR_PICKUP: 3}
"""Which FOs give up units first when fewer are allocated: those least started."""


def sync_fulfilment_orders(
    order: orders.Order, *, actor: str, uow: UnitOfWork
) -> list[FulfilmentOrder]:
    """Reconcile the order's FOs with ``order`` (which the caller holds locked), in the
    caller's transaction; the order's FOs afterwards, in id order (see the module docstring).
    Only what differs is written."""
    with uow.begin() as tx:
        repo = tx.repo(FULFILMENT_ORDERS)
        fos = repo.for_order(order.id, lock=True)
        if order.status not in RELEASED and not fos:
            return []
        wanted = _allocated(order) if order.status is not orders.OrderStatus.PENDING else {}
        created: list[FulfilmentOrder] = []
        for location in sorted(wanted.keys() | {fo.location for fo in fos if fo.active}):
            want = wanted.get(location, {})
            have = open_units_at(fos, location)
            _take_away(fos, location, _excess(have, want), tx)
            more = _excess(want, have)
            if more:
                new = _give(order, location, more, fos, repo, tx, uow)
                created.extend(new)
                fos.extend(new)
        _follow_holds(order, fos, tx)
        for fo in fos:
            _save(repo, fo, tx)
        if created:
            _note_released(order, created, actor=actor, uow=uow)
        return sorted(fos, key=lambda fo: fo.id)


def _allocated(order: orders.Order) -> dict[str, dict[UUID, int]]:
    """The order's allocations as location code -> line id -> units."""
    wanted: dict[str, dict[UUID, int]] = defaultdict(dict)
    for a in order.allocations:
        if a.quantity > 0:
            at = wanted[a.location]
            at[a.line_id] = at.get(a.line_id, 0) + a.quantity
    return wanted


def _excess(a: dict[UUID, int], b: dict[UUID, int]) -> dict[UUID, int]:
    """Units per line that ``a`` has beyond ``b``."""
    return {line: n - b.get(line, 0) for line, n in a.items() if n > b.get(line, 0)}


def _take_away(
    fos: Iterable[FulfilmentOrder], location: str, units: dict[UUID, int], tx: Transaction
) -> None:
    """Take ``units`` from the location's active FOs, least started and newest first."""
    if not units:
        return
    left = dict(units)
    givers = [fo for fo in fos if fo.location == location and fo.active]
    givers.sort(key=lambda fo: (TAKE_FIRST[fo.status], -fo.created_at.timestamp()))
    for fo in givers:
        taken = {i: min(n, fo.open_units.get(i, 0)) for i, n in left.items()}
        taken = {i: n for i, n in taken.items() if n > 0}
        if taken:
            fo.reduce(taken, at=tx.now)
            left = {i: n - taken.get(i, 0) for i, n in left.items() if n > taken.get(i, 0)}


def _give(
    order: orders.Order,
    location: str,
    units: dict[UUID, int],
    fos: Sequence[FulfilmentOrder],
    repo: FulfilmentOrders,
    tx: Transaction,
    uow: UnitOfWork,
) -> list[FulfilmentOrder]:
    """Put newly allocated ``units`` at ``location`` into its open FO, or a new one (returned
    in a list, empty when an open FO took them)."""
    lines = {
        line_id: FulfilmentLine(
            line_id=line_id,
            variant_id=order.line(line_id).variant_id,
            sku=order.line(line_id).sku,
            name=order.line(line_id).name,
            quantity=count,
        )
        for line_id, count in units.items()
    }
    for fo in fos:
        if fo.location == location and fo.status is S.OPEN:
            fo.add_units(lines, at=tx.now)
            return []
    location_id = next(a.location_id for a in order.allocations if a.location == location)
    settings = tx.repo(LOCATION_SETTINGS).get(location_id, location)
    fo = FulfilmentOrder.create(
        NewFulfilmentOrder(
            number=repo.next_number(order.id, order.number),
            order_id=order.id,
            order_number=order.number,
            channel=order.channel,
            location_id=location_id,
            location=location,
            delivery=Delivery.PICKUP if order.pickup_location else Delivery.SHIP,
            pickup_location=order.pickup_location,
            ship_by=settings.ship_by(tx.now),
            lines=tuple(lines.values()),
        ),
        at=tx.now,
    )
    repo.add(fo)
    sourcing.record_load(location_id, on=settings.local_day(tx.now), uow=uow)
    return [fo]


def _follow_holds(order: orders.Order, fos: Iterable[FulfilmentOrder], tx: Transaction) -> None:
    held = order.on_hold and order.status in RELEASED
    for fo in fos:
        if held and fo.status in (S.OPEN, S.IN_PROGRESS):
            fo.hold(at=tx.now)
        elif not held and fo.status is S.ON_HOLD:
            fo.release(at=tx.now)


def _note_released(
    order: orders.Order, created: Sequence[FulfilmentOrder], *, actor: str, uow: UnitOfWork
) -> None:
    """The order's timeline says where its work went and by when it should ship."""
    where = ", ".join(f"{fo.number} at {fo.location}" for fo in created)
    orders.note_on_timeline(
        order.id,
        kind="fulfilment_released",
        summary=f"Released to fulfilment: {where}",
        details={
            "fulfilment_orders": [
                {
                    "id": str(fo.id),
                    "number": fo.number,
                    "location": fo.location,
                    "ship_by": fo.ship_by.isoformat(),
                    "units": {str(i): n for i, n in fo.open_units.items()},
                }
                for fo in created
            ]
        },
        actor=actor,
        uow=uow,
    )


def _save(repo: FulfilmentOrders, fo: FulfilmentOrder, tx: Transaction) -> None:
    events = fo.drain_events()
    if events:
        repo.save(fo)
        tx.record(*events)
