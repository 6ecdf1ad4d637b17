"""Where each line's units come from: the simple first rule of issue 3.

Each line goes to the first candidate location that can take all of it; otherwise it is split
across the candidates in the channel's order. What no location has is backordered when the
channel or the SKU allows it, and otherwise is a shortfall. Lines that share a SKU draw on the
same stock, in line order. A later sourcing engine replaces ``plan`` behind the same shape.

This is the pure half of sourcing; ``oms.orders.services.sourcing`` is the other half (candidate
locations, free stock, posting), and every caller (placement, backorders, edits) goes through
both. docs/decisions/0004-order-aggregate-and-sourcing.md says where they go once fulfilment
exists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from oms.orders.domain.model import Allocation, OrderLine

Key = tuple[UUID, UUID]
"""(variant id, location id)"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Want:
    line_no: int
    variant_id: UUID
    sku: str
    quantity: int
    backorderable: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Pick:
    line_no: int
    variant_id: UUID
    location_id: UUID
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Shortfall:
    sku: str
    requested: int
    available: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    picks: tuple[Pick, ...] = ()
    backordered: Mapping[int, int] = field(default_factory=dict)
    shortfalls: tuple[Shortfall, ...] = ()
    explanation: Mapping[str, Any] | None = None
    """Why the plan is what it is (JSON-ready), kept on the order's timeline as its
    ``sourced`` entry; None when nothing explains it."""

    def allocations(
        self, lines: Sequence[OrderLine], locations: Mapping[UUID, str]
    ) -> tuple[Allocation, ...]:
        """The picks as allocations of ``lines`` (matched by line number); ``locations`` names
        each candidate location by its code."""
        by_no = {line.line_no: line for line in lines}
        return tuple(
            Allocation(
                line_id=by_no[p.line_no].id,
                variant_id=p.variant_id,
                location_id=p.location_id,
                location=locations[p.location_id],
                quantity=p.quantity,
            )
            for p in self.picks
        )

    def backorder(self, lines: Sequence[OrderLine]) -> tuple[OrderLine, ...]:
        """``lines`` with the units this plan backorders added to their backordered units."""
        return tuple(
            replace(
                line,
                backordered_quantity=line.backordered_quantity
                + self.backordered.get(line.line_no, 0),
            )
            for line in lines
        )


def plan(wants: Sequence[Want], candidates: Sequence[UUID], available: Mapping[Key, int]) -> Plan:
    """Plan every line against ``available`` units per (variant, location)."""
    left = {key: max(units, 0) for key, units in available.items()}
    picks: list[Pick] = []
    backordered: dict[int, int] = {}
    short: dict[str, int] = {}
    for want in wants:
        taken = _take(want, candidates, left)
        picks.extend(taken)
        missing = want.quantity - sum(p.quantity for p in taken)
        if missing and want.backorderable:
            backordered[want.line_no] = missing
        elif missing:
            short[want.sku] = short.get(want.sku, 0) + missing
    return Plan(
        picks=tuple(picks),
        backordered=backordered,
        shortfalls=_shortfalls(wants, short, available, candidates),
    )


def _take(want: Want, candidates: Sequence[UUID], left: dict[Key, int]) -> list[Pick]:
    whole = next(
        (loc for loc in candidates if left.get((want.variant_id, loc), 0) >= want.quantity), None
    )
    plan_for: list[tuple[UUID, int]] = []
    if whole is not None:
        plan_for.append((whole, want.quantity))
    else:
        remaining = want.quantity
        for location in candidates:
            units = min(left.get((want.variant_id, location), 0), remaining)
            if units:
                plan_for.append((location, units))
                remaining -= units
    for location, units in plan_for:
        left[(want.variant_id, location)] -= units
    return [
        Pick(line_no=want.line_no, variant_id=want.variant_id, location_id=loc, quantity=units)
        for loc, units in plan_for
    ]


def _shortfalls(
    wants: Sequence[Want],
    short: Mapping[str, int],
    available: Mapping[Key, int],
    candidates: Sequence[UUID],
) -> tuple[Shortfall, ...]:
    requested: dict[str, int] = defaultdict(int)
    variant_of: dict[str, UUID] = {}
    for want in wants:
        requested[want.sku] += want.quantity
        variant_of[want.sku] = want.variant_id
    return tuple(
        Shortfall(
            sku=sku,
            requested=requested[sku],
            available=sum(max(available.get((variant_of[sku], loc), 0), 0) for loc in candidates),
        )
        for sku in short
    )
