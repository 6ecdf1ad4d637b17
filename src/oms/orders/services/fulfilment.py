"""What fulfilment asks of an order: units shipped, units delivered, the order completed, and
notes on its timeline.

``oms.fulfilment`` sits above orders (ADR 0011) and changes an order only through these
functions, in its own transaction: each joins the caller's unit of work (``uow.begin()``
nests) and takes the order's row lock first. The lock order of the whole system is the order,
then its fulfilment orders, then shipments, then stock levels; a caller that locks a
fulfilment order calls ``order_for_fulfilment`` before it, so the calls here re-enter a lock
it holds already instead of taking one after the fulfilment order's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal
from uuid import UUID

from oms.orders.domain import Order
from oms.orders.domain.timeline import TimelineEntry
from oms.orders.repository import ORDERS
from oms.orders.services import sourcing
from oms.orders.services.completion import complete_when_done
from oms.platform.unit_of_work import UnitOfWork


def order_for_fulfilment(
    order_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None
) -> Order:
    """The order, locked until the caller's transaction ends: fulfilment takes it before any
    fulfilment order, shipment or stock row of it (the lock order above)."""
    with uow.begin() as tx:
        return tx.repo(ORDERS).get(order_id, lock=True, visible_to=visible_to)


def ship_units(
    order_id: UUID,
    *,
    location: str,
    units: Mapping[UUID, int],
    reference: str,
    actor: str,
    uow: UnitOfWork,
) -> Order:
    """``units`` (line id -> units) left ``location`` in the shipment ``reference``: the order
    counts them shipped and the ledger moves them out (``on_hand`` and ``allocated`` drop
    together), in the caller's transaction. Refused while the order is held."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(order_id, lock=True)
        shipped = order.ship(location, units, reference=reference, actor=actor, at=tx.now)
        order.check_invariants()
        sourcing.ship_stock(shipped, reference=reference, actor=actor, uow=uow)
        orders.save(order)
        tx.record(*order.drain_events())
    return order


def deliver_units(
    order_id: UUID,
    *,
    units: Mapping[UUID, int],
    how: Literal["delivered", "picked_up"],
    actor: str,
    uow: UnitOfWork,
) -> Order:
    """Shipped ``units`` (line id -> units) arrived (delivered by a carrier, or picked up in a
    store); the order completes when that was the last of them and it is paid."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(order_id, lock=True)
        order.deliver(units, how=how, actor=actor, at=tx.now)
        order.check_invariants()
        complete_when_done(order, actor=actor, at=tx.now, uow=uow)
        orders.save(order)
        tx.record(*order.drain_events())
    return order


def complete_if_done(order_id: UUID, *, actor: str, uow: UnitOfWork) -> bool:
    """Complete the order if every billed unit arrived and it is paid (or its channel, a
    marketplace, collects the money); whether it completed now. Called after deliveries and
    after payments' events, so whichever comes last completes the order; nothing changes
    (and nothing is written) when it is not done or completed already."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(order_id, lock=True)
        if not complete_when_done(order, actor=actor, at=tx.now, uow=uow):
            return False
        orders.save(order)
        tx.record(*order.drain_events())
    return True


def note_on_timeline(
    order_id: UUID,
    *,
    kind: str,
    summary: str,
    details: Mapping[str, Any],
    actor: str,
    uow: UnitOfWork,
) -> None:
    """Put what fulfilment did with the order on its timeline (a fulfilment order started or
    rejected, a label printed), in the caller's transaction; the order's version stays. One
    INSERT: the order is not loaded (the relay's consumers call this for every order)."""
    with uow.begin() as tx:
        entry = TimelineEntry(
            at=tx.now, actor=actor, kind=kind, summary=summary, details=dict(details)
        )
        tx.repo(ORDERS).append_note(order_id, entry)
