"""Previewing order changes, and listing them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from oms.orders.domain.changes import ChangeStatus, OrderChange
from oms.orders.domain.commands import PreviewChange
from oms.orders.domain.editing import build_preview
from oms.orders.repository import CHANGES, ORDERS
from oms.orders.services.changes.revision import revise
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.ids import new_id


def preview_change(
    cmd: PreviewChange, *, uow: UnitOfWork, visible_to: str | None = None
) -> OrderChange:
    """Show what a change would cost and whether stock allows it; only the preview is stored."""
    with uow.begin() as tx:
        order = tx.repo(ORDERS).get(cmd.order_id, visible_to=visible_to)
        edit = revise(order, cmd.operations, lock=False, uow=uow)
        change = OrderChange(
            id=new_id(),
            order_id=order.id,
            base_version=order.version,
            status=ChangeStatus.PREVIEWED,
            operations=cmd.operations,
            preview=build_preview(order, edit),
            created_by=cmd.actor,
            created_at=tx.now,
        )
        tx.repo(CHANGES).add(change)
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
    with uow.read() as tx:
        tx.repo(ORDERS).get(order_id, visible_to=visible_to)
        return tx.repo(CHANGES).page(order_id, after=after, limit=limit)
