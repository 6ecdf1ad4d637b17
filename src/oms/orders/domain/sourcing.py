"""Where each line's units come from, as orders keeps it: the plan and its allocations.

The decision itself is the sourcing engine's (``oms.sourcing``: the channel's rules, filters,
ranking, strategy, and why); ``oms.orders.services.sourcing`` asks it and turns its decision
into this ``Plan``, whose ``explanation`` the order records on its timeline (kind ``sourced``).
Lines that share a SKU draw on the same stock, in line order; what no location can give is
backordered when the channel or the SKU allows it, and otherwise is a shortfall.
docs/decisions/0004-order-aggregate-and-sourcing.md and docs/sourcing.md say more.
"""

from __future__ import annotations

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
    preorder: bool = False
    """The SKU is not released yet: the line is backordered whole, whatever the stock."""


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
