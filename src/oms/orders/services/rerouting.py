"""Rerouting: moving an order's allocated units away from locations that will not ship them
(a location rejected its fulfilment order, staff moved the work), in one transaction.

The units are sourced again from the order's other locations; what none of them has waits as
a backorder, even for a SKU that is not backorderable: the buyer bought those units already,
so nothing is lost or cancelled here (cancelling is the buyer's or the merchant's decision).
Locks: the order first, then every stock level the move touches (those given back and those
that may be taken) in key order, all at once, before any is posted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from uuid import UUID

from oms.orders.domain import Order
from oms.orders.repository import ORDERS
from oms.orders.services import sourcing
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid


def reroute_order(
    order_id: UUID,
    *,
    lines: Mapping[UUID, int] | None,
    away_from: Collection[str],
    reason: str,
    actor: str,
    uow: UnitOfWork,
) -> Order:
    """Take the allocations of ``lines`` (line id -> units; every line when None) away from
    the ``away_from`` locations (codes) and source them again elsewhere, or backorder them."""
    if not reason.strip():
        raise Invalid("a reroute needs a reason", field="reason")
    if not away_from:
        raise Invalid("name at least one location to reroute away from", field="away_from")
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        order = orders.get(order_id, lock=True)
        released = order.allocations_at(away_from, lines)
        units: dict[UUID, int] = defaultdict(int)
        for a in released:
            units[a.line_id] += a.quantity
        candidates = sourcing.find_order_candidates(order, uow=uow)
        wants = sourcing.list_wants(
            [(order.line(line_id), count) for line_id, count in units.items()],
            backorders=True,
            uow=uow,
        )
        plan = sourcing.source(
            wants,
            candidates,
            lock=True,
            released=released,
            exclude=away_from,
            why_excluded=f"rerouted away ({reason})",
            uow=uow,
        ).plan
        placed = order.reroute(
            released,
            plan,
            candidates.codes,
            away_from=away_from,
            reason=reason,
            actor=actor,
            at=tx.now,
        )
        order.check_invariants()
        sourcing.give_back_stock(released, reference=order.number, actor=actor, uow=uow)
        sourcing.take_stock(placed, reference=order.number, actor=actor, uow=uow, locked=True)
        orders.save(order)
        tx.record(*order.drain_events())
    return order
