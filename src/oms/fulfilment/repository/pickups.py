"""Ready pickups as a store's counter sees them, behind the ``PICKUPS`` port (read only).

A pickup is waited for at its store: the FO's ``pickup_location_code`` (a transfer's FO is
sourced elsewhere), which for a pickup at the sourcing store is also its location. The list of
uncollected pickups is one statement on the (status, ship_by) index, whatever the number of
stores; the FOs themselves are changed through ``FULFILMENT_ORDERS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from sqlalchemy import Connection, func, select, tuple_

from oms.fulfilment.domain.lifecycle import Delivery, FulfilmentOrderStatus
from oms.fulfilment.tables.orders import fulfilment_order_lines, fulfilment_orders
from oms.platform.unit_of_work import Port


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadyPickup:
    """A pickup waiting at its store: when it became ready, until when it is held, how many
    units wait on the shelf (given and not taken away: a transfer's shipped here)."""

    fulfilment_order_id: UUID
    number: str
    order_id: UUID
    order_number: str
    location: str
    pickup_location: str
    ready_at: datetime
    expires_on: date
    units: int


class Pickups(Protocol):
    def ready_before(
        self,
        expires_before: date,
        *,
        store: str | None,
        limit: int,
        after: tuple[date, str] | None = None,
    ) -> list[ReadyPickup]:
        """Ready pickups (at ``store``, or every store) whose hold ends before
        ``expires_before``, longest expired first, keyset-paged on (expires_on, number)."""
        ...


class SqlPickups:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def ready_before(
        self,
        expires_before: date,
        *,
        store: str | None,
        limit: int,
        after: tuple[date, str] | None = None,
    ) -> list[ReadyPickup]:
        fo, lines = fulfilment_orders.c, fulfilment_order_lines.c
        waiting = (
            select(func.sum(lines.quantity - lines.cancelled_quantity))
            .where(lines.fulfilment_order_id == fo.id)
            .scalar_subquery()
        )
        at_store = func.coalesce(fo.pickup_location_code, fo.location_code)
        query = (
            select(fulfilment_orders, at_store.label("store"), waiting.label("units"))
            .where(
                fo.status == FulfilmentOrderStatus.READY_FOR_PICKUP.value,
                fo.delivery == Delivery.PICKUP.value,
                fo.pickup_expires_on < expires_before,
            )
            .order_by(fo.pickup_expires_on, fo.number)
            .limit(limit)
        )
        if store is not None:
            query = query.where(at_store == store)
        if after is not None:
            query = query.where(tuple_(fo.pickup_expires_on, fo.number) > after)
        return [
            ReadyPickup(
                fulfilment_order_id=row.id,
                number=row.number,
                order_id=row.order_id,
                order_number=row.order_number,
                location=row.location_code,
                pickup_location=row.store,
                ready_at=row.ready_at,
                expires_on=row.pickup_expires_on,
                units=int(row.units or 0),
            )
            for row in self.c.execute(query)
        ]


PICKUPS: Port[Pickups] = Port("fulfilment.pickups", SqlPickups)
