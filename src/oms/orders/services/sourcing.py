"""Sourcing: where an order's units come from, and taking them from stock.

The one home of every step orders takes with sourcing: the candidate locations
(``find_candidates``: the pickup store and the warehouses its rules let transfer to it, or the
channel's locations in its order, with the channel's rules and the destination), the units free
at them (levels locked when the plan will be posted, with their safety stock and the units older
orders wait for), the decision (``oms.sourcing``'s engine, explained), its allocations, and
posting them to the stock ledger. Placement, backorder filling, edits and rerouting use it; it
is a step below them and imports no use case. ADR 0004 and ADR 0011 say where it sits.

Nothing here costs a statement on the placement path beyond the one that locks the levels: the
rules, channels and locations are cached reference data, the destination's point comes from
data in memory, and today's loads from a snapshot read only when a location has a capacity.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from uuid import UUID

from oms import channels, inventory, sourcing
from oms.orders.domain import Allocation, Order, OrderLine
from oms.orders.domain.sourcing import Key, Pick, Plan, Shortfall, Want
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from oms.shared.geo import GeoPoint

REJECTED = "rejected the fulfilment order"
"""Why a location named in ``source(exclude=...)`` is left out, unless the caller says."""


@dataclass(frozen=True, slots=True)
class Candidates:
    """The locations that may source an order (active, able to ship or hand over), in the
    channel's order, with their codes; and what the engine needs besides stock: every location
    considered (``sites``, the others too, so the explanation names them), the channel's rules
    and where the order goes. Built with ids and codes only (a test, an older caller), the
    default rules and no destination apply; ``without`` keeps the rest."""

    ids: tuple[UUID, ...]
    codes: Mapping[UUID, str]
    sites: tuple[sourcing.Site, ...] = ()
    rules: sourcing.SourcingRules | None = None
    destination: sourcing.Destination = field(default_factory=sourcing.Destination)
    currency: str = "EUR"
    loads: Mapping[UUID, int] = field(default_factory=dict)
    """Today's fulfilment orders per location (only those with a capacity)."""

    def without(self, location_ids: Collection[UUID]) -> Candidates:
        """These candidates less ``location_ids`` (kept in the explanation as not considered)."""
        return replace(self, ids=tuple(i for i in self.ids if i not in location_ids))


@dataclass(frozen=True, slots=True)
class Sourcing:
    """A plan and the stock it was made from (a preview shows both)."""

    plan: Plan
    stock: Mapping[Key, sourcing.Stocked]
    passed: frozenset[UUID]
    """The locations that passed the location filters."""

    @property
    def free(self) -> dict[Key, int]:
        """Free units per level at the locations the engine could use."""
        return {key: u.available for key, u in self.stock.items() if key[1] in self.passed}


def find_candidates(
    channel: channels.Channel,
    pickup: channels.Location | None,
    *,
    uow: UnitOfWork,
    destination: GeoPoint | None = None,
    address: Address | None = None,
) -> Candidates:
    """The pickup store (and the warehouses the rules let transfer to it), or the channel's
    locations in its order; with the channel's rules and the order's destination.

    What depends only on reference data (the rules, the locations as sites) is cached under the
    reference version (ADR 0008); per order come the destination and, only when a location has
    a daily capacity, today's loads."""
    with uow.read() as tx:
        known = tx.reference.get(
            (CANDIDATES, channel.code, pickup.code if pickup else None),
            lambda: _reference_candidates(channel, pickup, uow=uow),
        )
    if pickup is not None:
        where = sourcing.Destination(
            point=GeoPoint(pickup.latitude, pickup.longitude), found=sourcing.Found.PICKUP_STORE
        )
    else:
        where = sourcing.locate(destination, address)
    return replace(known, loads=_loads(known, uow=uow), destination=where)


CANDIDATES = "orders.candidates"
"""The reference-data kind of candidates, keyed by channel and pickup store codes."""


def _reference_candidates(
    channel: channels.Channel, pickup: channels.Location | None, *, uow: UnitOfWork
) -> Candidates:
    """Candidates without a destination or loads: reference data only (immutable: cached)."""
    rules = sourcing.get_rules(channel.code, uow=uow)
    if pickup is not None:
        transfer = [c for c in rules.pickup.transfer_from if c != pickup.code]
        found = channels.locations_by_codes(transfer, uow=uow)
        located = [pickup, *(found[c] for c in transfer if c in found)]
        roles = [sourcing.Role.PICKUP] + [sourcing.Role.TRANSFER] * (len(located) - 1)
    else:
        found = channels.locations_by_codes(channel.location_codes, uow=uow)
        located = [found[c] for c in channel.location_codes if c in found]
        roles = [sourcing.Role.SHIP] * len(located)
    sites = tuple(
        sourcing.Site(
            id=loc.id,
            code=loc.code,
            position=index + 1,
            role=role,
            point=GeoPoint(loc.latitude, loc.longitude),
            active=loc.active,
            ships=loc.ships,
            offers_pickup=loc.offers_pickup,
            daily_capacity=loc.daily_capacity,
        )
        for index, (loc, role) in enumerate(zip(located, roles, strict=True))
    )
    return Candidates(
        ids=tuple(s.id for s in sites if _able(s)),
        codes={s.id: s.code for s in sites},
        sites=sites,
        rules=rules,
        currency=channel.currency,
    )


