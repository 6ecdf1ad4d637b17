"""Orders as aggregates: loaded whole, added in a few set-based statements, saved as the
difference from what was loaded (SQLAlchemy Core; a few statements per use case).

``SqlOrders`` remembers each order it loaded or added in this transaction; ``save`` compares the
order with that snapshot and writes only what changed: the order row (over the version it was
read at), new and changed lines and holds, allocation deltas, and the timeline the order
recorded. Database facts come back as domain facts: a concurrent delivery of the same channel
order is the order it placed, a version that moved is ``StaleOrderVersion``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import Connection, func, select, tuple_, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError

from oms.orders.domain import (
    Allocation,
    Hold,
    HoldNotFound,
    Order,
    OrderLine,
    OrderNotFound,
    OrderStatus,
    StaleOrderVersion,
    TimelineEntry,
)
from oms.orders.repository.queries import OrderFilter, search_orders
from oms.orders.repository.rows import (
    ALLOCATION_COLUMNS,
    HOLD_COLUMNS,
    LINE_COLUMNS,
    ORDER_COLUMNS,
    ORDER_JSON,
    TIMELINE_COLUMNS,
    TIMELINE_JSON,
    allocation_row,
    hold_row,
    line_row,
    line_values,
    load_orders,
    order_row,
    order_values,
    timeline_row,
)
from oms.orders.tables import (
    FIRST_ORDER_NUMBER,
    order_allocations,
    order_counters,
    order_holds,
    order_lines,
    order_numbers,
    orders,
)
from oms.platform.driver_sql import Binder, DriverInsert, DriverSql, binder, insert_together
from oms.shared.permissions import channel_visible

FIRST_NUMBER = FIRST_ORDER_NUMBER
_NEXT_FROM_SEQUENCE = select(order_numbers.next_value())
_NEXT_FROM_COUNTER = (
    sqlite.insert(order_counters)
    .values(name="SO", value=FIRST_NUMBER)
    .on_conflict_do_update(index_elements=["name"], set_={"value": order_counters.c.value + 1})
    .returning(order_counters.c.value)
)
_BACKORDER_LOCKS = 0x0B0C
"""The advisory-lock class of backorder fills (the first key of the two-key form)."""
_ADVISORY_KEY_MASK = 0x7FFFFFFF
LIVE = (OrderStatus.PENDING.value, OrderStatus.CONFIRMED.value, OrderStatus.IN_PROGRESS.value)

# The writes of every placement, prepared once (see ``oms.platform.driver_sql``).
_INSERT_ORDER = DriverInsert("orders", ORDER_COLUMNS, json=ORDER_JSON)
_INSERT_LINES = DriverInsert("order_lines", LINE_COLUMNS)
_INSERT_HOLDS = DriverInsert("order_holds", HOLD_COLUMNS)
_ADD_ALLOCATIONS = DriverInsert(
    "order_allocations",
    ALLOCATION_COLUMNS,
    suffix="ON CONFLICT (line_id, location_id)"
    " DO UPDATE SET quantity = order_allocations.quantity + excluded.quantity",
)
_APPEND_TIMELINE = DriverInsert("order_timeline", TIMELINE_COLUMNS, json=TIMELINE_JSON)
_HAS_ORDERS_OF = DriverSql("SELECT 1 FROM orders WHERE customer_id = ? LIMIT 1")


def _allocation_rows(
    order_id: object, allocations: Sequence[Allocation], b: Binder
) -> list[tuple[object, ...]]:
    """Rows for ``_ADD_ALLOCATIONS`` (``order_id`` bound already): one per (line, location),
    units of the same key summed, since one upsert may touch a row only once."""
    by_key: dict[tuple[UUID, UUID], Allocation] = {}
    for a in allocations:
        same = by_key.get(a.key)
        by_key[a.key] = a if same is None else replace(same, quantity=same.quantity + a.quantity)
    return [allocation_row(order_id, a, b) for a in by_key.values()]


@dataclass(frozen=True, slots=True)
class WaitingOrder:
    """An order in a variant's backorder queue, with what filling it needs to know before
    the order is loaded: its time, where it may be sourced from, and the units it waits for."""

    order_id: UUID
    placed_at: datetime
    number: str
    channel: str
    pickup_location: str | None
    units: int

    @property
    def order_time(self) -> tuple[datetime, str]:
        return (self.placed_at, self.number)


class Orders(Protocol):
    """Orders as whole aggregates, and the questions services ask about many of them."""

    def get(self, order_id: UUID, *, lock: bool = False, visible_to: str | None = None) -> Order:
        """One order, or ``OrderNotFound``; ``lock`` takes its row lock first, so changes to one
        order queue up. For a caller bound to a channel (``visible_to``) another channel's
        order does not exist."""
        ...

    def find_by_number(self, number: str, *, buyer_email: str | None = None) -> Order | None:
        """The order with this number (and, if given, this buyer email, compared in the same
        query, so a wrong number and a wrong email cost the same work)."""
        ...

    def find_by_external_id(self, channel: str, external_id: str) -> Order | None:
        """The channel's order with this external id, if one was placed (committed) already."""
        ...

    def add(self, order: Order) -> Order:
        """Store a new order with what it recorded. If the channel placed an order with the
        same external id meanwhile (a concurrent delivery), that order is returned instead and
        nothing is written."""
        ...

    def save(self, order: Order) -> None:
        """Store what changed since the order was loaded or added, with what it recorded."""
        ...

    def next_number(self) -> str:
        """The next human order number (``SO-10001``...)."""
        ...

    def has_orders_of(self, customer_id: UUID) -> bool: ...

    def append_note(self, order_id: UUID, entry: TimelineEntry) -> None:
        """Add one entry to an order's timeline without loading it: a record of what another
        context did (the timeline is append-only, so it takes no lock and moves no version)."""
        ...

    def search(
        self, filters: OrderFilter, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Order]:
        """Newest first, keyset-paged on (placed_at, id)."""
        ...

    def waiting_for(
        self, variant_id: UUID, *, after: tuple[datetime, str] | None = None, limit: int
    ) -> list[WaitingOrder]:
        """Live orders with backordered units of the variant, in order time (``placed_at``,
        then number), after the (placed_at, number) ``after``."""
        ...

    def lock_backorders_of(self, variant_id: UUID) -> None:
        """Queue this transaction behind any other filling the variant's backorders, until it
        ends (oms.orders.services.backorders says why and why not a row lock)."""
        ...

    def due_holds(self, now: datetime, *, limit: int) -> list[tuple[UUID, UUID]]:
        """(order id, hold id) of open holds whose auto-release time has come."""
        ...


