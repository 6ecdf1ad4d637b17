"""The personal data a customer's orders hold, read and rewritten for erasure, behind ``BUYERS``.

Erasure is rare and touches one customer's orders, so it reads them whole and writes them back
row by row (``executemany``) rather than rewriting JSON in SQL, which the two databases spell
differently. The orders are locked in id order, as every multi-row lock in oms is taken.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

from sqlalchemy import Connection, bindparam, insert, select, update

from oms.orders.domain.erasure import BuyerRecords, holds_address
from oms.orders.tables import order_changes, order_timeline, orders
from oms.platform.unit_of_work import Port
from oms.shared.address import Address

T = TypeVar("T")

BATCH = 500
"""Orders per statement's ``IN`` list (SQLite allows 32,766 parameters, PostgreSQL 65,535)."""


class Buyers(Protocol):
    """The buyer's personal data on the orders of one customer."""

    def records_of(self, customer_id: UUID) -> list[BuyerRecords]:
        """Every order of the customer, locked, with the personal data it holds."""
        ...

    def save(self, records: Sequence[BuyerRecords], *, at: datetime, actor: str) -> None:
        """Write the records back, and note on each order's timeline that it was done."""
        ...


class SqlBuyers:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def records_of(self, customer_id: UUID) -> list[BuyerRecords]:
        rows = self.c.execute(
            select(
                orders.c.id,
                orders.c.customer_email,
                orders.c.customer_name,
                orders.c.customer_phone,
                orders.c.shipping_address,
                orders.c.billing_address,
                orders.c.notes,
            )
            .where(orders.c.customer_id == customer_id)
            .order_by(orders.c.id)
            .with_for_update()
        ).all()
        ids = [row.id for row in rows]
        timeline = self._timeline_copies(ids)
        changes = self._change_copies(ids)
        return [
            BuyerRecords(
                order_id=row.id,
                email=row.customer_email,
                name=row.customer_name,
                phone=row.customer_phone,
                shipping_address=Address(**row.shipping_address),
                billing_address=Address(**row.billing_address) if row.billing_address else None,
                notes=row.notes,
                timeline=timeline.get(row.id, {}),
                change_requests=changes.get(row.id, {}),
            )
            for row in rows
        ]

    def _timeline_copies(self, ids: list[UUID]) -> dict[UUID, dict[int, Mapping[str, Any]]]:
        found: dict[UUID, dict[int, Mapping[str, Any]]] = {}
        for batch in _batches(ids):
            query = select(
                order_timeline.c.order_id, order_timeline.c.position, order_timeline.c.details
            ).where(order_timeline.c.order_id.in_(batch))
            for row in self.c.execute(query):
                if holds_address(row.details):
                    found.setdefault(row.order_id, {})[row.position] = row.details
        return found

    def _change_copies(self, ids: list[UUID]) -> dict[UUID, dict[UUID, Mapping[str, Any]]]:
        found: dict[UUID, dict[UUID, Mapping[str, Any]]] = {}
        for batch in _batches(ids):
            query = select(
                order_changes.c.order_id, order_changes.c.id, order_changes.c.request
            ).where(order_changes.c.order_id.in_(batch))
            for row in self.c.execute(query):
                if holds_address(row.request):
                    found.setdefault(row.order_id, {})[row.id] = row.request
        return found

    def save(self, records: Sequence[BuyerRecords], *, at: datetime, actor: str) -> None:
        if not records:
            return
        self.c.execute(
            update(orders)
            .where(orders.c.id == bindparam("order_id"))
            .values(
                customer_email=bindparam("email"),
                customer_name=bindparam("name"),
                customer_phone=bindparam("phone"),
                shipping_address=bindparam("shipping", type_=orders.c.shipping_address.type),
                billing_address=bindparam("billing", type_=orders.c.billing_address.type),
                notes=bindparam("erased_notes"),
            ),
            [
                {
                    "order_id": r.order_id,
                    "email": r.email,
                    "name": r.name,
                    "phone": r.phone,
                    "shipping": r.shipping_address.as_dict(),
                    "billing": r.billing_address.as_dict() if r.billing_address else None,
                    "erased_notes": r.notes,
                }
                for r in records
            ],
        )
        self._rewrite_copies(records)
        self.c.execute(
            insert(order_timeline),
            [
                {
                    "order_id": r.order_id,
                    "at": at,
                    "actor": actor,
                    "kind": "buyer_erased",
                    "summary": "the buyer's personal data was erased on the customer's request",
                    "details": {},
                }
                for r in records
            ],
        )

    def _rewrite_copies(self, records: Sequence[BuyerRecords]) -> None:
        entries = [
            {"at_position": position, "erased": details}
            for r in records
            for position, details in r.timeline.items()
        ]
        if entries:
            self.c.execute(
                update(order_timeline)
                .where(order_timeline.c.position == bindparam("at_position"))
                .values(details=bindparam("erased", type_=order_timeline.c.details.type)),
                entries,
            )
        requests = [
            {"change_id": change_id, "erased": request}
            for r in records
            for change_id, request in r.change_requests.items()
        ]
        if requests:
            self.c.execute(
                update(order_changes)
                .where(order_changes.c.id == bindparam("change_id"))
                .values(request=bindparam("erased", type_=order_changes.c.request.type)),
                requests,
            )


def _batches(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


BUYERS: Port[Buyers] = Port("orders.buyers", SqlBuyers)
