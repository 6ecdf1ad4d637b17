"""What units coming back and linked orders are recorded as: an event for other contexts and a
timeline entry for people (the wording of ``records``, for the after-sales part of an order)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from oms.orders.domain.events import (
    LineUnits,
    LinkedOrderPlaced,
    ReturnRequested,
    ReturnWithdrawn,
    UnitsReturned,
)
from oms.orders.domain.lifecycle import OrderReturnStatus
from oms.orders.domain.model import OrderLine, OrderLink, Totals
from oms.orders.domain.records import Record
from oms.orders.domain.timeline import TimelineEntry


class Order(Protocol):
    """The order as these records read it, after the change (``order.Order`` is one)."""

    @property
    def id(self) -> UUID: ...
    @property
    def number(self) -> str: ...
    @property
    def lines(self) -> tuple[OrderLine, ...]: ...
    @property
    def return_status(self) -> OrderReturnStatus: ...


def _units(lines: Sequence[OrderLine], units: Mapping[UUID, int]) -> tuple[LineUnits, ...]:
    return tuple(
        LineUnits(sku=line.sku, quantity=units[line.id]) for line in lines if line.id in units
    )


def _listed(units: Sequence[LineUnits]) -> str:
    return ", ".join(f"{u.quantity} x {u.sku}" for u in units)


def _entry(
    actor: str, at: datetime, kind: str, summary: str, units: Sequence[LineUnits], **details: object
) -> TimelineEntry:
    return TimelineEntry(
        at=at,
        actor=actor,
        kind=kind,
        summary=summary,
        details={"lines": [{"sku": u.sku, "quantity": u.quantity} for u in units], **details},
    )


def asked_back(
    order: Order, units: Mapping[UUID, int], rma: str | None, actor: str, at: datetime
) -> Record:
    listed, status = _units(order.lines, units), order.return_status
    suffix = f" ({rma})" if rma else ""
    return Record(
        _entry(
            actor,
            at,
            "return_requested",
            f"return requested: {_listed(listed)}{suffix}",
            listed,
            rma=rma,
            return_status=status.value,
        ),
        ReturnRequested(
            aggregate_id=order.id,
            number=order.number,
            rma=rma,
            lines=listed,
            return_status=status.value,
        ),
    )


def withdrawn(order: Order, units: Mapping[UUID, int], actor: str, at: datetime) -> Record:
    listed, status = _units(order.lines, units), order.return_status
    return Record(
        _entry(
            actor,
            at,
            "return_withdrawn",
            f"return withdrawn: {_listed(listed)} no longer asked back",
            listed,
            return_status=status.value,
        ),
        ReturnWithdrawn(
            aggregate_id=order.id, number=order.number, lines=listed, return_status=status.value
        ),
    )


def received_back(order: Order, units: Mapping[UUID, int], actor: str, at: datetime) -> Record:
    listed, status = _units(order.lines, units), order.return_status
    return Record(
        _entry(
            actor,
            at,
            "returned",
            f"returned: {_listed(listed)} received back",
            listed,
            return_status=status.value,
        ),
        UnitsReturned(
            aggregate_id=order.id, number=order.number, lines=listed, return_status=status.value
        ),
    )


def linked(
    order: Order,
    child_id: UUID,
    child_number: str,
    link: OrderLink,
    totals: Totals,
    rma: str | None,
    actor: str,
    at: datetime,
) -> Record:
    """The parent's record of an exchange or reship order placed for it."""
    why = f" for {rma}" if rma else ""
    return Record(
        TimelineEntry(
            at=at,
            actor=actor,
            kind="linked_order_placed",
            summary=f"{link.kind.value} order {child_number} placed{why}",
            details={
                "order_id": str(child_id),
                "number": child_number,
                "kind": link.kind.value,
                "return_id": str(link.return_id),
                "rma": rma,
                "total": str(totals.total.amount),
            },
        ),
        LinkedOrderPlaced(
            aggregate_id=order.id,
            number=order.number,
            linked_order_id=child_id,
            linked_number=child_number,
            kind=link.kind.value,
            return_id=link.return_id,
            total=totals.total,
        ),
    )