@dataclass(frozen=True, slots=True)
class _Loaded:
    """An order's stored state as this transaction last saw it."""

    version: int
    lines: dict[UUID, OrderLine]
    holds: dict[UUID, Hold]
    allocations: dict[tuple[UUID, UUID], int]

    @classmethod
    def of(cls, order: Order) -> _Loaded:
        return cls(
            version=order.version,
            lines={line.id: line for line in order.lines},
            holds={hold.id: hold for hold in order.holds},
            allocations={a.key: a.quantity for a in order.allocations},
        )


class SqlOrders:
    """``Orders`` on one connection (one transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection
        self._loaded: dict[UUID, _Loaded] = {}

    def _seen(self, found: list[Order]) -> list[Order]:
        for order in found:
            self._loaded[order.id] = _Loaded.of(order)
        return found

    def _one(self, found: list[Order]) -> Order | None:
        return self._seen(found)[0] if found else None

    def get(self, order_id: UUID, *, lock: bool = False, visible_to: str | None = None) -> Order:
        query = select(orders).where(orders.c.id == order_id)
        if lock and self.c.dialect.name == "postgresql":
            query = query.with_for_update()
        order = self._one(load_orders(self.c, self.c.execute(query).all()))
        if order is None or not channel_visible(order.channel, to=visible_to):
            raise OrderNotFound(str(order_id))
        return order

    def find_by_number(self, number: str, *, buyer_email: str | None = None) -> Order | None:
        query = select(orders).where(orders.c.number == number)
        if buyer_email is not None:
            query = query.where(orders.c.customer_email == buyer_email)
        return self._one(load_orders(self.c, self.c.execute(query).all()))

    def find_by_external_id(self, channel: str, external_id: str) -> Order | None:
        query = select(orders).where(
            orders.c.channel_code == channel, orders.c.external_id == external_id
        )
        return self._one(load_orders(self.c, self.c.execute(query).all()))

    def add(self, order: Order) -> Order:
        if order.external_id is None:
            self._insert(order)
        else:
            # In a savepoint, so losing the race to a concurrent delivery of the same channel
            # order leaves the transaction usable to read the order that won.
            try:
                with self.c.begin_nested():
                    self._insert(order)
            except IntegrityError:
                existing = self.find_by_external_id(order.channel, order.external_id)
                if existing is None:
                    raise
                return existing
        if order.link is not None:
            # The link columns are not in placement's INSERT (kept as measured): a linked
            # order, rare, writes them with one UPDATE of the row it just inserted.
            self._save_row(order, order.version)
        self._loaded[order.id] = _Loaded.of(order)
        return order

    def _insert(self, order: Order) -> None:
        """The order with its lines, holds, allocations and timeline: one statement on
        PostgreSQL, one per table on SQLite (driver SQL written once per row count)."""
        b = binder(self.c)
        order_id = b.uuid(order.id)
        insert_together(
            self.c,
            [
                (_INSERT_ORDER, [order_row(order, b)]),
                (_INSERT_LINES, [line_row(order_id, ln, b) for ln in order.lines]),
                (_INSERT_HOLDS, [hold_row(order_id, h, b) for h in order.holds]),
                (_ADD_ALLOCATIONS, _allocation_rows(order_id, order.allocations, b)),
                (_APPEND_TIMELINE, [timeline_row(order_id, e, b) for e in order.drain_timeline()]),
            ],
        )

    def save(self, order: Order) -> None:
        loaded = self._loaded.get(order.id)
        if loaded is None:
            raise LookupError(f"order {order.number} was not loaded in this transaction")
        self._save_row(order, loaded.version)
        self._save_lines(order, loaded)
        self._save_holds(order, loaded)
        self._save_allocations(order, loaded)
        self._append_timeline(order)
        self._loaded[order.id] = _Loaded.of(order)

    def _save_row(self, order: Order, loaded_version: int) -> None:
        """The order row's changeable fields, over the version it was read at."""
        values = order_values(order)
        for fixed in ("id", "number", "channel_code", "external_id", "placed_at", "customer_id"):
            values.pop(fixed)
        written = self.c.execute(
            update(orders)
            .where(orders.c.id == order.id, orders.c.version == loaded_version)
            .values(**values)
        )
        if written.rowcount != 1:
            current = self.c.execute(
                select(orders.c.version).where(orders.c.id == order.id)
            ).scalar()
            raise StaleOrderVersion(order.number, loaded_version, current or 0)

    def _save_lines(self, order: Order, loaded: _Loaded) -> None:
        """New lines in one INSERT (before allocations, which refer to them); changed lines one
        UPDATE each (an order has few)."""
        b = binder(self.c)
        order_id = b.uuid(order.id)
        _INSERT_LINES.run(
            self.c,
            [line_row(order_id, ln, b) for ln in order.lines if ln.id not in loaded.lines],
        )
        for line in order.lines:
            if line.id in loaded.lines and loaded.lines[line.id] != line:
                values = line_values(order.id, line)
                del values["id"], values["order_id"]
                self.c.execute(update(order_lines).where(order_lines.c.id == line.id), values)

    def _save_holds(self, order: Order, loaded: _Loaded) -> None:
        b = binder(self.c)
        order_id = b.uuid(order.id)
        _INSERT_HOLDS.run(
            self.c, [hold_row(order_id, h, b) for h in order.holds if h.id not in loaded.holds]
        )
        for hold in order.holds:
            before = loaded.holds.get(hold.id)
            if before is not None and before.open and not hold.open:
                released = self.c.execute(
                    update(order_holds)
                    .where(order_holds.c.id == hold.id, order_holds.c.released_at.is_(None))
                    .values(released_at=hold.released_at, released_by=hold.released_by)
                )
                if released.rowcount != 1:
                    raise HoldNotFound(order.number, str(hold.id))

    def _save_allocations(self, order: Order, loaded: _Loaded) -> None:
        """Units added to (one upsert) or taken off (one UPDATE each) the order's (line,
        location) allocations; a row left at zero stays, and is not loaded."""
        now = {a.key: a for a in order.allocations}
        added = [
            replace(a, quantity=a.quantity - loaded.allocations.get(key, 0))
            for key, a in now.items()
            if a.quantity > loaded.allocations.get(key, 0)
        ]
        self._add_allocations(order.id, added)
        for (line_id, location_id), units in loaded.allocations.items():
            kept = now.get((line_id, location_id))
            taken = units - (kept.quantity if kept else 0)
            if taken > 0:
                self.c.execute(
                    update(order_allocations)
                    .where(
                        order_allocations.c.line_id == line_id,
                        order_allocations.c.location_id == location_id,
                    )
                    .values(quantity=order_allocations.c.quantity - taken)
                )

    def _add_allocations(self, order_id: UUID, allocations: Sequence[Allocation]) -> None:
        """Add units to (line, location) allocations, creating rows as needed."""
        b = binder(self.c)
        _ADD_ALLOCATIONS.run(self.c, _allocation_rows(b.uuid(order_id), allocations, b))

    def _append_timeline(self, order: Order) -> None:
        entries: list[TimelineEntry] = order.drain_timeline()
        b = binder(self.c)
        order_id = b.uuid(order.id)
        _APPEND_TIMELINE.run(self.c, [timeline_row(order_id, e, b) for e in entries])

    def next_number(self) -> str:
        """One statement that waits for no other placement on PostgreSQL (``nextval`` of the
        ``order_numbers`` sequence; a rolled-back placement leaves a gap). On SQLite the counter
        row: writers are one at a time there anyway."""
        if self.c.dialect.name == "postgresql":
            return f"SO-{self.c.execute(_NEXT_FROM_SEQUENCE).scalar_one()}"
        return f"SO-{self.c.execute(_NEXT_FROM_COUNTER).scalar_one()}"

    def append_note(self, order_id: UUID, entry: TimelineEntry) -> None:
        b = binder(self.c)
        _APPEND_TIMELINE.run(self.c, [timeline_row(b.uuid(order_id), entry, b)])

    def has_orders_of(self, customer_id: UUID) -> bool:
        b = binder(self.c)
        return _HAS_ORDERS_OF.run(self.c, (b.uuid(customer_id),)).first() is not None

    def search(
        self, filters: OrderFilter, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Order]:
        return search_orders(self.c, filters, after=after, limit=limit)

    def waiting_for(
        self, variant_id: UUID, *, after: tuple[datetime, str] | None = None, limit: int
    ) -> list[WaitingOrder]:
        query = (
            select(
                orders.c.id,
                orders.c.placed_at,
                orders.c.number,
                orders.c.channel_code,
                orders.c.pickup_location_code,
                func.sum(order_lines.c.backordered_quantity).label("units"),
            )
            .join(orders, orders.c.id == order_lines.c.order_id)
            .where(
                order_lines.c.variant_id == variant_id,
                order_lines.c.backordered_quantity > 0,
                orders.c.status.in_(LIVE),
            )
            .group_by(
                orders.c.id,
                orders.c.placed_at,
                orders.c.number,
                orders.c.channel_code,
                orders.c.pickup_location_code,
            )
            .order_by(orders.c.placed_at, orders.c.number)
            .limit(limit)
        )
        if after is not None:
            query = query.where(tuple_(orders.c.placed_at, orders.c.number) > after)
        return [
            WaitingOrder(
                order_id=row.id,
                placed_at=row.placed_at,
                number=row.number,
                channel=row.channel_code,
                pickup_location=row.pickup_location_code,
                units=int(row.units),
            )
            for row in self.c.execute(query)
        ]

    def lock_backorders_of(self, variant_id: UUID) -> None:
        """A transaction-scoped advisory lock on PostgreSQL, keyed by 31 bits of the variant
        id; two variants sharing a key only queue behind each other. SQLite needs none:
        its write transactions (``BEGIN IMMEDIATE``) exclude each other already."""
        if self.c.dialect.name == "postgresql":
            key = (variant_id.int >> 64) & _ADVISORY_KEY_MASK
            self.c.execute(select(func.pg_advisory_xact_lock(_BACKORDER_LOCKS, key)))

    def due_holds(self, now: datetime, *, limit: int) -> list[tuple[UUID, UUID]]:
        rows = self.c.execute(
            select(order_holds.c.order_id, order_holds.c.id)
            .where(order_holds.c.released_at.is_(None), order_holds.c.auto_release_at <= now)
            .order_by(order_holds.c.auto_release_at)
            .limit(limit)
        )
        return [(row.order_id, row.id) for row in rows]
