"""What payments asks of an order: the order held while its money moves, and the figures
(and timeline entry) each movement leaves on it."""

from __future__ import annotations

from uuid import UUID

from oms.orders.domain import Order, PaymentFigures, PaymentNote
from oms.orders.repository import ORDERS
from oms.platform.unit_of_work import UnitOfWork


def order_for_payment(order_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """The order, locked until the caller's transaction ends: payments takes it first when it
    adds a tender or settles a movement, so the tenders and figures of one order change one
    at a time (and always in the same lock order: the order, then its payments)."""
    with uow.begin() as tx:
        return tx.repo(ORDERS).get(order_id, lock=True, visible_to=visible_to)


def record_payment_figures(
    order_id: UUID, figures: PaymentFigures, *, note: PaymentNote, uow: UnitOfWork
) -> Order:
    """Keep what the order's tenders moved on the order, with the movement on its timeline;
    called by payments in the same transaction as the ledger change."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(order_id, lock=True)
        order.record_payment(figures, note=note, at=tx.now)
        orders.save(order)
        tx.record(*order.drain_events())
    return order
