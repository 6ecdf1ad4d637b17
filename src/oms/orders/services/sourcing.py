"""Sourcing: where an order's units come from, and taking them from stock.

The one home of every step: the candidate locations (the pickup store, or the channel's active
shipping locations in its order of preference), the units free at them (``StockLevel.available``,
locked when the plan will be posted), the plan (``oms.orders.domain.sourcing``), its allocations,
and posting them to the stock ledger. Placement, backorder filling and order edits use it (and
next, rerouting); it is a step below them and imports no use case. Where it goes once fulfilment
exists: docs/decisions/0004-order-aggregate-and-sourcing.md.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from oms import channels, inventory
from oms.orders.domain import Allocation, Order, OrderLine
from oms.orders.domain.sourcing import Key, Plan, Want, plan
from oms.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Candidates:
    """The locations that may source an order, in order of preference, with their codes."""

    ids: tuple[UUID, ...]
    codes: Mapping[UUID, str]


@dataclass(frozen=True, slots=True)
class Sourcing:
    """A plan and the free units it was made from (a preview shows both)."""

    plan: Plan
    free: Mapping[Key, int]


def find_candidates(
    channel: channels.Channel, pickup: channels.Location | None, *, uow: UnitOfWork
) -> Candidates:
    """The pickup store, or the channel's active shipping locations in its order of preference."""
    if pickup is not None:
        return Candidates((pickup.id,), {pickup.id: pickup.code})
    found = channels.locations_by_codes(channel.location_codes, uow=uow)
    usable = [
        found[code]
        for code in channel.location_codes
        if code in found and found[code].active and found[code].ships
    ]
    return Candidates(tuple(loc.id for loc in usable), {loc.id: loc.code for loc in usable})


def find_order_candidates(order: Order, *, uow: UnitOfWork) -> Candidates:
    """The locations that may source more units of a placed order (its store for a pickup)."""
    channel = channels.get_channel(order.channel, uow=uow)
    pickup = None
    if order.pickup_location is not None:
        pickup = channels.locations_by_codes([order.pickup_location], uow=uow).get(
            order.pickup_location
        )
        if pickup is None:
            return Candidates((), {})
    return find_candidates(channel, pickup, uow=uow)


def list_wants(
    units: Sequence[tuple[OrderLine, int]], *, backorders: bool, uow: UnitOfWork
) -> list[Want]:
    """What to source: ``units`` of each line. A line may be backordered when ``backorders``
    (the channel allows it, or the units wait already) or when its SKU's settings allow it."""
    wanted = [(line, count) for line, count in units if count > 0]
    settings = (
        {}
        if backorders
        else inventory.stock_settings({line.variant_id for line, _ in wanted}, uow=uow)
    )
    return [
        Want(
            line_no=line.line_no,
            variant_id=line.variant_id,
            sku=line.sku,
            quantity=count,
            backorderable=backorders
            or (line.variant_id in settings and settings[line.variant_id].allows_backorders),
        )
        for line, count in wanted
    ]


def source(
    wants: Sequence[Want],
    candidates: Candidates,
    *,
    lock: bool,
    released: Sequence[Allocation] = (),
    uow: UnitOfWork,
) -> Sourcing:
    """Plan ``wants`` against the units free at the candidates once ``released`` is given back.

    With ``lock`` every level the plan may touch (released ones included) is locked in key
    order until the transaction ends, so the plan still holds when it is posted; without it
    (a preview) the levels are only read.
    """
    keys = {(w.variant_id, loc) for w in wants for loc in candidates.ids}
    keys |= {(a.variant_id, a.location_id) for a in released}
    read = inventory.levels_for_update if lock else inventory.read_levels
    free = {key: level.available for key, level in read(keys, uow=uow).items()}
    for a in released:
        key = (a.variant_id, a.location_id)
        free[key] = free.get(key, 0) + a.quantity
    return Sourcing(plan(wants, candidates.ids, free), free)


def _stock_lines(allocations: Collection[Allocation]) -> tuple[inventory.StockLine, ...]:
    return tuple(
        inventory.StockLine(variant_id=a.variant_id, location_id=a.location_id, quantity=a.quantity)
        for a in allocations
    )


def take_stock(
    allocations: Collection[Allocation],
    *,
    reference: str,
    actor: str,
    uow: UnitOfWork,
    locked: bool = False,
) -> None:
    """Post ``allocations`` to the stock ledger; ``locked`` when ``source(lock=True)`` locked
    their levels in this transaction already."""
    if allocations:
        inventory.allocate(
            inventory.StockLines(lines=_stock_lines(allocations), reference=reference, actor=actor),
            uow=uow,
            locked=locked,
        )


def give_back_stock(
    allocations: Collection[Allocation], *, reference: str, actor: str, uow: UnitOfWork
) -> None:
    """Return the units of ``allocations`` to available stock (cancelled or re-sourced)."""
    if allocations:
        inventory.release(
            inventory.StockLines(lines=_stock_lines(allocations), reference=reference, actor=actor),
            uow=uow,
        )
