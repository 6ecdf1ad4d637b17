"""Use cases on staff notes about a customer: write one, read them newest first.

Writing locks the customer's row as every other change to the customer does, so a note and an
erasure queue: a note is never left behind on a customer erased while it was being written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.customers.domain import (
    CustomerNote,
    CustomerNoteAdded,
    checked_note_body,
    editable,
)
from oms.customers.repository import CUSTOMERS, NOTES
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.ids import new_id


@dataclass(frozen=True, kw_only=True)
class AddCustomerNote:
    customer_id: UUID
    body: str
    author: str
    """Who writes it, as timelines name actors (``Principal.actor``)."""


def add_customer_note(cmd: AddCustomerNote, *, uow: UnitOfWork) -> CustomerNote:
    """Append a note to the customer's record; an erased customer takes no more notes."""
    body = checked_note_body(cmd.body)
    with uow.begin() as tx:
        customer = editable(tx.repo(CUSTOMERS).by_id(cmd.customer_id, lock=True), cmd.customer_id)
        note = CustomerNote(id=new_id(), body=body, author=cmd.author, created_at=tx.now)
        tx.repo(NOTES).add(customer.id, note)
        tx.record(CustomerNoteAdded(aggregate_id=customer.id, note_id=note.id, author=cmd.author))
    return note


def list_customer_notes(
    customer_id: UUID,
    *,
    uow: UnitOfWork,
    before: tuple[datetime, UUID] | None = None,
    limit: int = 50,
) -> list[CustomerNote]:
    """The customer's notes, newest first, older than ``before`` (keyset paging); none for an
    unknown customer (the caller has read the customer already)."""
    with uow.read() as tx:
        return tx.repo(NOTES).page(customer_id, before=before, limit=limit)
