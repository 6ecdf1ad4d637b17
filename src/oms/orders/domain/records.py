"""What an order's changes are recorded as: a domain event for other contexts (ids and values,
no personal data) and a timeline entry for people (who, what, before and after).

``Order`` calls these after it changed; keeping the wording here keeps the aggregate about rules.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from oms.orders.domain.changes import ChangeShippingAddress, ChangeShippingMethod, OrderChange
from oms.orders.domain.events import (
    BackorderAllocated,
    HoldReleased,
    LinesCancelled,
    LineUnits,
    OrderCancelled,
    OrderChanged,
    OrderCompleted,
    OrderConfirmed,
    OrderHeld,
    OrderPlaced,
    OrderRerouted,
    PlacedUnits,
    UnitsDelivered,
    UnitsShipped,
)
from oms.orders.domain.holds import Hold
from oms.orders.domain.lifecycle import OrderStatus
from oms.orders.domain.model import Allocation, Buyer, OrderLine, Totals
from oms.orders.domain.timeline import TimelineEntry
from oms.shared.address import Address
from oms.shared.events import Event
from oms.shared.money import Money


class Order(Protocol):
    """The order as these records read it, after the change (``order.Order`` is one)."""

    @property
    def id(self) -> UUID: ...
    @property
    def number(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def buyer(self) -> Buyer: ...
    @property
    def status(self) -> OrderStatus: ...
    @property
    def version(self) -> int: ...
    @property
    def totals(self) -> Totals: ...
    @property
    def lines(self) -> tuple[OrderLine, ...]: ...
    @property
    def on_hold(self) -> bool: ...
    @property
    def placed_at(self) -> datetime: ...
    @property
    def shipping_method(self) -> str: ...
    @property
    def pickup_location(self) -> str | None: ...
    @property
    def shipping_address(self) -> Address: ...


@dataclass(frozen=True, slots=True)
class Record:
    entry: TimelineEntry
    event: Event | None = None


def _entry(actor: str, at: datetime, kind: str, summary: str, **details: Any) -> TimelineEntry:
    return TimelineEntry(at=at, actor=actor, kind=kind, summary=summary, details=details)


def placed(order: Order, actor: str) -> Record:
    lines = order.lines
    return Record(
        _entry(
            actor,
            order.placed_at,
            "placed",
            f"placed on {order.channel} for {order.totals.total}",
            after={
                "status": OrderStatus.PENDING.value,
                "total": str(order.totals.total.amount),
                "lines": [{"sku": line.sku, "quantity": line.quantity} for line in lines],
            },
        ),
        OrderPlaced(
            aggregate_id=order.id,
            number=order.number,
            channel=order.channel,
            customer_id=order.buyer.customer_id,
            total=order.totals.total,
            lines=tuple(LineUnits(sku=line.sku, quantity=line.quantity) for line in lines),
            backordered=tuple(
                LineUnits(sku=line.sku, quantity=line.backordered_quantity)
                for line in lines
                if line.backordered_quantity
            ),
        ),
    )


def backordered(order: Order, actor: str) -> Record | None:
    """The units placement could not allocate, if any (told by ``OrderPlaced`` already)."""
    waiting = [line for line in order.lines if line.backordered_quantity]
    if not waiting:
        return None
    return Record(
        _entry(
            actor,
            order.placed_at,
            "backordered",
            ", ".join(f"{ln.backordered_quantity} x {ln.sku} backordered" for ln in waiting),
            lines=[{"sku": ln.sku, "quantity": ln.backordered_quantity} for ln in waiting],
        )
    )


def confirmed(order: Order, before: OrderStatus, why: str, actor: str, at: datetime) -> Record:
    return Record(
        _entry(
            actor,
            at,
            "confirmed",
            f"confirmed: {why}",
            before={"status": before.value},
            after={"status": order.status.value},
        ),
        OrderConfirmed(aggregate_id=order.id, number=order.number),
    )


def held(order: Order, hold: Hold, actor: str, at: datetime) -> Record:
    return Record(
        _entry(
            actor,
            at,
            "held",
            f"held ({hold.reason.value}): {hold.note}".rstrip(": "),
            hold_id=str(hold.id),
            reason=hold.reason.value,
            rule=hold.rule,
            auto_release_at=hold.auto_release_at.isoformat() if hold.auto_release_at else None,
        ),
        OrderHeld(
            aggregate_id=order.id,
            number=order.number,
            hold_id=hold.id,
            reason=hold.reason.value,
            rule=hold.rule,
        ),
    )


def released(order: Order, hold: Hold, note: str, actor: str, at: datetime) -> Record:
    return Record(
        _entry(
            actor,
            at,
            "hold_released",
            f"hold released ({hold.reason.value})" + (f": {note}" if note else ""),
            hold_id=str(hold.id),
            reason=hold.reason.value,
            note=note,
            still_on_hold=order.on_hold,
        ),
        HoldReleased(
            aggregate_id=order.id,
            number=order.number,
            hold_id=hold.id,
            reason=hold.reason.value,
            still_on_hold=order.on_hold,
        ),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Before:
    """The order's status and total before a change, for the timeline's before/after."""

    status: OrderStatus
    total: Money


def cancelled(
    order: Order,
    before: Before,
    units: tuple[LineUnits, ...],
    reason: str,
    actor: str,
    at: datetime,
) -> Record:
    whole = order.status is OrderStatus.CANCELLED
    listed = ", ".join(f"{u.quantity} x {u.sku}" for u in units)
    event = OrderCancelled if whole else LinesCancelled
    return Record(
        _entry(
            actor,
            at,
            "cancelled" if whole else "lines_cancelled",
            f"{'order cancelled' if whole else 'cancelled'} ({listed}): {reason}",
            reason=reason,
            lines=[{"sku": u.sku, "quantity": u.quantity} for u in units],
            before={"status": before.status.value, "total": str(before.total.amount)},
            after={"status": order.status.value, "total": str(order.totals.total.amount)},
        ),
        event(aggregate_id=order.id, number=order.number, reason=reason, lines=units),
    )


def backorder_allocated(
    order: Order, units: tuple[LineUnits, ...], actor: str, at: datetime
) -> Record:
    return Record(
        _entry(
            actor,
            at,
            "backorder_allocated",
            ", ".join(f"{u.quantity} x {u.sku} allocated from new stock" for u in units),
            lines=[{"sku": u.sku, "quantity": u.quantity} for u in units],
        ),
        BackorderAllocated(aggregate_id=order.id, number=order.number, lines=units),
    )


def facts(order: Order, change: OrderChange) -> dict[str, Any]:
    """What a change may alter, as the timeline records it before and after."""
    found: dict[str, Any] = {
        "total": str(order.totals.total.amount),
        "lines": [{"sku": line.sku, "quantity": line.billed_quantity} for line in order.lines],
    }
    operations: Sequence[object] = change.operations
    if any(isinstance(op, ChangeShippingAddress) for op in operations):
        found["shipping_address"] = order.shipping_address.as_dict()
    if any(isinstance(op, ChangeShippingMethod) for op in operations):
        found["shipping_method"] = order.shipping_method
        found["pickup_location"] = order.pickup_location
    return found


def changed(
    order: Order,
    change: OrderChange,
    before: dict[str, Any],
    total_before: Money,
    actor: str,
    at: datetime,
) -> Record:
    kinds = [op.kind.value for op in change.operations]
    return Record(
        _entry(
            actor,
            at,
            "changed",
            f"changed ({', '.join(kinds)}): total {total_before} -> {order.totals.total}",
            change_id=str(change.id),
            operations=kinds,
            before=before,
            after=facts(order, change),
        ),
        OrderChanged(
            aggregate_id=order.id,
            number=order.number,
            version=order.version,
            changes=tuple(kinds),
            difference=order.totals.total - total_before,
        ),
    )


def _listed(units: Sequence[LineUnits]) -> str:
    return ", ".join(f"{u.quantity} x {u.sku}" for u in units)


def _placed(units: Sequence[PlacedUnits]) -> list[dict[str, Any]]:
    return [{"sku": u.sku, "location": u.location, "quantity": u.quantity} for u in units]


def shipped(
    order: Order,
    before: OrderStatus,
    location: str,
    units: tuple[LineUnits, ...],
    reference: str,
    actor: str,
    at: datetime,
) -> Record:
    return Record(
        _entry(
            actor,
            at,
            "shipped",
            f"shipped from {location} ({_listed(units)}): {reference}",
            location=location,
            reference=reference,
            lines=[{"sku": u.sku, "quantity": u.quantity} for u in units],
            before={"status": before.value},
            after={"status": order.status.value},
        ),
        UnitsShipped(
            aggregate_id=order.id,
            number=order.number,
            location=location,
            lines=units,
            reference=reference,
        ),
    )


def delivered(
    order: Order, how: str, units: tuple[LineUnits, ...], actor: str, at: datetime
) -> Record:
    done = all(line.delivered_quantity == line.billed_quantity for line in order.lines)
    return Record(
        _entry(
            actor,
            at,
            how,
            f"{how.replace('_', ' ')} ({_listed(units)})"
            + (": every unit arrived" if done else ""),
            lines=[{"sku": u.sku, "quantity": u.quantity} for u in units],
            all_delivered=done,
        ),
        UnitsDelivered(
            aggregate_id=order.id, number=order.number, how=how, lines=units, all_delivered=done
        ),
    )


def rerouted(
    order: Order,
    away_from: Collection[str],
    released: Sequence[Allocation],
    placed: Sequence[Allocation],
    backordered: Mapping[UUID, int],
    reason: str,
    actor: str,
    at: datetime,
) -> Record:
    sku = {line.id: line.sku for line in order.lines}

    def at_locations(allocations: Sequence[Allocation]) -> tuple[PlacedUnits, ...]:
        return tuple(
            PlacedUnits(sku=sku[a.line_id], location=a.location, quantity=a.quantity)
            for a in allocations
        )

    waiting = tuple(
        LineUnits(sku=sku[line_id], quantity=count)
        for line_id, count in backordered.items()
        if count
    )
    moved, went = at_locations(released), at_locations(placed)
    where = ", ".join(f"{u.quantity} x {u.sku} to {u.location}" for u in went)
    summary = f"rerouted away from {', '.join(sorted(away_from))}: " + "; ".join(
        part for part in (where, _listed(waiting) + " backordered" if waiting else "") if part
    )
    return Record(
        _entry(
            actor,
            at,
            "rerouted",
            f"{summary} ({reason})",
            reason=reason,
            away_from=sorted(away_from),
            released=_placed(moved),
            allocated=_placed(went),
            backordered=[{"sku": u.sku, "quantity": u.quantity} for u in waiting],
        ),
        OrderRerouted(
            aggregate_id=order.id,
            number=order.number,
            reason=reason,
            away_from=tuple(sorted(away_from)),
            released=moved,
            allocated=went,
            backordered=waiting,
        ),
    )


def sourced(order: Order, explanation: Mapping[str, Any], actor: str, at: datetime) -> Record:
    """The sourcing engine's decision as it explained it: the entry is the stored decision
    (``GET /v1/orders/{id}/sourcing`` reads these), so it carries no event of its own (the
    placement, backorder allocation or reroute that used it has one)."""
    summary = str(explanation.get("summary") or f"sourced order {order.number}")
    return Record(
        TimelineEntry(
            at=at, actor=actor, kind="sourced", summary=summary, details=dict(explanation)
        )
    )


def completed(order: Order, why: str, actor: str, at: datetime) -> Record:
    return Record(
        _entry(
            actor,
            at,
            "completed",
            f"completed: {why}",
            before={"status": OrderStatus.IN_PROGRESS.value},
            after={"status": order.status.value},
        ),
        OrderCompleted(aggregate_id=order.id, number=order.number),
    )
