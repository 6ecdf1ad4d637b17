"""Fulfilment orders on SQLAlchemy Core, behind the ``FULFILMENT_ORDERS`` port.

A FO is loaded whole (its row and its lines, two statements for any number of FOs) and saved as
the difference: the row over the version it was read at (a lost update is refused with
``FulfilmentOrderChanged``), and only the lines that changed. Locks follow the contract's order:
the caller holds the order's row lock first; ``for_order(lock=True)`` then locks the order's FOs
in id order, and ``get(lock=True)`` one FO.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, and_, func, insert, or_, select, update

from oms.fulfilment.domain.errors import FulfilmentOrderChanged, FulfilmentOrderNotFound
from oms.fulfilment.domain.fulfilment_orders import (
    LATE_STATUSES,
    FulfilmentLine,
    FulfilmentOrder,
    RejectReason,
)
from oms.fulfilment.domain.lifecycle import Delivery, FulfilmentOrderStatus
from oms.fulfilment.tables.orders import fulfilment_order_lines, fulfilment_orders
from oms.platform.unit_of_work import Port

QueueKey = tuple[datetime, UUID]
"""Where a page of a queue ends: (ship_by, id) of its last FO."""


class FulfilmentOrders(Protocol):
    """Fulfilment orders as whole aggregates, and the lists locations work from."""

    def get(
        self, fo_id: UUID, *, lock: bool = False, visible_to_location: str | None = None
    ) -> FulfilmentOrder:
        """One FO, or ``FulfilmentOrderNotFound``; another location's FO does not exist for a
        caller bound to a location (``visible_to_location``). ``lock`` takes its row lock."""
        ...

    def for_order(self, order_id: UUID, *, lock: bool = False) -> list[FulfilmentOrder]:
        """The order's FOs in id order (locked in that order with ``lock``)."""
        ...

    def add(self, fo: FulfilmentOrder) -> None:
        """Store a new FO with its lines."""
        ...

    def save(self, fo: FulfilmentOrder) -> None:
        """Store what changed since the FO was loaded or added."""
        ...

    def next_number(self, order_id: UUID, order_number: str) -> str:
        """``<order number>-F<n>``, n one more than the order's FOs so far (the caller holds
        the order's lock, so two FOs of one order are never numbered at once)."""
        ...

    def queue(
        self,
        *,
        location: str | None,
        statuses: Collection[FulfilmentOrderStatus],
        limit: int,
        after: QueueKey | None = None,
    ) -> list[FulfilmentOrder]:
        """FOs in ``statuses`` (of one location, or all), oldest promise first, after ``after``."""
        ...

    def late(
        self, now: datetime, *, location: str | None, limit: int, after: QueueKey | None = None
    ) -> list[FulfilmentOrder]:
        """FOs whose units still wait to leave past their promise, most overdue first."""
        ...


@dataclass(frozen=True, slots=True)
class _Loaded:
    version: int
    row: dict[str, Any]
    lines: dict[UUID, FulfilmentLine]

    @classmethod
    def of(cls, fo: FulfilmentOrder) -> _Loaded:
        return cls(fo.version, _row_values(fo), {line.line_id: line for line in fo.lines})


