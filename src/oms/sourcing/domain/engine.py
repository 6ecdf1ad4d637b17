"""The sourcing engine: which locations give an order's units, by the channel's rules, and why.

Pure: it is handed everything (the rules, the candidate locations with their coordinates and
today's load, the free units per SKU and location, the units already waiting for each SKU, the
destination) and returns a ``Decision``: the picks, what is backordered and what is short, and an
``explanation`` a person can read (``oms.sourcing.domain.explanation``). The caller locks the
stock it plans from, so the decision holds when it is posted.

The walk, for one order:

1. **Filters per location**: excluded by the caller (a location that rejected the order),
   inactive, cannot ship (or offer the pickup, or send a transfer), at its daily capacity.
2. **Units per line and location**: free units (``on_hand - allocated - unavailable``) above the
   SKU's safety stock there; and per SKU, at most what is free at every candidate *less the units
   already waiting* for that SKU, so stock that arrives goes to the oldest backorders first.
3. **Ranking** (lexicographic by the rules' criteria, ties broken by the channel's order).
4. **Strategy**: pre-order lines are backordered whole; with ``prefer_single_location`` the
   best-ranked location that has every item takes the whole order, else lines prefer locations
   already used; each line goes whole to the first location that has it all, else (when
   ``allow_partial``) is split in rank order, never over ``max_shipments`` locations; what is
   left is backordered when the line may be, and otherwise short.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from oms.shared.geo import GeoPoint
from oms.sourcing.domain.rules import Criterion, SourcingRules

Key = tuple[UUID, UUID]
"""(variant id, location id)"""


class Role(StrEnum):
    """What a location would do for this order."""

    SHIP = "ship"
    PICKUP = "pickup"
    """The pickup store itself."""
    TRANSFER = "transfer"
    """A warehouse that may send stock to the pickup store (``pickup.transfer_from``)."""


class Found(StrEnum):
    """How the destination's point was found."""

    ADDRESS = "address"
    POSTAL_CODE = "postal_code"
    COUNTRY = "country"
    PICKUP_STORE = "pickup_store"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class Destination:
    point: GeoPoint | None = None
    found: Found = Found.UNKNOWN


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """A candidate location as the engine sees it."""

    id: UUID
    code: str
    position: int
    """1-based place in the channel's list (the default priority)."""
    role: Role = Role.SHIP
    point: GeoPoint | None = None
    active: bool = True
    ships: bool = True
    offers_pickup: bool = False
    daily_capacity: int = 0
    """Orders a day (0: unlimited)."""
    excluded: str | None = None
    """Why the caller leaves it out (e.g. it rejected the order), if it does."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Need:
    """Units of one order line to source."""

    line_no: int
    variant_id: UUID
    sku: str
    quantity: int
    backorderable: bool
    preorder: bool = False
    """The SKU's release date is in the future: backordered whole, whatever the stock."""