def _loads(candidates: Candidates, *, uow: UnitOfWork) -> Mapping[UUID, int]:
    """Today's loads of the sites with a capacity (from the capacity snapshot), read only when
    one has a capacity and the rules filter on it."""
    capped = [s.id for s in candidates.sites if s.daily_capacity > 0]
    rules = candidates.rules
    if not capped or rules is None or not rules.filters.capacity:
        return {}
    return sourcing.loads_today(capped, today=_today(uow), uow=uow)


def _able(site: sourcing.Site) -> bool:
    """Active and able to do its part (ship, or hand over a pickup): a candidate at all."""
    return site.active and (site.offers_pickup if site.role is sourcing.Role.PICKUP else site.ships)


def _today(uow: UnitOfWork) -> date:
    return uow.clock.now().date()


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
    return find_candidates(channel, pickup, uow=uow, address=order.shipping_address)


def list_wants(
    units: Sequence[tuple[OrderLine, int]], *, backorders: bool, uow: UnitOfWork
) -> list[Want]:
    """What to source: ``units`` of each line. A line may be backordered when ``backorders``
    (the channel allows it, or the units wait already) or when its SKU's settings allow it; a
    line of a SKU not yet released is a pre-order (backordered whole)."""
    wanted = [(line, count) for line, count in units if count > 0]
    settings = inventory.stock_settings({line.variant_id for line, _ in wanted}, uow=uow)
    today = _today(uow)
    wants = []
    for line, count in wanted:
        item = settings.get(line.variant_id)
        wants.append(
            Want(
                line_no=line.line_no,
                variant_id=line.variant_id,
                sku=line.sku,
                quantity=count,
                backorderable=backorders or (item is not None and item.allows_backorders),
                preorder=item is not None and item.is_preorder(today),
            )
        )
    return wants


def source(
    wants: Sequence[Want],
    candidates: Candidates,
    *,
    lock: bool,
    released: Sequence[Allocation] = (),
    exclude: Collection[str] = (),
    why_excluded: str = REJECTED,
    protect_waiting: bool = False,
    uow: UnitOfWork,
) -> Sourcing:
    """Plan ``wants`` against the units free at the candidates once ``released`` is given back.

    With ``lock`` every level the plan may touch (released ones included) is locked in key
    order until the transaction ends, so the plan still holds when it is posted; without it
    (a preview) the levels are only read. Locations whose codes are in ``exclude`` are left
    out (``why_excluded`` says why in the explanation). With ``protect_waiting`` (new demand:
    a placement) the units older orders wait for are left to them, first come first served;
    the backorder filler, which serves those orders oldest first, leaves it off.
    """
    sites = _considered(candidates, exclude, why_excluded)
    keys = {(w.variant_id, s.id) for w in wants for s in sites}
    keys |= {(a.variant_id, a.location_id) for a in released}
    read = inventory.levels_for_update if lock else inventory.read_levels
    levels = read(keys, uow=uow)
    units: dict[Key, sourcing.Stocked] = dict(levels)
    for a in released:
        key = (a.variant_id, a.location_id)
        seen = units.get(key)
        units[key] = sourcing.Units(
            available=(seen.available if seen else 0) + a.quantity,
            safety_stock=seen.safety_stock if seen else 0,
        )
    waiting = {lv.variant_id: lv.waiting for lv in levels.values()} if protect_waiting else {}
    request = sourcing.Request(
        rules=candidates.rules or sourcing.default_rules(""),
        sites=sites,
        needs=[_need(w) for w in wants],
        stock=units,
        waiting=waiting,
        destination=candidates.destination,
        currency=candidates.currency,
        loads=candidates.loads,
    )
    decision = sourcing.decide(request)
    return Sourcing(_plan(decision, sourcing.explain(request, decision)), units, decision.passed)


def _considered(candidates: Candidates, exclude: Collection[str], why: str) -> list[sourcing.Site]:
    """Every location the engine considers: the candidates' sites (or plain ones from ids),
    those not among ``ids`` or named in ``exclude`` marked as left out."""
    sites = list(candidates.sites) or [
        sourcing.Site(id=loc, code=candidates.codes[loc], position=index + 1)
        for index, loc in enumerate(candidates.ids)
    ]
    kept = set(candidates.ids)
    return [
        replace(site, excluded=why)
        if site.code in exclude
        else replace(site, excluded="left out by the caller")
        if site.id not in kept and _able(site)
        else site  # a candidate, or one the engine leaves out and explains itself
        for site in sites
    ]


def _need(want: Want) -> sourcing.Need:
    return sourcing.Need(
        line_no=want.line_no,
        variant_id=want.variant_id,
        sku=want.sku,
        quantity=want.quantity,
        backorderable=want.backorderable,
        preorder=want.preorder,
    )


def _plan(decision: sourcing.Decision, explanation: Mapping[str, object]) -> Plan:
    return Plan(
        picks=tuple(
            Pick(
                line_no=p.line_no,
                variant_id=p.variant_id,
                location_id=p.location_id,
                quantity=p.quantity,
            )
            for p in decision.picks
        ),
        backordered=dict(decision.backordered),
        shortfalls=tuple(
            Shortfall(sku=s.sku, requested=s.requested, available=s.available)
            for s in decision.shortfalls
        ),
        explanation=explanation,
    )


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


def ship_stock(
    allocations: Collection[Allocation], *, reference: str, actor: str, uow: UnitOfWork
) -> None:
    """Post shipped ``allocations``: the units leave ``on_hand`` and ``allocated`` together
    (``inventory.fulfil``), in the shipping transaction."""
    if allocations:
        inventory.fulfil(
            inventory.StockLines(lines=_stock_lines(allocations), reference=reference, actor=actor),
            uow=uow,
        )