class SqlFulfilmentOrders:
    """``FulfilmentOrders`` on one connection (one transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection
        self._loaded: dict[UUID, _Loaded] = {}

    def _locking(self, query: Any, lock: bool) -> Any:
        if lock and self.c.dialect.name == "postgresql":
            return query.with_for_update()
        return query

    def get(
        self, fo_id: UUID, *, lock: bool = False, visible_to_location: str | None = None
    ) -> FulfilmentOrder:
        query = select(fulfilment_orders).where(fulfilment_orders.c.id == fo_id)
        found = self._load(self.c.execute(self._locking(query, lock)).all())
        if not found or visible_to_location not in (None, found[0].location):
            raise FulfilmentOrderNotFound(str(fo_id))
        return found[0]

    def for_order(self, order_id: UUID, *, lock: bool = False) -> list[FulfilmentOrder]:
        query = (
            select(fulfilment_orders)
            .where(fulfilment_orders.c.order_id == order_id)
            .order_by(fulfilment_orders.c.id)
        )
        return self._load(self.c.execute(self._locking(query, lock)).all())

    def next_number(self, order_id: UUID, order_number: str) -> str:
        count = self.c.execute(
            select(func.count())
            .select_from(fulfilment_orders)
            .where(fulfilment_orders.c.order_id == order_id)
        ).scalar_one()
        return f"{order_number}-F{count + 1}"

    def queue(
        self,
        *,
        location: str | None,
        statuses: Collection[FulfilmentOrderStatus],
        limit: int,
        after: QueueKey | None = None,
    ) -> list[FulfilmentOrder]:
        t = fulfilment_orders
        query = select(t).where(t.c.status.in_([s.value for s in statuses]))
        return self._page(query, location=location, limit=limit, after=after)

    def late(
        self, now: datetime, *, location: str | None, limit: int, after: QueueKey | None = None
    ) -> list[FulfilmentOrder]:
        t = fulfilment_orders
        query = select(t).where(t.c.status.in_([s.value for s in LATE_STATUSES]), t.c.ship_by < now)
        return self._page(query, location=location, limit=limit, after=after)

    def _page(
        self, query: Any, *, location: str | None, limit: int, after: QueueKey | None
    ) -> list[FulfilmentOrder]:
        t = fulfilment_orders
        if location is not None:
            query = query.where(t.c.location_code == location)
        if after is not None:
            ship_by, fo_id = after
            query = query.where(
                or_(t.c.ship_by > ship_by, and_(t.c.ship_by == ship_by, t.c.id > fo_id))
            )
        query = query.order_by(t.c.ship_by, t.c.id).limit(limit)
        return self._load(self.c.execute(query).all())

    def _load(self, rows: Sequence[Row[Any]]) -> list[FulfilmentOrder]:
        """FOs for rows of ``fulfilment_orders``, with their lines (one more statement)."""
        if not rows:
            return []
        ids = [row.id for row in rows]
        lines: dict[UUID, list[FulfilmentLine]] = {i: [] for i in ids}
        t = fulfilment_order_lines
        for line in self.c.execute(
            select(t).where(t.c.fulfilment_order_id.in_(ids)).order_by(t.c.sku, t.c.line_id)
        ):
            lines[line.fulfilment_order_id].append(_line(line))
        loaded = [_fulfilment_order(row, lines[row.id]) for row in rows]
        for fo in loaded:
            self._loaded[fo.id] = _Loaded.of(fo)
        return loaded

    def add(self, fo: FulfilmentOrder) -> None:
        self.c.execute(insert(fulfilment_orders).values(_row_values(fo)))
        self.c.execute(insert(fulfilment_order_lines), [_line_values(fo, x) for x in fo.lines])
        self._loaded[fo.id] = _Loaded.of(fo)

    def save(self, fo: FulfilmentOrder) -> None:
        loaded = self._loaded.get(fo.id)
        if loaded is None:
            raise LookupError(f"fulfilment order {fo.id} was not loaded in this transaction")
        values = _row_values(fo)
        if values != loaded.row:
            for fixed in ("id", "number", "order_id", "order_number", "channel_code"):
                values.pop(fixed)
            written = self.c.execute(
                update(fulfilment_orders)
                .where(
                    fulfilment_orders.c.id == fo.id,
                    fulfilment_orders.c.version == loaded.version,
                )
                .values(**values)
            ).rowcount
            if written != 1:
                raise FulfilmentOrderChanged(fo.number)
        self._save_lines(fo, loaded)
        self._loaded[fo.id] = _Loaded.of(fo)

    def _save_lines(self, fo: FulfilmentOrder, loaded: _Loaded) -> None:
        t = fulfilment_order_lines
        added = [line for line in fo.lines if line.line_id not in loaded.lines]
        if added:
            self.c.execute(insert(t), [_line_values(fo, line) for line in added])
        for line in fo.lines:
            before = loaded.lines.get(line.line_id)
            if before is not None and before != line:
                self.c.execute(
                    update(t)
                    .where(t.c.fulfilment_order_id == fo.id, t.c.line_id == line.line_id)
                    .values(
                        quantity=line.quantity,
                        shipped_quantity=line.shipped,
                        cancelled_quantity=line.cancelled,
                    )
                )


def _line(row: Row[Any]) -> FulfilmentLine:
    return FulfilmentLine(
        line_id=row.line_id,
        variant_id=row.variant_id,
        sku=row.sku,
        name=row.name,
        quantity=row.quantity,
        shipped=row.shipped_quantity,
        cancelled=row.cancelled_quantity,
    )


def _fulfilment_order(row: Row[Any], lines: list[FulfilmentLine]) -> FulfilmentOrder:
    return FulfilmentOrder(
        id=row.id,
        number=row.number,
        order_id=row.order_id,
        order_number=row.order_number,
        channel=row.channel_code,
        location_id=row.location_id,
        location=row.location_code,
        delivery=Delivery(row.delivery),
        pickup_location=row.pickup_location_code,
        status=FulfilmentOrderStatus(row.status),
        held_from=FulfilmentOrderStatus(row.held_from) if row.held_from else None,
        reject_reason=RejectReason(row.reject_reason) if row.reject_reason else None,
        reject_note=row.reject_note,
        ship_by=row.ship_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        shipped_at=row.shipped_at,
        delivered_at=row.delivered_at,
        ready_at=row.ready_at,
        picked_up_at=row.picked_up_at,
        cancelled_at=row.cancelled_at,
        pickup_code_hash=row.pickup_code_hash,
        pickup_code_attempts=row.pickup_code_attempts,
        pickup_expires_on=row.pickup_expires_on,
        version=row.version,
        lines=tuple(lines),
    )


def _row_values(fo: FulfilmentOrder) -> dict[str, Any]:
    return {
        "id": fo.id,
        "number": fo.number,
        "order_id": fo.order_id,
        "order_number": fo.order_number,
        "channel_code": fo.channel,
        "location_id": fo.location_id,
        "location_code": fo.location,
        "delivery": fo.delivery.value,
        "pickup_location_code": fo.pickup_location,
        "status": fo.status.value,
        "held_from": fo.held_from.value if fo.held_from else None,
        "reject_reason": fo.reject_reason.value if fo.reject_reason else None,
        "reject_note": fo.reject_note,
        "ship_by": fo.ship_by,
        "created_at": fo.created_at,
        "updated_at": fo.updated_at,
        "shipped_at": fo.shipped_at,
        "delivered_at": fo.delivered_at,
        "ready_at": fo.ready_at,
        "picked_up_at": fo.picked_up_at,
        "cancelled_at": fo.cancelled_at,
        "pickup_code_hash": fo.pickup_code_hash,
        "pickup_code_attempts": fo.pickup_code_attempts,
        "pickup_expires_on": fo.pickup_expires_on,
        "version": fo.version,
    }


def _line_values(fo: FulfilmentOrder, line: FulfilmentLine) -> dict[str, Any]:
    return {
        "fulfilment_order_id": fo.id,
        "line_id": line.line_id,
        "order_id": fo.order_id,
        "variant_id": line.variant_id,
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "shipped_quantity": line.shipped,
        "cancelled_quantity": line.cancelled,
    }


FULFILMENT_ORDERS: Port[FulfilmentOrders] = Port("fulfilment.orders", SqlFulfilmentOrders)
