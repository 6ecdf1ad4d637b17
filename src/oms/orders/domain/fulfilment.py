"""How shipping, delivering and rerouting move an order's units, worked out before anything
changes.

The pure half of the order's fulfilment transitions, as ``plan_cancellation`` is for
cancelling: each function takes the lines and allocations and returns what they become, or
refuses with the facts. ``Order`` checks its lifecycle first, calls one of these, then records.
Every unit of a line is in exactly one place, and these functions only move units between
places::

    quantity - cancelled == allocated (at every location) + backordered + shipped
    0 <= delivered <= shipped

``invariant_problems`` says what breaks that, for ``Order.check_invariants``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from uuid import UUID

from oms.orders.domain.errors import NotAllocatedThere, NotShipped
from oms.orders.domain.model import Allocation, OrderLine, merge_allocations
from oms.shared.errors import FieldProblem, Invalid
from oms.shared.money import Money


def check_units(lines: Sequence[OrderLine], units: Mapping[UUID, int], *, what: str) -> None:
    """Name at least one line of the order, each with a positive number of units."""
    if not units:
        raise Invalid(f"name at least one line to {what}", field="lines")
    known = {line.id for line in lines}
    problems: list[FieldProblem] = []
    for index, (line_id, count) in enumerate(units.items()):
        if line_id not in known:
            problems.append(FieldProblem(f"lines.{index}.line_id", "is not a line of the order"))
        elif count <= 0:
            problems.append(FieldProblem(f"lines.{index}.quantity", "must be positive"))
    if problems:
        raise Invalid(f"the units to {what} are not valid", problems=problems)


def _units_by_line(allocations: Iterable[Allocation]) -> dict[UUID, int]:
    found: dict[UUID, int] = defaultdict(int)
    for a in allocations:
        found[a.line_id] += a.quantity
    return found


@dataclass(frozen=True, slots=True, kw_only=True)
class Shipping:
    """What shipping some units from one location does to the order."""

    lines: tuple[OrderLine, ...]
    shipped: tuple[Allocation, ...]
    """The allocations the shipment consumes (units per line at the location): for the ledger."""
    remaining: tuple[Allocation, ...]


def plan_shipping(
    number: str,
    lines: Sequence[OrderLine],
    allocations: Sequence[Allocation],
    location: str,
    units: Mapping[UUID, int],
) -> Shipping:
    """Ship ``units`` (line id -> units) from ``location`` (a code): only units allocated
    there can leave it."""
    check_units(lines, units, what="ship")
    here = {a.line_id: a for a in allocations if a.location == location and a.quantity}
    short = [
        (line.sku, units[line.id], here[line.id].quantity if line.id in here else 0)
        for line in lines
        if line.id in units and (line.id not in here or here[line.id].quantity < units[line.id])
    ]
    if short:
        raise NotAllocatedThere(number, location, short)
    shipped = tuple(replace(here[line_id], quantity=count) for line_id, count in units.items())
    return Shipping(
        lines=tuple(
            replace(line, fulfilled_quantity=line.fulfilled_quantity + units.get(line.id, 0))
            for line in lines
        ),
        shipped=shipped,
        remaining=merge_allocations(
            allocations, [replace(a, quantity=-a.quantity) for a in shipped]
        ),
    )


def plan_delivery(
    number: str, lines: Sequence[OrderLine], units: Mapping[UUID, int]
) -> tuple[OrderLine, ...]:
    """The lines once ``units`` (line id -> units) of their shipped units arrived; only units
    on their way can arrive."""
    check_units(lines, units, what="deliver")
    short = [
        (line.sku, units[line.id], line.in_transit_quantity)
        for line in lines
        if units.get(line.id, 0) > line.in_transit_quantity
    ]
    if short:
        raise NotShipped(number, short)
    return tuple(
        replace(line, delivered_quantity=line.delivered_quantity + units.get(line.id, 0))
        for line in lines
    )


def pick_for_rerouting(
    lines: Sequence[OrderLine],
    allocations: Sequence[Allocation],
    away_from: Collection[str],
    units: Mapping[UUID, int] | None,
) -> tuple[Allocation, ...]:
    """The allocations to take away from the ``away_from`` locations: every unit there of
    every line (``units`` None), or that many units of each named line (from the locations in
    the order the allocations are listed)."""
    there = [a for a in allocations if a.location in away_from and a.quantity]
    if units is None:
        return tuple(there)
    check_units(lines, units, what="reroute")
    held = _units_by_line(there)
    problems = [
        FieldProblem(
            f"lines.{index}.quantity",
            f"only {held.get(line_id, 0)} units of the line are allocated there",
        )
        for index, (line_id, count) in enumerate(units.items())
        if count > held.get(line_id, 0)
    ]
    if problems:
        raise Invalid("the units to reroute are not valid", problems=problems)
    picked: list[Allocation] = []
    wanted = dict(units)
    for a in there:
        take = min(wanted.get(a.line_id, 0), a.quantity)
        if take:
            picked.append(replace(a, quantity=take))
            wanted[a.line_id] -= take
    return tuple(picked)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rerouting:
    """What moving released units to new allocations (and the backorder queue) does."""

    lines: tuple[OrderLine, ...]
    allocations: tuple[Allocation, ...]
    problems: tuple[str, ...] = ()
    """Why the move would lose or invent units; empty when every released unit has a place."""


def plan_rerouting(
    lines: Sequence[OrderLine],
    allocations: Sequence[Allocation],
    released: Sequence[Allocation],
    placed: Sequence[Allocation],
    backordered: Mapping[UUID, int],
) -> Rerouting:
    """Take ``released`` off the allocations, add ``placed`` and ``backordered`` (line id ->
    units): every released unit must land in exactly one of them."""
    problems: list[str] = []
    current = {a.key: a.quantity for a in allocations}
    for key, count in _units_by_key(released).items():
        if count > current.get(key, 0):
            problems.append(f"releases {count} units of line {key[0]} not held at {key[1]}")
    out, landed = _units_by_line(released), _units_by_line(placed)
    for line_id, count in backordered.items():
        landed[line_id] += count
    for line_id in set(out) | set(landed):
        if out.get(line_id, 0) != landed.get(line_id, 0):
            problems.append(
                f"line {line_id}: {out.get(line_id, 0)} units released, "
                f"{landed.get(line_id, 0)} placed again"
            )
    given_back = [replace(a, quantity=-a.quantity) for a in released]
    return Rerouting(
        lines=tuple(
            replace(
                line, backordered_quantity=line.backordered_quantity + backordered.get(line.id, 0)
            )
            for line in lines
        ),
        allocations=merge_allocations(allocations, given_back, placed),
        problems=tuple(problems),
    )


def _units_by_key(allocations: Iterable[Allocation]) -> dict[tuple[UUID, UUID], int]:
    found: dict[tuple[UUID, UUID], int] = defaultdict(int)
    for a in allocations:
        found[a.key] += a.quantity
    return found


def invariant_problems(lines: Sequence[OrderLine], allocations: Sequence[Allocation]) -> list[str]:
    """Every way the lines and allocations break the unit invariants (none: they add up)."""
    problems: list[str] = []
    allocated = _units_by_line(allocations)
    known = {line.id for line in lines}
    for a in allocations:
        if a.quantity < 0:
            problems.append(f"{a.quantity} units allocated of line {a.line_id} at {a.location}")
        if a.line_id not in known:
            problems.append(f"units allocated at {a.location} to no line ({a.line_id})")
    for line in lines:
        counts = {
            "cancelled": line.cancelled_quantity,
            "backordered": line.backordered_quantity,
            "shipped": line.fulfilled_quantity,
            "delivered": line.delivered_quantity,
        }
        problems += [f"{line.sku}: {n} {name}" for name, n in counts.items() if n < 0]
        placed = allocated.get(line.id, 0) + line.backordered_quantity + line.fulfilled_quantity
        if line.billed_quantity != placed:
            problems.append(
                f"{line.sku}: {line.billed_quantity} billed but {allocated.get(line.id, 0)} "
                f"allocated + {line.backordered_quantity} backordered + "
                f"{line.fulfilled_quantity} shipped"
            )
        if line.delivered_quantity > line.fulfilled_quantity:
            problems.append(
                f"{line.sku}: {line.delivered_quantity} delivered of "
                f"{line.fulfilled_quantity} shipped"
            )
    return problems


def value_shipped(lines: Sequence[OrderLine], shipping: Money) -> Money:
    """What the units shipped so far are worth: each line's total shared by its billed units
    (rounded half-even, cumulatively, so the shares of a line add up to its total to the cent
    once every unit shipped), and the shipping charge as soon as anything shipped. A channel
    that captures at shipment captures up to this."""
    worth = Money.zero(shipping.currency)
    for line in lines:
        worth += line.total.share(line.fulfilled_quantity, line.billed_quantity)
    if any(line.fulfilled_quantity for line in lines):
        worth += shipping
    return worth
