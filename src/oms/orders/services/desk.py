"""The orders desk of the staff console: search what a person types, and notes on the timeline.

What is typed may be an order number, an external id, or a buyer's name, email or phone. The
number and the external id are index probes on the orders table; names, emails and phones are
resolved to customer profiles first by ``oms.customers`` (its folded, pre-normalised search
columns; at most ``CUSTOMERS_PER_SEARCH`` profiles, newest first), then their orders are read
by ``ix_orders_customer``. So a search costs a bounded number of index probes however many
orders there are, and a caller that may not see contact details cannot search by them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from oms import customers
from oms.orders.domain import Order, TimelineEntry
from oms.orders.repository import ORDERS, OrderFilter
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid

CUSTOMERS_PER_SEARCH = 50
"""How many buyer profiles a name, email or phone may name: the newest fifty matching."""

NOTE_LENGTH = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class AddNote:
    """A staff member's note on an order's timeline (a call, a promise, a decision)."""

    order_id: UUID
    text: str
    actor: str


def search_orders(
    filters: OrderFilter,
    *,
    uow: UnitOfWork,
    after: tuple[datetime, UUID] | None,
    limit: int,
    sees_contacts: bool,
    visible_to: str | None = None,
) -> list[Order]:
    """Orders newest first matching ``filters.q`` by number, external id, or the buyer's name
    (and, for those who may see contact details, email or phone); a channel-scoped caller
    sees its channel's only."""
    if visible_to is not None:
        if filters.channel not in (None, visible_to):
            return []
        filters = replace(filters, channel=visible_to)
    if filters.order_ids is not None and not filters.order_ids:
        return []
    typed = (filters.q or "").strip()
    if typed and (sees_contacts or "@" not in typed):
        found = customers.list_customers(
            uow=uow, q=typed, limit=CUSTOMERS_PER_SEARCH, sees_contacts=sees_contacts
        )
        filters = replace(filters, customer_ids=tuple(c.id for c in found))
    with uow.read() as tx:
        return tx.repo(ORDERS).search(filters, after=after, limit=limit)


def add_note(cmd: AddNote, *, uow: UnitOfWork, visible_to: str | None = None) -> None:
    """Put a staff member's note on the order's timeline; the order's version stays."""
    text = cmd.text.strip()
    if not text:
        raise Invalid("write the note", field="note")
    if len(text) > NOTE_LENGTH:
        raise Invalid(f"a note holds at most {NOTE_LENGTH} characters", field="note")
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        orders.get(cmd.order_id, visible_to=visible_to)
        entry = TimelineEntry(at=tx.now, actor=cmd.actor, kind="note", summary=text, details={})
        orders.append_note(cmd.order_id, entry)
