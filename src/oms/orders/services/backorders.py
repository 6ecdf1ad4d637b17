"""Backordered units are allocated when stock arrives, oldest order first.

Stock arrives by receipts, returns, counts, transfers and releases; each is an inventory event
on the outbox. This consumer then allocates what it can to lines waiting for that variant,
locking every waiting order before any stock row (cancellations and edits lock their order,
then stock, too).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from oms.orders.domain import Order
from oms.orders.repository import ORDERS
from oms.orders.services import sourcing
from oms.platform.subscriptions import first_delivery
from oms.platform.unit_of_work import UnitOfWork
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
        orders = tx.repo(ORDERS)
        queue = orders.waiting_for(variant_id, limit=limit)
        # Every order is locked (in id order) before any stock row: a cancellation or an edit
        # holds its order while it waits for stock, so taking an order after stock deadlocks.
        locked = {order_id: orders.get(order_id, lock=True) for order_id in sorted(queue)}
        allocated = 0
        for order_id in queue:
            order = locked[order_id]
            units = _fill(order, variant_id, at=tx.now, uow=uow)
            if units:
                orders.save(order)
                tx.record(*order.drain_events())
                allocated += units
    return allocated


def _fill(order: Order, variant_id: UUID, *, at: datetime, uow: UnitOfWork) -> int:
    """Source the order's waiting units of the variant from its locations, as far as stock
    goes; the rest keeps waiting."""
    waiting = [
        (line, line.backordered_quantity)
        for line in order.lines
        if line.variant_id == variant_id and line.backordered_quantity
    ]
    if not waiting:
        return 0
    candidates = sourcing.find_order_candidates(order, uow=uow)
    wants = sourcing.list_wants(waiting, backorders=True, uow=uow)
    plan = sourcing.source(wants, candidates, lock=True, uow=uow).plan
    allocations = plan.allocations(order.lines, candidates.codes)
    if not allocations:
        return 0
    sourcing.take_stock(allocations, reference=order.number, actor=ACTOR, uow=uow, locked=True)
    return order.allocate_backorder(allocations, actor=ACTOR, at=at)
