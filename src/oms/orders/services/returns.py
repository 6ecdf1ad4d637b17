"""What returns asks of an order: delivered units asked back, withdrawn, received back; and the
release of an exchange's ``return_pending`` hold once the goods it waits for arrived.

``oms.returns`` sits above orders and changes an order only through these functions, in its own
transaction: each joins the caller's unit of work (``uow.begin()`` nests) and takes the order's
row lock first, so a return's writes follow the system's lock order (the order, then the
return, then fulfilment orders, then stock levels). The order stays the one judge of how many
units may come back: a caller's own count cannot let a unit be returned twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from oms.orders.domain import HoldReason, Order
from oms.orders.repository import ORDERS
from oms.orders.services.completion import complete_when_done
from oms.platform.unit_of_work import UnitOfWork


def request_return_units(
    order_id: UUID, units: Mapping[UUID, int], *, rma: str | None, actor: str, uow: UnitOfWork
) -> Order:
    """Ask back delivered ``units`` (line id -> units) for a return request; refused with a
    422 per line (``lines.0.quantity``) beyond delivered - returned - already asked back."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(order_id, lock=True)
        order.request_return_units(units, rma=rma, actor=actor, at=tx.now)
        order.check_invariants()
        orders.save(order)
        tx.record(*order.drain_events())
    return order


def withdraw_return_units(
    order_id: UUID, units: Mapping[UUID, int], *, actor: str, uow: UnitOfWork
) -> Order:
    """Units asked back are not coming (the return was declined or cancelled)."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(order_id, lock=True)
        order.withdraw_return_units(units, actor=actor, at=tx.now)
        order.check_invariants()
        orders.save(order)
        tx.record(*order.drain_events())
    return order


def receive_returned_units(
    order_id: UUID, units: Mapping[UUID, int], *, actor: str, uow: UnitOfWork
) -> Order:
    """Units asked back arrived: counted returned (call it in the transaction that posts
    their stock movements, so the two agree)."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(order_id, lock=True)
        order.receive_returned_units(units, actor=actor, at=tx.now)
        order.check_invariants()
        orders.save(order)
        tx.record(*order.drain_events())
    return order


def release_return_hold(order_id: UUID, *, actor: str, uow: UnitOfWork) -> Order:
    """Release the order's open ``return_pending`` holds (an exchange's goods arrived); the
    last hold out confirms it and fulfilment releases its work. Nothing is written when none
    is open, so a retried receipt is harmless."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(order_id, lock=True)
        waiting = [h for h in order.open_holds if h.reason is HoldReason.RETURN_PENDING]
        if not waiting:
            return order
        for hold in waiting:
            order.release(hold.id, note="the returned goods arrived", actor=actor, at=tx.now)
        complete_when_done(order, actor=actor, at=tx.now, uow=uow)
        orders.save(order)
        tx.record(*order.drain_events())
    return order
