"""Confirming an order change: applied in one transaction if the order has not moved on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from oms.orders import repository as repo
from oms.orders.domain import ChangeNotFound, InsufficientStock, Order, TimelineEntry
from oms.orders.domain.changes import (
    ChangeNotPending,
    ChangeShippingAddress,
    ChangeShippingMethod,
    ChangeStatus,
    Operation,
    OrderChange,
    expected_version,
)
from oms.orders.domain.events import OrderChanged
from oms.orders.services.cancellation import release_allocations
from oms.orders.services.changes.previews import visible_order
from oms.orders.services.changes.revision import Revision, revise
from oms.orders.services.placement import allocate_stock
from oms.platform.unit_of_work import Transaction, UnitOfWork


@dataclass(frozen=True, kw_only=True)
class ConfirmChange:
    order_id: UUID
    change_id: UUID
    if_match: str | None
    """The order's ETag as the caller saw it; required."""
    actor: str


def confirm_change(cmd: ConfirmChange, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """Apply a previewed change while the order is still at the version the caller saw."""
    expected = expected_version(cmd.if_match)
    with uow.begin() as tx:
        order = visible_order(tx, cmd.order_id, visible_to, lock=True)
        change = repo.change_by_id(tx.connection, order.id, cmd.change_id)
        if change is None:
            raise ChangeNotFound(str(cmd.change_id))
        change.check_confirmable(order, expected)
        revision = revise(order, change.operations, lock=True, uow=uow)
        change.check_priced_as_previewed(revision.after.totals)
        if revision.plan.shortfalls:
            raise InsufficientStock(revision.plan.shortfalls)
        changed = _apply(tx, revision, actor=cmd.actor, uow=uow)
        if not repo.mark_confirmed(tx.connection, change.id, at=tx.now):
            raise ChangeNotPending(str(change.id), ChangeStatus.CONFIRMED)
        repo.append_timeline(tx.connection, order.id, [_entry(tx, revision, change, cmd.actor)])
        tx.record(
            OrderChanged(
                aggregate_id=order.id,
                number=order.number,
                version=changed.version,
                changes=tuple(op.kind.value for op in change.operations),
                difference=changed.totals.total - order.totals.total,
            )
        )
    return changed


def _apply(tx: Transaction, revision: Revision, *, actor: str, uow: UnitOfWork) -> Order:
    """Write the changed order and move its stock: new lines first (allocations refer to
    them), then releases, then allocations."""
    before = revision.before
    after = revision.after.with_changes(version=before.version + 1, updated_at=tx.now)
    c = tx.connection
    repo.insert_lines(c, after.id, [line for line in after.lines if line.id in revision.added])
    release_allocations(tx, before, list(revision.released), actor=actor, uow=uow)
    allocate_stock(before.with_changes(allocations=revision.allocated), actor=actor, uow=uow)
    repo.add_allocations(c, after.id, revision.allocated)
    kept = tuple(line for line in after.lines if line.id not in revision.added)
    repo.save_lines(c, after.with_changes(lines=kept))
    repo.save_state(c, after, now=tx.now)
    return after


def _entry(tx: Transaction, revision: Revision, change: OrderChange, actor: str) -> TimelineEntry:
    before, after = revision.before, revision.after
    kinds = [op.kind.value for op in change.operations]
    return TimelineEntry(
        at=tx.now,
        actor=actor,
        kind="changed",
        summary=f"changed ({', '.join(kinds)}): total {before.totals.total} -> "
        f"{after.totals.total}",
        details={
            "change_id": str(change.id),
            "operations": kinds,
            "before": _facts(before, change.operations),
            "after": _facts(after, change.operations),
        },
    )


def _facts(order: Order, operations: Sequence[Operation]) -> dict[str, Any]:
    """What a change may alter, as the timeline records it before and after."""
    facts: dict[str, Any] = {
        "total": str(order.totals.total.amount),
        "lines": [{"sku": line.sku, "quantity": line.billed_quantity} for line in order.lines],
    }
    if any(isinstance(op, ChangeShippingAddress) for op in operations):
        facts["shipping_address"] = order.shipping_address.as_dict()
    if any(isinstance(op, ChangeShippingMethod) for op in operations):
        facts["shipping_method"] = order.shipping_method
        facts["pickup_location"] = order.pickup_location
    return facts
