"""Reading many orders: filtered pages and the timeline.

A page of orders is one statement: the page itself (one probe of the index that matches the
filter, newest first, ``limit`` rows) joined to its lines, their allocations and the orders'
holds, so that a search is one round trip whatever the page holds (a page of 50 orders of five
lines is a few hundred rows; holds are rare, so the fan-out of lines by holds stays small).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Row,
    Select,
    Table,
    and_,
    bindparam,
    exists,
    or_,
    select,
)

from oms.orders.domain import (
    Allocation,
    Hold,
    HoldReason,
    Order,
    OrderLine,
    OrderStatus,
    PaymentStatus,
    TimelineEntry,
)
from oms.orders.repository.rows import hold_from_row, line_from_row, order_from_row
from oms.orders.tables import (
    order_allocations,
    order_holds,
    order_lines,
    order_timeline,
    orders,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFilter:
    status: OrderStatus | None = None
    channel: str | None = None
    customer_email: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    on_hold: bool | None = None
    q: str | None = None
    customer_ids: tuple[UUID, ...] = ()
    """With ``q``: orders of these customers match too (the console's search by name, email
    or phone, resolved to profiles by ``oms.customers`` first, a bounded number of them)."""
    payment_status: PaymentStatus | None = None
    hold_reason: HoldReason | None = None
    """Orders with an open hold of this reason."""
    backordered: bool | None = None
    """True: orders with a line waiting for stock (``ix_order_lines_waiting`` holds them)."""
    order_ids: tuple[UUID, ...] | None = None
    """Only these orders (a list another context found, such as failed payments)."""


def search_orders(
    c: Connection, f: OrderFilter, *, after: tuple[datetime, UUID] | None, limit: int
) -> list[Order]:
    """Newest first, keyset-paged on (placed_at, id): one statement (see the module's note)."""
    values = _values(f, after) | {"limit": limit}
    shape = tuple(sorted(name for name in values if name != "limit"))
    statement = _STATEMENTS.get(shape)
    if statement is None:
        statement = _STATEMENTS[shape] = _page_with_children(shape)
    return _assemble(c.execute(statement, values).all())


def _values(f: OrderFilter, after: tuple[datetime, UUID] | None) -> dict[str, Any]:
    """The filter's values by the name of the condition that takes them."""
    values: dict[str, Any] = {}
    if f.status is not None:
        values["status"] = f.status.value
    if f.channel is not None:
        values["channel"] = f.channel
    if f.customer_email is not None:
        values["email"] = f.customer_email.strip().lower()
    if f.placed_from is not None:
        values["placed_from"] = f.placed_from
    if f.placed_to is not None:
        values["placed_to"] = f.placed_to
    if f.on_hold is not None:
        values["on_hold"] = f.on_hold
    if f.q:
        values["number"], values["external_id"] = f.q.strip().upper(), f.q.strip()
        if f.customer_ids:
            values["customer_ids"] = list(f.customer_ids)
    if after is not None:
        values["after_placed"], values["after_id"] = after
    return values | _desk_values(f)


def _desk_values(f: OrderFilter) -> dict[str, Any]:
    """The values of the console's filters (payment status, hold reason, backorders, ids)."""
    values: dict[str, Any] = {}
    if f.payment_status is not None:
        values["payment_status"] = f.payment_status.value
    if f.hold_reason is not None:
        values["hold_reason"] = f.hold_reason.value
    if f.backordered is not None:
        values["backordered" if f.backordered else "not_backordered"] = True
    if f.order_ids is not None:
        values["order_ids"] = list(f.order_ids)
    return values


def _conditions(shape: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """The conditions for the values named in ``shape``, each value a bound parameter."""
    o, given = orders.c, set(shape)
    conditions: dict[str, ColumnElement[bool]] = {
        "status": o.status == bindparam("status", type_=o.status.type),
        "channel": o.channel_code == bindparam("channel", type_=o.channel_code.type),
        "email": o.customer_email == bindparam("email", type_=o.customer_email.type),
        "placed_from": o.placed_at >= bindparam("placed_from", type_=o.placed_at.type),
        "placed_to": o.placed_at < bindparam("placed_to", type_=o.placed_at.type),
        "on_hold": o.on_hold == bindparam("on_hold", type_=o.on_hold.type),
        "number": or_(
            o.number == bindparam("number", type_=o.number.type),
            o.external_id == bindparam("external_id", type_=o.external_id.type),
            *([_of_customers(o.customer_id)] if "customer_ids" in given else []),
        ),
        "payment_status": o.payment_status
        == bindparam("payment_status", type_=o.payment_status.type),
        "hold_reason": exists().where(
            order_holds.c.order_id == o.id,
            order_holds.c.reason == bindparam("hold_reason", type_=order_holds.c.reason.type),
            order_holds.c.released_at.is_(None),
        ),
        "backordered": and_(_waiting(o.id), bindparam("backordered", type_=o.on_hold.type)),
        "not_backordered": and_(
            ~_waiting(o.id), bindparam("not_backordered", type_=o.on_hold.type)
        ),
        "order_ids": o.id.in_(bindparam("order_ids", expanding=True, type_=o.id.type)),
        "after_placed": or_(
            o.placed_at < bindparam("after_placed", type_=o.placed_at.type),
            and_(
                o.placed_at == bindparam("after_placed", type_=o.placed_at.type),
                o.id < bindparam("after_id", type_=o.id.type),
            ),
        ),
    }
    return [condition for name, condition in conditions.items() if name in given]


def _of_customers(customer_id: ColumnElement[Any]) -> ColumnElement[bool]:
    return customer_id.in_(bindparam("customer_ids", expanding=True, type_=customer_id.type))


def _waiting(order_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """Whether a line of the order waits for stock (a probe of ``ix_order_lines_waiting``)."""
    return order_id.in_(
        select(order_lines.c.order_id).where(order_lines.c.backordered_quantity > 0)
    )


_STATEMENTS: dict[tuple[str, ...], Select[Any]] = {}
"""The joined page statement for each combination of filters, built once per process."""

_ORDER_COLUMNS = len(orders.c)
_LINE_COLUMNS = len(order_lines.c)
_ALLOCATION_COLUMNS = len(order_allocations.c)


def _record(table: Table) -> Any:
    return namedtuple(f"{table.name}_row", [c.name for c in table.c])


_LineRow, _HoldRow, _AllocationRow = map(_record, (order_lines, order_holds, order_allocations))
"""A child's columns of a joined row, by their own names (what the row mappings read)."""


def _page_with_children(shape: tuple[str, ...]) -> Select[Any]:
    page = (
        select(orders)
        .where(*_conditions(shape))
        .order_by(orders.c.placed_at.desc(), orders.c.id.desc())
        .limit(bindparam("limit", type_=Integer))
        .subquery("page")
    )
    lines, allocations, holds = order_lines, order_allocations, order_holds
    joined = (
        page.outerjoin(lines, lines.c.order_id == page.c.id)
        .outerjoin(
            allocations, and_(allocations.c.line_id == lines.c.id, allocations.c.quantity > 0)
        )
        .outerjoin(holds, holds.c.order_id == page.c.id)
    )
    return (
        select(
            page,
            *(column.label(f"l_{column.name}") for column in lines.c),
            *(column.label(f"a_{column.name}") for column in allocations.c),
            *(column.label(f"h_{column.name}") for column in holds.c),
        )
        .select_from(joined)
        .order_by(
            page.c.placed_at.desc(),
            page.c.id.desc(),
            lines.c.line_no,
            allocations.c.location_code,
            holds.c.placed_at,
            holds.c.id,
        )
    )


@dataclass(slots=True)
class _Loaded:
    row: Row[Any]
    lines: dict[UUID, OrderLine]
    allocations: dict[tuple[UUID, UUID], Allocation]
    holds: dict[UUID, Hold]


def _assemble(rows: Sequence[Row[Any]]) -> list[Order]:
    """The joined rows (one per line, allocation and hold) as orders, in the page's order;
    holds come in (placed_at, id) order, as the statement sorts them within every line."""
    starts = _ORDER_COLUMNS, _ORDER_COLUMNS + _LINE_COLUMNS
    holds_at = starts[1] + _ALLOCATION_COLUMNS
    loaded: dict[UUID, _Loaded] = {}
    for row in rows:
        found = loaded.get(row.id)
        if found is None:
            found = loaded[row.id] = _Loaded(row, {}, {}, {})
        line = _LineRow(*row[starts[0] : starts[1]])
        if line.id is not None and line.id not in found.lines:
            found.lines[line.id] = line_from_row(line, row.currency)
        a = _AllocationRow(*row[starts[1] : holds_at])
        if a.location_id is not None and (a.line_id, a.location_id) not in found.allocations:
            found.allocations[(a.line_id, a.location_id)] = Allocation(
                line_id=a.line_id,
                variant_id=a.variant_id,
                location_id=a.location_id,
                location=a.location_code,
                quantity=a.quantity,
            )
        hold = _HoldRow(*row[holds_at:])
        if hold.id is not None and hold.id not in found.holds:
            found.holds[hold.id] = hold_from_row(hold)
    return [
        order_from_row(
            o.row, list(o.lines.values()), list(o.holds.values()), list(o.allocations.values())
        )
        for o in loaded.values()
    ]


class Timeline(Protocol):
    """What happened to each order, oldest first (entries are appended when orders are saved)."""

    def entries(
        self, order_id: UUID, *, after: int | None, limit: int
    ) -> list[tuple[int, TimelineEntry]]:
        """(position, entry) after the position ``after``."""
        ...

    def of_kind(self, order_id: UUID, kind: str) -> list[TimelineEntry]:
        """The order's entries of one kind (``sourced``: its sourcing decisions), oldest first."""
        ...


class SqlTimeline:
    """``Timeline`` on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def entries(
        self, order_id: UUID, *, after: int | None, limit: int
    ) -> list[tuple[int, TimelineEntry]]:
        query = (
            select(order_timeline)
            .where(order_timeline.c.order_id == order_id)
            .order_by(order_timeline.c.position)
            .limit(limit)
        )
        if after is not None:
            query = query.where(order_timeline.c.position > after)
        return [(row.position, _entry(row)) for row in self.c.execute(query)]

    def of_kind(self, order_id: UUID, kind: str) -> list[TimelineEntry]:
        query = (
            select(order_timeline)
            .where(order_timeline.c.order_id == order_id, order_timeline.c.kind == kind)
            .order_by(order_timeline.c.position)
        )
        return [_entry(row) for row in self.c.execute(query)]


def _entry(row: Row[Any]) -> TimelineEntry:
    return TimelineEntry(
        at=row.at, actor=row.actor, kind=row.kind, summary=row.summary, details=row.details
    )
