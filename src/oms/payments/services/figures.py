"""Step: an order's payment figures, worked out from its ledger and kept on the order.

Called in the transaction that changed the ledger, after the order was locked (``settling``
locks it first), so the sums read here include every committed movement of the order's other
tenders and no concurrent movement can write older figures over these.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from uuid import UUID

from oms import orders
from oms.payments.domain import OrderPayments, Payment, PaymentTransaction
from oms.payments.domain import records as wording
from oms.payments.repository import LEDGER
from oms.payments.repository.refund_policy import GOODWILL_REFUNDS
from oms.platform.unit_of_work import UnitOfWork


def summarise(
    order: orders.Order, payments: Sequence[Payment], concessions: Collection[UUID]
) -> OrderPayments:
    """The order's money from its tenders, ``concessions`` being the refund transactions its
    goodwill refunds began (``OrderPayments`` documents the rule)."""
    return OrderPayments.of(
        order.totals.total,
        payments,
        cancelled=order.status is orders.OrderStatus.CANCELLED,
        concessions=concessions,
    )


def record_figures(
    order: orders.Order, payment: Payment, moved: PaymentTransaction, *, uow: UnitOfWork
) -> OrderPayments:
    """Sum the order's ledger and keep the result on the order, with ``moved`` (a movement of
    ``payment`` just settled) as its timeline entry."""
    with uow.begin() as tx:
        summary = summarise(
            order,
            tx.repo(LEDGER).by_order(order.id),
            tx.repo(GOODWILL_REFUNDS).transaction_ids(order.id),
        )
        figures = orders.PaymentFigures(
            status=orders.PaymentStatus(summary.payment_status.value),
            authorized=summary.authorized,
            captured=summary.captured,
            refunded=summary.refunded,
            conceded=summary.conceded,
        )
        note = orders.PaymentNote(
            kind=wording.timeline_kind(moved),
            summary=wording.timeline_summary(payment, moved),
            actor=moved.actor,
            details=wording.timeline_details(payment, moved),
        )
        orders.record_payment_figures(order.id, figures, note=note, uow=uow)
    return summary


def order_payments(
    order_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None
) -> OrderPayments:
    """An order's money at a glance: authorised, captured, refunded (of which conceded),
    balance due, status."""
    with uow.read() as tx:
        order = orders.get_order(order_id, uow=uow, visible_to=visible_to)
        return summarise(
            order,
            tx.repo(LEDGER).by_order(order_id),
            tx.repo(GOODWILL_REFUNDS).transaction_ids(order_id),
        )
