"""Staff notes on customers (SQLAlchemy Core), behind the ``NOTES`` port: appended, read
newest first a page at a time, and deleted only when the customer is erased."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, and_, delete, insert, or_, select

from oms.customers.domain import CustomerNote
from oms.customers.tables import customer_notes
from oms.platform.unit_of_work import Port


class Notes(Protocol):
    def add(self, customer_id: UUID, note: CustomerNote) -> None: ...

    def page(
        self, customer_id: UUID, *, before: tuple[datetime, UUID] | None, limit: int
    ) -> list[CustomerNote]:
        """The customer's notes newest first, older than ``before`` (the last one shown)."""
        ...

    def erase(self, customer_id: UUID) -> int:
        """Delete every note on the customer; returns how many there were."""
        ...


def _note(row: Row[Any]) -> CustomerNote:
    return CustomerNote(id=row.id, body=row.body, author=row.author, created_at=row.created_at)


class SqlNotes:
    """``Notes`` on the ``customer_notes`` table."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, customer_id: UUID, note: CustomerNote) -> None:
        self.c.execute(
            insert(customer_notes).values(
                id=note.id,
                customer_id=customer_id,
                body=note.body,
                author=note.author,
                created_at=note.created_at,
            )
        )

    def page(
        self, customer_id: UUID, *, before: tuple[datetime, UUID] | None, limit: int
    ) -> list[CustomerNote]:
        n = customer_notes.c
        query = (
            select(customer_notes)
            .where(n.customer_id == customer_id)
            .order_by(n.created_at.desc(), n.id.desc())
            .limit(limit)
        )
        if before is not None:
            at, note_id = before
            query = query.where(or_(n.created_at < at, and_(n.created_at == at, n.id < note_id)))
        return [_note(row) for row in self.c.execute(query)]

    def erase(self, customer_id: UUID) -> int:
        gone = self.c.execute(
            delete(customer_notes).where(customer_notes.c.customer_id == customer_id)
        )
        return int(gone.rowcount)


NOTES: Port[Notes] = Port("customers.notes", SqlNotes)
