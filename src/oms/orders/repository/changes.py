"""Stored previews of order changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Row, and_, insert, or_, select, update

from oms.orders.domain.changes import (
    ChangeStatus,
    OrderChange,
    operation_from_json,
    operation_json,
    preview_from_json,
    preview_json,
)
from oms.orders.tables import (
    order_changes,
)


def insert_change(c: Connection, change: OrderChange) -> None:
    """Store a previewed change: its operations as requested and the preview as shown."""
    c.execute(
        insert(order_changes).values(
            id=change.id,
            order_id=change.order_id,
            base_version=change.base_version,
            status=change.status.value,
            request={"operations": [operation_json(op) for op in change.operations]},
            preview=preview_json(change.preview),
            created_by=change.created_by,
            created_at=change.created_at,
            confirmed_at=change.confirmed_at,
        )
    )


def _change(row: Row[Any]) -> OrderChange:
    return OrderChange(
        id=row.id,
        order_id=row.order_id,
        base_version=row.base_version,
        status=ChangeStatus(row.status),
        operations=tuple(operation_from_json(op) for op in row.request["operations"]),
        preview=preview_from_json(row.preview),
        created_by=row.created_by,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
    )


def change_by_id(c: Connection, order_id: UUID, change_id: UUID) -> OrderChange | None:
    row = c.execute(
        select(order_changes).where(
            order_changes.c.id == change_id, order_changes.c.order_id == order_id
        )
    ).first()
    return _change(row) if row is not None else None


def list_changes(
    c: Connection, order_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
) -> list[OrderChange]:
    """An order's changes, newest first, keyset-paged on (created_at, id)."""
    query = (
        select(order_changes)
        .where(order_changes.c.order_id == order_id)
        .order_by(order_changes.c.created_at.desc(), order_changes.c.id.desc())
        .limit(limit)
    )
    if after is not None:
        created, change_id = after
        query = query.where(
            or_(
                order_changes.c.created_at < created,
                and_(order_changes.c.created_at == created, order_changes.c.id < change_id),
            )
        )
    return [_change(row) for row in c.execute(query)]


def mark_confirmed(c: Connection, change_id: UUID, *, at: datetime) -> bool:
    """Confirm a previewed change; False when it was not pending any more."""
    return bool(
        c.execute(
            update(order_changes)
            .where(
                order_changes.c.id == change_id,
                order_changes.c.status == ChangeStatus.PREVIEWED.value,
            )
            .values(status=ChangeStatus.CONFIRMED.value, confirmed_at=at)
        ).rowcount
    )
