"""Confirming an order change: applied in one transaction if the order has not moved on."""

from __future__ import annotations

from oms.orders.domain import ChangeNotFound, Order
from oms.orders.domain.changes import expected_version
from oms.orders.domain.commands import ConfirmChange
from oms.orders.repository import CHANGES, ORDERS
from oms.orders.services import sourcing
from oms.orders.services.changes.revision import revise
from oms.platform.unit_of_work import UnitOfWork


def confirm_change(cmd: ConfirmChange, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """Apply a previewed change while the order is still at the version the caller saw.

    The order row is locked first, then (by ``revise``) every stock row the change may touch;
    stock is released before it is taken again, and the order is saved last: its new lines
    before the allocations that refer to them.
    """
    expected = expected_version(cmd.if_match)
    with uow.begin() as tx:
        orders, changes = tx.repo(ORDERS), tx.repo(CHANGES)
        order = orders.get(cmd.order_id, lock=True, visible_to=visible_to)
        change = changes.get(order.id, cmd.change_id)
        if change is None:
            raise ChangeNotFound(str(cmd.change_id))
        order.check_confirmable(change, expected)
        edit = revise(order, change.operations, lock=True, uow=uow)
        order.apply_change(change, edit, expected_version=expected, actor=cmd.actor, at=tx.now)
        reference, actor = order.number, cmd.actor
        sourcing.give_back_stock(edit.released, reference=reference, actor=actor, uow=uow)
        sourcing.take_stock(edit.allocated, reference=reference, actor=actor, uow=uow)
        orders.save(order)
        changes.save_confirmed(change.confirmed(tx.now))
        tx.record(*order.drain_events())
    return order