class Stocked(Protocol):
    """Stock of one SKU at one location, as locked for this decision (an inventory level
    serves as it is)."""

    @property
    def available(self) -> int: ...

    @property
    def safety_stock(self) -> int: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Units:
    """A ``Stocked`` made by hand (units given back by a reroute, tests)."""

    available: int
    safety_stock: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    rules: SourcingRules
    sites: Sequence[Site]
    needs: Sequence[Need]
    stock: Mapping[Key, Stocked]
    waiting: Mapping[UUID, int] = field(default_factory=dict)
    """Units already backordered per variant (by older orders); 0 for the backorder filler."""
    destination: Destination = field(default_factory=Destination)
    currency: str = "EUR"
    loads: Mapping[UUID, int] = field(default_factory=dict)
    """Fulfilment orders each location took today (read only for locations with a capacity)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Pick:
    line_no: int
    variant_id: UUID
    location_id: UUID
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Short:
    sku: str
    requested: int
    available: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Ranked:
    """A location that passed the filters, with the values it was ranked by."""

    site: Site
    distance_km: float | None
    priority: int
    stock_on_hand: int
    cost: int | None
    rank: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    picks: tuple[Pick, ...]
    backordered: Mapping[int, int]
    shortfalls: tuple[Short, ...]
    excluded: Mapping[UUID, str]
    """Locations left out, and why."""
    ranked: tuple[Ranked, ...]
    single: UUID | None
    """The location that took the whole order under ``prefer_single_location``, if one did."""
    preordered: frozenset[int]
    """Line numbers backordered because their SKU is not released yet."""
    passed: frozenset[UUID]
    """Locations that passed the location filters (whether or not they had stock)."""


def decide(request: Request) -> Decision:
    """Source every need of ``request`` (see the module's docstring for the walk).

    Inside, SKUs and locations are numbered (their place in the request): the walk looks units
    up many times per order, and a pair of small ints hashes far faster than a pair of UUIDs."""
    rules = request.rules
    sites = list(request.sites)
    variants = list(dict.fromkeys(n.variant_id for n in request.needs))
    number = {v: i for i, v in enumerate(variants)}
    excluded = {
        s.id: why
        for s in sites
        if (why := _exclusion(s, rules, request.loads.get(s.id, 0))) is not None
    }
    open_sites = [j for j, s in enumerate(sites) if s.id not in excluded]
    usable = _usable(request, variants, sites, open_sites)
    by_variant = [0] * len(variants)
    by_site = [0] * len(sites)
    for (i, j), units in usable.items():
        by_variant[i] += units
        by_site[j] += units
    budget = {i: max(by_variant[i] - request.waiting.get(v, 0), 0) for i, v in enumerate(variants)}
    for j in open_sites:
        if not by_site[j]:
            excluded[sites[j].id] = _no_stock(request, sites[j])
    ranked, order = _rank(request, [j for j in open_sites if sites[j].id not in excluded], by_site)
    regular = [n for n in request.needs if not n.preorder]
    single = None
    if rules.strategy.prefer_single_location and regular:
        single = _single_location(regular, number, order, usable, budget)
    walk = _Walk(rules, dict(usable), dict(budget), order, single, [s.id for s in sites])
    backordered: dict[int, int] = {}
    short: dict[str, int] = defaultdict(int)
    for need in request.needs:
        taken = 0 if need.preorder else walk.take(need, number[need.variant_id])
        missing = need.quantity - taken
        if missing and (need.backorderable or need.preorder):
            backordered[need.line_no] = missing
        elif missing:
            short[need.sku] += missing
    return Decision(
        picks=tuple(walk.picks),
        backordered=backordered,
        shortfalls=_shortfalls(request.needs, short, {v: budget[number[v]] for v in variants}),
        excluded=excluded,
        ranked=tuple(ranked),
        single=None if single is None else sites[single].id,
        preordered=frozenset(n.line_no for n in request.needs if n.preorder),
        passed=frozenset(sites[j].id for j in open_sites),
    )


_CANNOT = {
    Role.SHIP: "does not ship",
    Role.PICKUP: "does not offer pickup",
    Role.TRANSFER: "cannot send a transfer (does not ship)",
}


def _exclusion(site: Site, rules: SourcingRules, load: int) -> str | None:
    """Why a location is left out whatever the order holds (None: it passes)."""
    able = site.offers_pickup if site.role is Role.PICKUP else site.ships
    reasons = (
        (site.excluded is not None, site.excluded or ""),
        (not site.active, "inactive"),
        (not able, _CANNOT[site.role]),
        (
            rules.filters.capacity and 0 < site.daily_capacity <= load,
            f"at its daily capacity ({load} of {site.daily_capacity} orders today)",
        ),
    )
    return next((why for failed, why in reasons if failed), None)


def _no_stock(request: Request, site: Site) -> str:
    held_back = request.rules.filters.safety_stock and any(
        (units := request.stock.get((n.variant_id, site.id))) is not None
        and units.available > 0
        and units.safety_stock > 0
        for n in request.needs
    )
    if held_back:
        return "has none of the order's items above their safety stock"
    return "has none of the order's items"


def _usable(
    request: Request, variants: Sequence[UUID], sites: Sequence[Site], open_sites: Sequence[int]
) -> dict[tuple[int, int], int]:
    """Units of each needed SKU each open location may give (above its safety stock), by
    (SKU number, location number); pairs without a level are absent."""
    safety = request.rules.filters.safety_stock
    stock = request.stock
    usable: dict[tuple[int, int], int] = {}
    for i, variant in enumerate(variants):
        for j in open_sites:
            units = stock.get((variant, sites[j].id))
            if units is not None:
                free = units.available - (units.safety_stock if safety else 0)
                usable[(i, j)] = max(free, 0)
    return usable


def _rank(
    request: Request, candidates: Sequence[int], stocked: Sequence[int]
) -> tuple[list[Ranked], list[int]]:
    """The locations in rank order, with the values they were ranked by (``stocked``: units of
    the order's items each may give), and their numbers in that order."""
    rules = request.rules
    point = request.destination.point
    sites = request.sites
    facts = []
    for j in candidates:
        site = sites[j]
        rule = rules.locations.get(site.code)
        distance = None if point is None or site.point is None else point.distance_km(site.point)
        cost = rule.cost_per_shipment if rule is not None else None
        facts.append((j, site, distance, priority_of(site, rules), stocked[j], cost))
    facts.sort(key=lambda f: _key(f[1], f[2], f[3], f[4], f[5], rules))
    ranked = [
        Ranked(
            site=site,
            distance_km=distance,
            priority=priority,
            stock_on_hand=units,
            cost=cost,
            rank=index + 1,
        )
        for index, (_, site, distance, priority, units, cost) in enumerate(facts)
    ]
    return ranked, [f[0] for f in facts]


def priority_of(site: Site, rules: SourcingRules) -> int:
    """The location's priority: its override in the rules, else its place in the channel's list."""
    rule = rules.locations.get(site.code)
    return rule.priority if rule is not None and rule.priority is not None else site.position


def _key(
    site: Site,
    distance_km: float | None,
    priority: int,
    stock_on_hand: int,
    cost: int | None,
    rules: SourcingRules,
) -> tuple[float, ...]:
    """Lexicographic by the rules' criteria; the pickup store first; then the channel's order."""
    values: list[float] = [0 if site.role is Role.PICKUP else 1]
    values.extend(
        criterion_value(
            criterion,
            rules,
            distance_km=distance_km,
            priority=priority,
            stock_on_hand=stock_on_hand,
            cost=cost,
        )
        for criterion in rules.ranking
    )
    values.append(site.position)
    return tuple(values)


def criterion_value(
    criterion: Criterion,
    rules: SourcingRules,
    *,
    distance_km: float | None,
    priority: int,
    stock_on_hand: int,
    cost: int | None,
) -> float:
    """A location's value under one criterion (lower ranks first): the one home of what each
    criterion means, for orders' sourcing and for choosing where a return goes."""
    if criterion is Criterion.PRIORITY:
        return priority
    if criterion is Criterion.DISTANCE:
        distance = float("inf") if distance_km is None else distance_km
        bucket = rules.distance_bucket_km
        return distance // bucket if bucket and distance != float("inf") else distance
    if criterion is Criterion.STOCK_ON_HAND:
        return -stock_on_hand
    return 0 if cost is None else cost


def _single_location(
    needs: Sequence[Need],
    number: Mapping[UUID, int],
    order: Sequence[int],
    usable: Mapping[tuple[int, int], int],
    budget: Mapping[int, int],
) -> int | None:
    """The best-ranked location that can give every unit of ``needs`` by itself."""
    wanted: dict[int, int] = defaultdict(int)
    for need in needs:
        wanted[number[need.variant_id]] += need.quantity
    return next(
        (
            j
            for j in order
            if all(
                min(usable.get((i, j), 0), budget.get(i, 0)) >= units for i, units in wanted.items()
            )
        ),
        None,
    )


class _Walk:
    """Takes units line by line; remembers what is left, which locations are used, the picks
    (SKUs and locations by number; ``ids`` names the locations)."""

    def __init__(
        self,
        rules: SourcingRules,
        left: dict[tuple[int, int], int],
        budget: dict[int, int],
        order: list[int],
        single: int | None,
        ids: list[UUID],
    ) -> None:
        self.strategy = rules.strategy
        self.left = left
        self.budget = budget
        self.order = order
        self.single = single
        self.ids = ids
        self.used: list[int] = []
        self.picks: list[Pick] = []

    def _choices(self) -> list[int]:
        """Locations a line may use, in the order it should try them."""
        if self.single is not None:
            return [self.single]
        limit = self.strategy.max_shipments
        if limit is not None and len(self.used) >= limit:
            return [j for j in self.order if j in self.used]
        if self.strategy.prefer_single_location:
            return [j for j in self.order if j in self.used] + [
                j for j in self.order if j not in self.used
            ]
        return self.order

    def take(self, need: Need, i: int) -> int:
        """Units of ``need`` (SKU number ``i``) taken: whole at one location, else split if
        partial is allowed."""
        cap = min(need.quantity, self.budget.get(i, 0))
        choices = self._choices()
        left = self.left
        whole = None
        if cap == need.quantity:
            whole = next((j for j in choices if left.get((i, j), 0) >= cap), None)
        plan: list[tuple[int, int]] = []
        if whole is not None:
            plan.append((whole, need.quantity))
        elif self.strategy.allow_partial:
            limit = self.strategy.max_shipments
            remaining = cap
            for j in choices:
                new = j not in self.used and all(j != p for p, _ in plan)
                if new and limit is not None and len(self.used) + len(plan) >= limit:
                    continue
                units = min(left.get((i, j), 0), remaining)
                if units:
                    plan.append((j, units))
                    remaining -= units
        for j, units in plan:
            left[(i, j)] -= units
            self.budget[i] -= units
            if j not in self.used:
                self.used.append(j)
            self.picks.append(
                Pick(
                    line_no=need.line_no,
                    variant_id=need.variant_id,
                    location_id=self.ids[j],
                    quantity=units,
                )
            )
        return sum(units for _, units in plan)


def _shortfalls(
    needs: Sequence[Need], short: Mapping[str, int], budget_before: Mapping[UUID, int]
) -> tuple[Short, ...]:
    requested: dict[str, int] = defaultdict(int)
    variant_of: dict[str, UUID] = {}
    for need in needs:
        requested[need.sku] += need.quantity
        variant_of[need.sku] = need.variant_id
    return tuple(
        Short(sku=sku, requested=requested[sku], available=budget_before[variant_of[sku]])
        for sku in short
    )
