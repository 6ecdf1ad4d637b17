"""Cancelling an order, or some units of its lines, releasing exactly the stock they held."""

from __future__ import annotations

from functools import partial

from oms.orders.domain import Order
from oms.orders.domain.commands import CancelOrder
from oms.orders.repository import ORDERS
from oms.orders.services import repricing, sourcing
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid


def cancel_order(cmd: CancelOrder, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """Cancel units not yet shipped; refused (409) once they have shipped."""
    if not cmd.reason.strip():
        raise Invalid("a cancellation needs a reason", field="reason")
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(cmd.order_id, lock=True, visible_to=visible_to)
        if cmd.lines is None:
            released = order.cancel(reason=cmd.reason, actor=cmd.actor, at=tx.now)
        else:
            released = order.cancel_units(
                cmd.lines,
                reason=cmd.reason,
                actor=cmd.actor,
                at=tx.now,
                reprice=partial(repricing.reprice, uow=uow),
            )
        sourcing.give_back_stock(released, reference=order.number, actor=cmd.actor, uow=uow)
        orders.save(order)
        tx.record(*order.drain_events())
    return order
