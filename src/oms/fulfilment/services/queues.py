"""What locations work from: their fulfilment orders, oldest promise first, and the late ones.

**Location-bound keys.** A warehouse key bound to one location (``Principal.location_scope``)
sees only that location's FOs: routes pass ``visible_location(principal)`` as
``visible_to_location`` to every read and write here and in shipping and pickup, so another
location's FO answers 404 and is absent from every list, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from oms import orders
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder
from oms.fulfilment.domain.lifecycle import ACTIVE, FulfilmentOrderStatus
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS, QueueKey
from oms.platform.security import Principal
from oms.platform.unit_of_work import UnitOfWork


def visible_location(principal: Principal) -> str | None:
    """The one location whose fulfilment ``principal`` may see and work (a bound warehouse
    key's code), or None for all: what every fulfilment route passes as
    ``visible_to_location``."""
    return principal.location_scope


def get_fulfilment_order(
    fo_id: UUID, *, uow: UnitOfWork, visible_to_location: str | None = None
) -> FulfilmentOrder:
    """One FO with its lines; ``FulfilmentOrderNotFound`` when unknown or another location's."""
    with uow.read() as tx:
        return tx.repo(FULFILMENT_ORDERS).get(fo_id, visible_to_location=visible_to_location)


def order_fulfilment_orders(
    order_id: UUID,
    *,
    uow: UnitOfWork,
    visible_to: str | None = None,
    visible_to_location: str | None = None,
) -> list[FulfilmentOrder]:
    """The order's FOs, first created first (a location-bound key sees its location's only);
    another channel's order does not exist for a channel key."""
    orders.get_order(order_id, uow=uow, visible_to=visible_to)
    with uow.read() as tx:
        found = tx.repo(FULFILMENT_ORDERS).for_order(order_id)
    return [fo for fo in found if visible_to_location in (None, fo.location)]


def list_fulfilment_orders(
    *,
    uow: UnitOfWork,
    location: str | None,
    statuses: Collection[FulfilmentOrderStatus] = (),
    limit: int,
    after: QueueKey | None = None,
    visible_to_location: str | None = None,
) -> list[FulfilmentOrder]:
    """A location's (or every location's) FOs in ``statuses`` (the active ones when none are
    named), oldest promise first: the order to work them in."""
    where = _scoped(location, visible_to_location)
    if where == _NOWHERE:
        return []
    with uow.read() as tx:
        return tx.repo(FULFILMENT_ORDERS).queue(
            location=where, statuses=statuses or ACTIVE, limit=limit, after=after
        )


def late_fulfilment_orders(
    *,
    uow: UnitOfWork,
    location: str | None = None,
    limit: int,
    after: QueueKey | None = None,
    visible_to_location: str | None = None,
    now: datetime | None = None,
) -> list[FulfilmentOrder]:
    """FOs whose units still wait to leave after their ship-by time, most overdue first."""
    where = _scoped(location, visible_to_location)
    if where == _NOWHERE:
        return []
    with uow.read() as tx:
        return tx.repo(FULFILMENT_ORDERS).late(
            now or tx.now, location=where, limit=limit, after=after
        )


_NOWHERE = "\x00nowhere"
"""A filter no location matches: a bound key asking for another location's list."""


def _scoped(asked: str | None, visible_to_location: str | None) -> str | None:
    if visible_to_location is None:
        return asked
    if asked not in (None, visible_to_location):
        return _NOWHERE
    return visible_to_location
