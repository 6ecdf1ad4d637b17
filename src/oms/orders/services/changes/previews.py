"""Previewing order changes, and listing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.orders import repository as repo
from oms.orders.domain import Order, OrderNotFound
from oms.orders.domain.changes import (
    ChangePreview,
    ChangeStatus,
    LinePreview,
    Operation,
    OrderChange,
)
from oms.orders.services.changes.revision import Revision, revise
from oms.orders.services.queries import get_order
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class PreviewChange:
    order_id: UUID
    operations: tuple[Operation, ...]
    actor: str


def preview_change(
    cmd: PreviewChange, *, uow: UnitOfWork, visible_to: str | None = None
) -> OrderChange:
    """Show what a change would cost and whether stock allows it; only the preview is stored."""
    with uow.begin() as tx:
        order = visible_order(tx, cmd.order_id, visible_to, lock=False)
        revision = revise(order, cmd.operations, lock=False, uow=uow)
        change = OrderChange(
            id=new_id(),
            order_id=order.id,
            base_version=order.version,
            status=ChangeStatus.PREVIEWED,
            operations=cmd.operations,
            preview=_preview(revision),
            created_by=cmd.actor,
            created_at=tx.now,
        )
        repo.insert_change(tx.connection, change)
    return change


def list_changes(
    order_id: UUID,
    *,
    uow: UnitOfWork,
    after: tuple[datetime, UUID] | None,
    limit: int,
    visible_to: str | None = None,
) -> list[OrderChange]:
    """An order's previewed and confirmed changes, newest first."""
    get_order(order_id, uow=uow, visible_to=visible_to)
    with uow.read() as tx:
        return repo.list_changes(tx.connection, order_id, after=after, limit=limit)


def visible_order(tx: Transaction, order_id: UUID, visible_to: str | None, *, lock: bool) -> Order:
    """The order, row-locked with ``lock``; another channel's order does not exist."""
    order = repo.order_by_id(tx.connection, order_id, lock=lock)
    if order is None or (visible_to is not None and order.channel != visible_to):
        raise OrderNotFound(str(order_id))
    return order


def _preview(revision: Revision) -> ChangePreview:
    before = {line.id: line.billed_quantity for line in revision.before.lines}
    after = revision.after
    return ChangePreview(
        current_totals=revision.before.totals,
        new_totals=after.totals,
        lines=tuple(
            LinePreview(
                line_id=None if line.id in revision.added else line.id,
                line_no=line.line_no,
                sku=line.sku,
                name=line.name,
                previous_quantity=before.get(line.id, 0),
                quantity=line.billed_quantity,
                unit_price=line.unit_price,
                subtotal=line.subtotal,
                discount=line.discount,
                tax_rate=line.tax_rate,
                tax=line.tax,
                total=line.total,
            )
            for line in after.lines
        ),
        stock=revision.stock,
        shipping_method=after.shipping_method,
        pickup_location=after.pickup_location,
    )
