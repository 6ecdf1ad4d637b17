"""Stock for an order change: the units it must source, what is free for them, the plan's
allocations and backorders, and the per-SKU check a preview shows."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from uuid import UUID

from oms import channels, inventory
from oms.orders.domain import Allocation, Order, OrderLine
from oms.orders.domain.changes import StockCheck
from oms.orders.domain.sourcing import Key, Plan, Want
from oms.platform.unit_of_work import UnitOfWork


def wants(
    order: Order,
    lines: tuple[OrderLine, ...],
    channel: channels.Channel,
    *,
    resource: bool,
    uow: UnitOfWork,
) -> list[Want]:
    """Units to source: what the change adds, or every open unit when the order moves."""
    before = {line.id: line.quantity for line in order.lines}
    units = {
        line.line_no: line.open_quantity if resource else line.quantity - before.get(line.id, 0)
        for line in lines
    }
    wanted = [line for line in lines if units[line.line_no] > 0]
    settings = inventory.stock_settings({line.variant_id for line in wanted}, uow=uow)
    return [
        Want(
            line_no=line.line_no,
            variant_id=line.variant_id,
            sku=line.sku,
            quantity=units[line.line_no],
            backorderable=channel.allows_backorders
            or (line.variant_id in settings and settings[line.variant_id].allows_backorders),
        )
        for line in wanted
    ]


def available(
    wanted: Sequence[Want],
    candidates: Collection[UUID],
    released: Sequence[Allocation],
    *,
    lock: bool,
    uow: UnitOfWork,
) -> dict[Key, int]:
    """Units free per (variant, location) once ``released`` is given back.

    Confirming (``lock``) locks every row it may touch, released ones included, in key order,
    so the plan made from them holds; a preview only reads the levels of the SKUs it wants.
    """
    if lock:
        keys = {(w.variant_id, loc) for w in wanted for loc in candidates}
        keys |= {(a.variant_id, a.location_id) for a in released}
        levels = inventory.levels_for_update(keys, uow=uow)
        free = {key: level.available for key, level in levels.items()}
    else:
        skus = {w.variant_id: w.sku for w in wanted}
        free = {
            (variant_id, stock.location_id): stock.available
            for variant_id, sku in skus.items()
            for stock in inventory.get_stock(sku, uow=uow).locations
        }
    for a in released:
        key = (a.variant_id, a.location_id)
        free[key] = free.get(key, 0) + a.quantity
    return free


def sourced(
    lines: tuple[OrderLine, ...], result: Plan, codes: Mapping[UUID, str]
) -> tuple[tuple[OrderLine, ...], tuple[Allocation, ...]]:
    """The lines with the units the plan backorders, and the allocations it picks."""
    by_no = {line.line_no: line for line in lines}
    allocated = tuple(
        Allocation(
            line_id=by_no[p.line_no].id,
            variant_id=p.variant_id,
            location_id=p.location_id,
            location=codes[p.location_id],
            quantity=p.quantity,
        )
        for p in result.picks
    )
    backordered = tuple(
        replace(
            line,
            backordered_quantity=line.backordered_quantity
            + result.backordered.get(line.line_no, 0),
        )
        for line in lines
    )
    return backordered, allocated


def merged(kept: Sequence[Allocation], allocated: Sequence[Allocation]) -> tuple[Allocation, ...]:
    """Allocations per (line, location), added up as the table adds them."""
    units: dict[tuple[UUID, UUID], Allocation] = {}
    for a in (*kept, *allocated):
        key = (a.line_id, a.location_id)
        units[key] = replace(a, quantity=a.quantity + units[key].quantity) if key in units else a
    return tuple(units.values())


def stock_checks(
    wanted: Sequence[Want], result: Plan, free: Mapping[Key, int], candidates: Collection[UUID]
) -> tuple[StockCheck, ...]:
    """Per SKU: units requested, free at the candidates, backordered and short."""
    checks: dict[str, StockCheck] = {}
    for want in wanted:
        picked = sum(p.quantity for p in result.picks if p.line_no == want.line_no)
        backordered = result.backordered.get(want.line_no, 0)
        units = sum(max(free.get((want.variant_id, loc), 0), 0) for loc in candidates)
        seen = checks.get(want.sku, StockCheck(sku=want.sku, requested=0, available=units))
        checks[want.sku] = replace(
            seen,
            requested=seen.requested + want.quantity,
            backordered=seen.backordered + backordered,
            short=seen.short + want.quantity - picked - backordered,
        )
    return tuple(checks.values())
