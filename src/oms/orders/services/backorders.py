"""Backordered units are allocated when stock arrives, oldest order first.

Stock arrives by receipts, returns, counts, transfers and releases; each is an inventory event
on the outbox. This consumer then allocates what it can to lines waiting for that variant,
locking every waiting order before any stock row (cancellations and edits lock their order,
then stock, too).
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from sqlalchemy import select

from oms import channels, inventory
from oms.orders import repository as repo
from oms.orders.domain import Allocation, Order, OrderStatus, TimelineEntry
from oms.orders.domain.events import BackorderAllocated, LineUnits
from oms.orders.domain.sourcing import Want, plan
from oms.orders.tables import order_lines, orders
from oms.platform.subscriptions import first_delivery
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.events import Envelope

CONSUMER = "orders.backorders"
ACTOR = "system:backorders"


def handle_stock_event(envelope: Envelope, *, uow: UnitOfWork) -> None:
    """Consumer of inventory events: try the variant's backorders, once per event.

    Every inventory event's aggregate is the inventory item, whose id is the variant's.
    """
    with uow.begin():
        if first_delivery(uow, CONSUMER, envelope):
            allocate_backorders(envelope.event.aggregate_id, uow=uow)


def allocate_backorders(variant_id: UUID, *, uow: UnitOfWork, limit: int = 50) -> int:
    """Allocate waiting units of ``variant_id``; returns how many units were allocated."""
    with uow.begin() as tx:
        waiting = (
            tx.connection.execute(
                select(order_lines.c.order_id)
                .join(orders, orders.c.id == order_lines.c.order_id)
                .where(
                    order_lines.c.variant_id == variant_id,
                    order_lines.c.backordered_quantity > 0,
                    orders.c.status.in_(
                        [
                            OrderStatus.PENDING.value,
                            OrderStatus.CONFIRMED.value,
                            OrderStatus.IN_PROGRESS.value,
                        ]
                    ),
                )
                .order_by(orders.c.placed_at, orders.c.id)
                .limit(limit)
            )
            .scalars()
            .all()
        )
        # Every order is locked (in id order) before any stock row: a cancellation or an edit
        # holds its order while it waits for stock, so taking an order after stock deadlocks.
        queue = list(dict.fromkeys(waiting))
        locked = {i: repo.order_by_id(tx.connection, i, lock=True) for i in sorted(queue)}
        allocated = 0
        for order_id in queue:
            order = locked[order_id]
            if order is not None:
                allocated += _fill(tx, order, variant_id, uow=uow)
    return allocated


def _candidates(order: Order, *, uow: UnitOfWork) -> dict[UUID, str]:
    if order.pickup_location is not None:
        found = channels.locations_by_codes([order.pickup_location], uow=uow)
        return {loc.id: loc.code for loc in found.values()}
    ids = channels.serving_location_ids(uow=uow, channel_codes=[order.channel]).get(
        order.channel, []
    )
    found_by_id = channels.locations_by_ids(ids, uow=uow)
    return {
        i: found_by_id[i].code
        for i in ids
        if i in found_by_id and found_by_id[i].active and found_by_id[i].ships
    }


def _fill(tx: Transaction, order: Order, variant_id: UUID, *, uow: UnitOfWork) -> int:
    lines = [
        line for line in order.lines if line.variant_id == variant_id and line.backordered_quantity
    ]
    codes = _candidates(order, uow=uow)
    levels = inventory.levels_for_update([(variant_id, loc) for loc in codes], uow=uow)
    available = {key: lv.on_hand - lv.allocated - lv.unavailable for key, lv in levels.items()}
    wants = [
        Want(
            line_no=line.line_no,
            variant_id=variant_id,
            sku=line.sku,
            quantity=line.backordered_quantity,
            backorderable=True,
        )
        for line in lines
    ]
    result = plan(wants, list(codes), available)
    if not result.picks:
        return 0
    by_no = {line.line_no: line for line in lines}
    allocations = [
        Allocation(
            line_id=by_no[p.line_no].id,
            variant_id=variant_id,
            location_id=p.location_id,
            location=codes[p.location_id],
            quantity=p.quantity,
        )
        for p in result.picks
    ]
    inventory.allocate(
        inventory.StockLines(
            lines=tuple(
                inventory.StockLine(
                    variant_id=a.variant_id, location_id=a.location_id, quantity=a.quantity
                )
                for a in allocations
            ),
            reference=order.number,
            actor=ACTOR,
        ),
        uow=uow,
    )
    repo.add_allocations(tx.connection, order.id, allocations)
    filled = {no: by_no[no].backordered_quantity - result.backordered.get(no, 0) for no in by_no}
    updated = order.with_changes(
        lines=tuple(
            replace(line, backordered_quantity=result.backordered.get(line.line_no, 0))
            if line.line_no in by_no
            else line
            for line in order.lines
        ),
        version=order.version + 1,
    )
    repo.save_lines(tx.connection, updated)
    repo.save_state(tx.connection, updated, now=tx.now)
    units = tuple(LineUnits(sku=by_no[no].sku, quantity=q) for no, q in filled.items() if q)
    repo.append_timeline(
        tx.connection,
        order.id,
        [
            TimelineEntry(
                at=tx.now,
                actor=ACTOR,
                kind="backorder_allocated",
                summary=", ".join(
                    f"{u.quantity} x {u.sku} allocated from new stock" for u in units
                ),
                details={"lines": [{"sku": u.sku, "quantity": u.quantity} for u in units]},
            )
        ],
    )
    tx.record(BackorderAllocated(aggregate_id=order.id, number=order.number, lines=units))
    return sum(u.quantity for u in units)
