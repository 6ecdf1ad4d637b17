"""Returns on SQLAlchemy Core, behind the ``RETURNS`` port.

A return is loaded whole (its row and its lines, two statements for any number of returns) and
saved as the difference: the row over the version it was read at (a lost update is refused with
``ReturnChanged``), and only the lines that changed. The label's document is never loaded with
the return; ``store_label``/``label`` write and read it alone. Locks follow the contract's
order: the caller holds the order's row lock first, then ``get(lock=True)`` locks the return.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, and_, exists, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.platform.unit_of_work import Port
from oms.returns.domain.errors import ReturnChanged, ReturnNotFound
from oms.returns.domain.lifecycle import ReturnKind, ReturnSource, ReturnStatus
from oms.returns.domain.returns import (
    Disposition,
    Resolution,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    ShippingPayer,
)
from oms.returns.tables.returns import return_counters, return_lines, returns

DeskKey = tuple[datetime, UUID]
"""Where a page of the desk's list ends: (created_at, id) of its last return."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnFilter:
    """What the returns desk filters by; None means any."""

    status: ReturnStatus | None = None
    location: str | None = None
    """The receiving location's code."""
    reason: ReturnReason | None = None
    """Returns with at least one line for this reason."""
    channel: str | None = None
    order_id: UUID | None = None
    number: str | None = None
    """The RMA (``RMA-000001``): how people name a return (the CLI's ``show RMA``)."""


class Returns(Protocol):
    """Returns as whole aggregates, the desk's list and the RMA counter."""

    def get(
        self,
        return_id: UUID,
        *,
        lock: bool = False,
        visible_to: str | None = None,
        at_location: str | None = None,
    ) -> ReturnRequest:
        """One return, or ``ReturnNotFound``; another channel's return (``visible_to``) or one
        received elsewhere (``at_location``, a location-bound caller) does not exist for the
        caller. ``lock`` takes its row lock."""
        ...

    def for_order(self, order_id: UUID) -> builtins.list[ReturnRequest]:
        """The order's returns, oldest first."""
        ...

    def add(self, request: ReturnRequest) -> None:
        """Store a new return with its lines."""
        ...

    def save(self, request: ReturnRequest) -> None:
        """Store what changed since the return was loaded or added."""
        ...

    def list(
        self, filters: ReturnFilter, *, after: DeskKey | None = None, limit: int
    ) -> builtins.list[ReturnRequest]:
        """Returns matching ``filters``, newest first, after ``after``."""
        ...

    def next_rma(self) -> str:
        """The next RMA number, ``RMA-000001`` first."""
        ...

    def store_label(self, return_id: UUID, document: bytes) -> None:
        """Keep the return label's document (PDF) beside the return."""
        ...

    def label(self, return_id: UUID) -> bytes | None:
        """The stored label's document, if any."""
        ...


@dataclass(frozen=True, slots=True)
class _Loaded:
    version: int
    row: dict[str, Any]
    lines: dict[UUID, ReturnLine]

    @classmethod
    def of(cls, request: ReturnRequest) -> _Loaded:
        return cls(
            request.version, _row_values(request), {line.line_id: line for line in request.lines}
        )


_FIXED = ("id", "order_id", "order_number", "channel_code", "kind", "source", "currency")
"""Columns that never change after the return is created."""


