"""Cancelling an order, or some units of its lines, releasing exactly the stock they held."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from uuid import UUID

from oms import inventory
from oms.orders import repository as repo
from oms.orders.domain import (
    Allocation,
    Order,
    OrderAction,
    OrderLine,
    OrderNotFound,
    TimelineEntry,
)
from oms.orders.domain.events import LinesCancelled, LineUnits, OrderCancelled
from oms.orders.services.repricing import reprice
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.errors import Invalid


@dataclass(frozen=True, kw_only=True)
class CancelOrder:
    """Cancel the whole order (``lines`` None) or the given units per line id."""

    order_id: UUID
    reason: str
    actor: str
    lines: Mapping[UUID, int] | None = None


def cancel_order(cmd: CancelOrder, *, uow: UnitOfWork, visible_to: str | None = None) -> Order:
    """Cancel units not yet shipped; refused (409) once they have shipped."""
    if not cmd.reason.strip():
        raise Invalid("a cancellation needs a reason", field="reason")
    with uow.begin() as tx:
        order = repo.order_by_id(tx.connection, cmd.order_id, lock=True)
        if order is None or (visible_to is not None and order.channel != visible_to):
            raise OrderNotFound(str(cmd.order_id))
        units = (
            order.whole_cancellation() if cmd.lines is None else order.cancellable(dict(cmd.lines))
        )
        lines, released = cancel_units(order, units)
        release_allocations(tx, order, released, actor=cmd.actor, uow=uow)
        order = order.with_changes(allocations=remaining_allocations(order, released))
        whole = all(line.open_quantity == 0 and line.fulfilled_quantity == 0 for line in lines)
        cancelled = _apply(tx, order, lines, whole=whole, reason=cmd.reason, uow=uow)
        repo.save_lines(tx.connection, cancelled)
        repo.save_state(tx.connection, cancelled, now=tx.now)
        units_out = tuple(LineUnits(sku=order.line(i).sku, quantity=q) for i, q in units.items())
        repo.append_timeline(
            tx.connection, order.id, [_entry(tx, order, cancelled, units_out, cmd, whole=whole)]
        )
        event_type = OrderCancelled if whole else LinesCancelled
        tx.record(
            event_type(
                aggregate_id=order.id, number=order.number, reason=cmd.reason, lines=units_out
            )
        )
    return cancelled


def cancel_units(
    order: Order, units: Mapping[UUID, int]
) -> tuple[tuple[OrderLine, ...], list[Allocation]]:
    """Cancel backordered units first (they hold no stock), then release allocated ones."""
    released: list[Allocation] = []
    lines = []
    for line in order.lines:
        count = units.get(line.id, 0)
        from_backorder = min(count, line.backordered_quantity)
        to_release = count - from_backorder
        for allocation in reversed([a for a in order.allocations if a.line_id == line.id]):
            take = min(to_release, allocation.quantity)
            if take:
                released.append(replace(allocation, quantity=take))
                to_release -= take
        lines.append(
            replace(
                line,
                cancelled_quantity=line.cancelled_quantity + count,
                backordered_quantity=line.backordered_quantity - from_backorder,
            )
        )
    return tuple(lines), released


def remaining_allocations(order: Order, released: list[Allocation]) -> tuple[Allocation, ...]:
    """The order's allocations after ``released`` units went back to stock."""
    taken = {(a.line_id, a.location_id): a.quantity for a in released}
    left = (
        replace(a, quantity=a.quantity - taken.get((a.line_id, a.location_id), 0))
        for a in order.allocations
    )
    return tuple(a for a in left if a.quantity > 0)


def release_allocations(
    tx: Transaction, order: Order, released: list[Allocation], *, actor: str, uow: UnitOfWork
) -> None:
    """Give units back to stock and take them off the order's allocations."""
    if not released:
        return
    repo.remove_allocations(tx.connection, released)
    inventory.release(
        inventory.StockLines(
            lines=tuple(
                inventory.StockLine(
                    variant_id=a.variant_id, location_id=a.location_id, quantity=a.quantity
                )
                for a in released
            ),
            reference=order.number,
            actor=actor,
        ),
        uow=uow,
    )


def _apply(
    tx: Transaction,
    order: Order,
    lines: tuple[OrderLine, ...],
    *,
    whole: bool,
    reason: str,
    uow: UnitOfWork,
) -> Order:
    if whole:
        return order.with_changes(
            lines=lines,
            status=order.next_status(OrderAction.CANCEL),
            version=order.version + 1,
            cancelled_at=tx.now,
            cancel_reason=reason,
        )
    priced_lines, totals = reprice(order, lines, uow=uow)
    return order.with_changes(lines=priced_lines, totals=totals, version=order.version + 1)


def _entry(
    tx: Transaction,
    before: Order,
    after: Order,
    units: tuple[LineUnits, ...],
    cmd: CancelOrder,
    *,
    whole: bool,
) -> TimelineEntry:
    listed = ", ".join(f"{u.quantity} x {u.sku}" for u in units)
    return TimelineEntry(
        at=tx.now,
        actor=cmd.actor,
        kind="cancelled" if whole else "lines_cancelled",
        summary=f"{'order cancelled' if whole else 'cancelled'} ({listed}): {cmd.reason}",
        details={
            "reason": cmd.reason,
            "lines": [{"sku": u.sku, "quantity": u.quantity} for u in units],
            "before": {"status": before.status.value, "total": str(before.totals.total.amount)},
            "after": {"status": after.status.value, "total": str(after.totals.total.amount)},
        },
    )