class SqlReturns:
    """``Returns`` on one connection (one transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection
        self._loaded: dict[UUID, _Loaded] = {}

    def get(
        self,
        return_id: UUID,
        *,
        lock: bool = False,
        visible_to: str | None = None,
        at_location: str | None = None,
    ) -> ReturnRequest:
        query = select(*_COLUMNS).where(returns.c.id == return_id)
        if lock and self.c.dialect.name == "postgresql":
            query = query.with_for_update()
        found = self._load(self.c.execute(query).all())
        if (
            not found
            or visible_to not in (None, found[0].channel)
            or at_location not in (None, found[0].receiving_location)
        ):
            raise ReturnNotFound(str(return_id))
        return found[0]

    def for_order(self, order_id: UUID) -> builtins.list[ReturnRequest]:
        query = (
            select(*_COLUMNS)
            .where(returns.c.order_id == order_id)
            .order_by(returns.c.created_at, returns.c.id)
        )
        return self._load(self.c.execute(query).all())

    def list(
        self, filters: ReturnFilter, *, after: DeskKey | None = None, limit: int
    ) -> builtins.list[ReturnRequest]:
        t = returns
        query = select(*_COLUMNS)
        if filters.status is not None:
            query = query.where(t.c.status == filters.status.value)
        if filters.location is not None:
            query = query.where(t.c.receiving_location_code == filters.location)
        if filters.channel is not None:
            query = query.where(t.c.channel_code == filters.channel)
        if filters.order_id is not None:
            query = query.where(t.c.order_id == filters.order_id)
        if filters.number is not None:
            query = query.where(t.c.number == filters.number)
        if filters.reason is not None:
            line = return_lines
            query = query.where(
                exists().where(line.c.return_id == t.c.id, line.c.reason == filters.reason.value)
            )
        if after is not None:
            created_at, return_id = after
            query = query.where(
                or_(
                    t.c.created_at < created_at,
                    and_(t.c.created_at == created_at, t.c.id < return_id),
                )
            )
        query = query.order_by(t.c.created_at.desc(), t.c.id.desc()).limit(limit)
        return self._load(self.c.execute(query).all())

    def next_rma(self) -> str:
        insert_row = postgresql.insert if self.c.dialect.name == "postgresql" else sqlite.insert
        statement = (
            insert_row(return_counters)
            .values(name="RMA", value=1)
            .on_conflict_do_update(
                index_elements=["name"], set_={"value": return_counters.c.value + 1}
            )
            .returning(return_counters.c.value)
        )
        return f"RMA-{self.c.execute(statement).scalar_one():06d}"

    def store_label(self, return_id: UUID, document: bytes) -> None:
        self.c.execute(update(returns).where(returns.c.id == return_id).values(label=document))

    def label(self, return_id: UUID) -> bytes | None:
        found: bytes | None = self.c.execute(
            select(returns.c.label).where(returns.c.id == return_id)
        ).scalar_one_or_none()
        return found

    def _load(self, rows: Sequence[Row[Any]]) -> builtins.list[ReturnRequest]:
        """Returns for rows of ``returns``, with their lines (one more statement)."""
        if not rows:
            return []
        ids = [row.id for row in rows]
        lines: dict[UUID, builtins.list[ReturnLine]] = {i: [] for i in ids}
        t = return_lines
        for line in self.c.execute(
            select(t).where(t.c.return_id.in_(ids)).order_by(t.c.return_id, t.c.sku, t.c.line_id)
        ):
            lines[line.return_id].append(_line(line))
        loaded = [_return(row, lines[row.id]) for row in rows]
        for request in loaded:
            self._loaded[request.id] = _Loaded.of(request)
        return loaded

    def add(self, request: ReturnRequest) -> None:
        self.c.execute(insert(returns).values(_row_values(request)))
        self.c.execute(insert(return_lines), [_line_values(request, x) for x in request.lines])
        self._loaded[request.id] = _Loaded.of(request)

    def save(self, request: ReturnRequest) -> None:
        loaded = self._loaded.get(request.id)
        if loaded is None:
            raise LookupError(f"return {request.id} was not loaded in this transaction")
        values = _row_values(request)
        if values != loaded.row:
            for fixed in _FIXED:
                values.pop(fixed)
            written = self.c.execute(
                update(returns)
                .where(returns.c.id == request.id, returns.c.version == loaded.version)
                .values(**values)
            ).rowcount
            if written != 1:
                raise ReturnChanged(request.reference)
        t = return_lines
        for line in request.lines:
            before = loaded.lines.get(line.line_id)
            if before is not None and before != line:
                self.c.execute(
                    update(t)
                    .where(t.c.return_id == request.id, t.c.line_id == line.line_id)
                    .values(_line_values(request, line))
                )
        self._loaded[request.id] = _Loaded.of(request)


_COLUMNS = tuple(column for column in returns.c if column.name != "label")
"""Every column but the label's document (read only by ``label``)."""


def _line(row: Row[Any]) -> ReturnLine:
    return ReturnLine(
        line_id=row.line_id,
        sku=row.sku,
        quantity=row.quantity,
        reason=ReturnReason(row.reason),
        note=row.note,
        received=row.received_quantity,
        inspected=row.inspected_quantity,
        disposition=Disposition(row.disposition) if row.disposition else None,
        unit_refund_minor=row.unit_refund_minor,
    )


def _return(row: Row[Any], lines: list[ReturnLine]) -> ReturnRequest:
    return ReturnRequest(
        id=row.id,
        number=row.number,
        order_id=row.order_id,
        order_number=row.order_number,
        channel=row.channel_code,
        kind=ReturnKind(row.kind),
        status=ReturnStatus(row.status),
        source=ReturnSource(row.source),
        currency=row.currency,
        return_shipping_paid_by=ShippingPayer(row.return_shipping_paid_by),
        lines=tuple(lines),
        created_at=row.created_at,
        updated_at=row.updated_at,
        created_by=row.created_by,
        version=row.version,
        note=row.note,
        evidence=tuple(row.evidence),
        receiving_location=row.receiving_location_code,
        resolution=Resolution(row.resolution) if row.resolution else None,
        restocking_fee_minor=row.restocking_fee_minor,
        refund_minor=row.refund_minor,
        label_tracking=row.label_shipment_tracking,
        exchange_order_id=row.exchange_order_id,
        decline_reason=row.decline_reason,
        approved_at=row.approved_at,
        received_at=row.received_at,
        completed_at=row.completed_at,
        cancelled_at=row.cancelled_at,
        declined_at=row.declined_at,
    )


def _row_values(request: ReturnRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "number": request.number,
        "order_id": request.order_id,
        "order_number": request.order_number,
        "channel_code": request.channel,
        "kind": request.kind.value,
        "status": request.status.value,
        "source": request.source.value,
        "receiving_location_code": request.receiving_location,
        "return_shipping_paid_by": request.return_shipping_paid_by.value,
        "resolution": request.resolution.value if request.resolution else None,
        "restocking_fee_minor": request.restocking_fee_minor,
        "refund_minor": request.refund_minor,
        "currency": request.currency,
        "label_shipment_tracking": request.label_tracking,
        "exchange_order_id": request.exchange_order_id,
        "note": request.note,
        "evidence": list(request.evidence),
        "decline_reason": request.decline_reason,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
        "approved_at": request.approved_at,
        "received_at": request.received_at,
        "completed_at": request.completed_at,
        "cancelled_at": request.cancelled_at,
        "declined_at": request.declined_at,
        "created_by": request.created_by,
        "version": request.version,
    }


def _line_values(request: ReturnRequest, line: ReturnLine) -> dict[str, Any]:
    return {
        "return_id": request.id,
        "line_id": line.line_id,
        "sku": line.sku,
        "quantity": line.quantity,
        "reason": line.reason.value,
        "note": line.note,
        "received_quantity": line.received,
        "disposition": line.disposition.value if line.disposition else None,
        "inspected_quantity": line.inspected,
        "unit_refund_minor": line.unit_refund_minor,
    }


RETURNS: Port[Returns] = Port("returns.returns", SqlReturns)
