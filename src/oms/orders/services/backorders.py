"""Backordered units are allocated when stock arrives: strictly first come, first served.

Stock arrives by receipts, returns, counts, transfers and releases; each is an inventory event
on the outbox, and this consumer then fills the variant's waiting lines in order time (the
order's ``placed_at``, then its number).

**The rule.** A younger order never takes units an older waiting order could have taken: once
an order of the queue stays (partly) unfilled, its candidate locations are closed to every
younger order in the run (the younger order's explanation names them: older orders wait). A
younger order whose candidates differ (a pickup at another store, a channel served by other
warehouses) is still filled from the locations no older waiting order can use. New placements
keep the rule from the other side: they do not take units that waiting orders of the SKU are
owed (placement's guard, ``inventory_items.backordered``).

**One run, bounded.** A run locks at most ``limit`` orders. Which ones is decided before any row
lock, by walking the queue (pages of ids, channel, pickup store and units waiting; no order is
loaded) against the variant's free units as last committed: oldest first, an order is chosen
when some location it may use has free units no older waiting order claims, until the free
units are spoken for, the limit is reached or the queue ends. The chosen orders are then locked
in id order, then every stock level they may draw on in key order (the lock order of every
writer: orders, then stock), and filled oldest first from the locked figures. A run that stopped
at its limit is resumed by the allocation events it wrote (the consumer hears every inventory
event of the variant) and starts again from the oldest waiting order.

**Serialised per variant.** Two receipts committed together deliver two events. FIFO itself
rests on the rule above applied to locked, current figures (order rows, then levels), but the
choice of orders is made from an unlocked view, which a parallel run would make stale: it would
lock and walk orders the other is filling, for nothing. Each run therefore first takes the
variant's backorder lock (``Orders.lock_backorders_of``: a transaction advisory lock on
PostgreSQL, the write transaction itself on SQLite). Not the ``inventory_items`` row: the
trigger that keeps ``backordered`` updates that row from every transaction that changes a
line's backordered units *after* locking its order (a cancellation, a placement), so a fill
that took the row before its orders would deadlock with them. The advisory lock is taken only
here and always first, so it closes no cycle.

**Pre-orders.** Units of a pre-order SKU are not allocated before its release day (UTC),
whatever arrives: the stock received ahead is there for the release. On the day
``release_preorders`` (a periodic task, and ``oms preorders release``) ends the pre-order and
fills the queue the same way, oldest order first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from oms import channels, inventory
from oms.orders.domain import Order, OrderLine
from oms.orders.repository import ORDERS, Orders
from oms.orders.repository.orders import WaitingOrder
from oms.orders.services import sourcing
from oms.platform.subscriptions import first_delivery
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope

CONSUMER = "orders.backorders"
ACTOR = "system:backorders"
PAGE = 200
"""Queue entries read per statement while choosing the orders of a run."""


def handle_stock_event(envelope: Envelope, *, uow: UnitOfWork) -> None:
    """Consumer of inventory events: try the variant's backorders, once per event.

    Every inventory event's aggregate is the inventory item, whose id is the variant's.
    """
    with uow.begin():
        if first_delivery(uow, CONSUMER, envelope):
            allocate_backorders(envelope.event.aggregate_id, uow=uow)


def allocate_backorders(variant_id: UUID, *, uow: UnitOfWork, limit: int = 50) -> int:
    """Fill waiting units of ``variant_id`` first come first served (see the module);
    returns how many units were allocated."""
    with uow.begin() as tx:
        if _before_release(variant_id, today=tx.now.date(), uow=uow):
            return 0
        orders = tx.repo(ORDERS)
        orders.lock_backorders_of(variant_id)
        queue = _choose(variant_id, orders, limit=limit, uow=uow)
        chosen = [visit for visit in queue if visit.chosen]
        if not chosen:
            return 0
        # Orders first (id order), then stock (key order): the lock order of every writer.
        locked = {v.entry.order_id: orders.get(v.entry.order_id, lock=True) for v in chosen}
        locked = {order_id: locked[order_id] for order_id in sorted(locked)}
        inventory.levels_for_update(
            {(variant_id, loc) for v in chosen for loc in v.considered}, uow=uow
        )
        closed: set[UUID] = set()
        allocated = 0
        for visit in queue:
            if not visit.chosen:
                closed |= visit.candidates
                continue
            order = locked[visit.entry.order_id]
            units, still_waiting = _fill(order, variant_id, closed, at=tx.now, uow=uow)
            if units:
                orders.save(order)
                tx.record(*order.drain_events())
                allocated += units
            if still_waiting:
                closed |= visit.candidates
    return allocated


def _before_release(variant_id: UUID, *, today: date, uow: UnitOfWork) -> bool:
    """A pre-order SKU whose release day has not come: nothing of it is allocated yet,
    whatever stock arrived (it is there for the release)."""
    item = inventory.stock_settings([variant_id], uow=uow).get(variant_id)
    return item is not None and item.is_preorder(today)


@dataclass(frozen=True, slots=True)
class Released:
    """A pre-order SKU whose release day came: its waiting units allocated now."""

    sku: str
    release_on: date
    allocated: int


def release_preorders(*, uow: UnitOfWork, sku: str | None = None) -> list[Released]:
    """End the pre-order of every SKU (or ``sku``) whose release day has come (UTC) and fill
    its waiting orders first come first served; the periodic task and ``oms preorders
    release`` call it. Each SKU's pre-order ends in its own transaction, then the fills run
    until nothing more can be allocated; were the process to stop between, the item's change
    event brings the backorder consumer to fill them."""
    released = []
    for item in inventory.due_preorders(uow.clock.now().date(), uow=uow, sku=sku):
        assert item.preorder_release_on is not None, "a due pre-order has a release day"
        inventory.end_preorder(item.sku, uow=uow)
        units = total = allocate_backorders(item.variant_id, uow=uow)
        while units:
            units = allocate_backorders(item.variant_id, uow=uow)
            total += units
        released.append(Released(item.sku, item.preorder_release_on, total))
    return released


@dataclass(frozen=True, slots=True)
class _Visit:
    """A queue entry as the run saw it: where it may be sourced from, and whether the run
    fills it (else it only closes its locations to younger orders)."""

    entry: WaitingOrder
    candidates: frozenset[UUID]
    considered: frozenset[UUID]
    """Every location whose level sourcing reads for it (locked up front, in key order)."""
    chosen: bool


def _choose(variant_id: UUID, orders: Orders, *, limit: int, uow: UnitOfWork) -> list[_Visit]:
    """The queue, oldest first, as far as the run needs it (see the module: no row is
    locked here; the free units are the committed ones and only steer the choice)."""
    free = _free_units(variant_id, uow=uow)
    candidates = _CandidateCache(uow)
    closed: set[UUID] = set()
    visits: list[_Visit] = []
    chosen = 0
    for entry in _queue(variant_id, orders):
        if chosen >= limit or not any(units for loc, units in free.items() if loc not in closed):
            break
        where = candidates.of(entry)
        open_here = [loc for loc in where if loc not in closed and free.get(loc, 0) > 0]
        missing = entry.units
        for loc in open_here:
            taken = min(missing, free[loc])
            free[loc] -= taken
            missing -= taken
        if open_here:
            chosen += 1
        if missing:
            closed |= where
        visits.append(_Visit(entry, where, candidates.considered(entry), chosen=bool(open_here)))
    return visits


def _queue(variant_id: UUID, orders: Orders) -> Iterator[WaitingOrder]:
    """The variant's whole queue in order time, read a page at a time as the walk goes."""
    after: tuple[datetime, str] | None = None
    while True:
        page = orders.waiting_for(variant_id, after=after, limit=PAGE)
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].order_time


def _free_units(variant_id: UUID, *, uow: UnitOfWork) -> dict[UUID, int]:
    """Units of the variant free at every location that serves a channel (committed figures)."""
    serving = channels.serving_location_ids(uow=uow)
    keys = {(variant_id, loc) for ids in serving.values() for loc in ids}
    levels = inventory.read_levels(keys, uow=uow)
    return {loc: level.available for (_, loc), level in levels.items() if level.available > 0}


class _CandidateCache:
    """Candidate locations per (channel, pickup store): the same answer sourcing gives a
    placed order (``find_order_candidates``), asked once per pair in a run."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.known: dict[tuple[str, str | None], sourcing.Candidates] = {}

    def of(self, entry: WaitingOrder) -> frozenset[UUID]:
        """The locations that may source the entry's order."""
        return frozenset(self._candidates(entry).ids)

    def considered(self, entry: WaitingOrder) -> frozenset[UUID]:
        """Every location sourcing looks at for the order (and locks the level of): the
        candidates and those it names only to explain why they were left out."""
        found = self._candidates(entry)
        return frozenset(found.ids) | {site.id for site in found.sites}

    def _candidates(self, entry: WaitingOrder) -> sourcing.Candidates:
        key = (entry.channel, entry.pickup_location)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self._find(*key)
        return found

    def _find(self, channel_code: str, pickup_code: str | None) -> sourcing.Candidates:
        channel = channels.get_channel(channel_code, uow=self.uow)
        pickup = None
        if pickup_code is not None:
            pickup = channels.locations_by_codes([pickup_code], uow=self.uow).get(pickup_code)
            if pickup is None:
                return sourcing.Candidates((), {})
        return sourcing.find_candidates(channel, pickup, uow=self.uow)


OLDER_ORDERS_WAIT = "older orders wait for its units (first come, first served)"
"""Why a fill leaves out a location an older waiting order may use (in the explanation)."""


def _fill(
    order: Order, variant_id: UUID, closed: set[UUID], *, at: datetime, uow: UnitOfWork
) -> tuple[int, bool]:
    """Source the order's waiting units of the variant from its locations not ``closed`` by
    an older waiting order, as far as stock goes; returns the units allocated and whether
    some still wait."""
    waiting = _waiting_lines(order, variant_id)
    if not waiting:
        return 0, False  # filled or cancelled since the queue was read
    candidates = sourcing.find_order_candidates(order, uow=uow)
    wants = sourcing.list_wants(waiting, backorders=True, uow=uow)
    plan = sourcing.source(
        wants,
        candidates,
        lock=True,
        exclude={code for loc, code in candidates.codes.items() if loc in closed},
        why_excluded=OLDER_ORDERS_WAIT,
        uow=uow,
    ).plan
    allocations = plan.allocations(order.lines, candidates.codes)
    if not allocations:
        return 0, True
    sourcing.take_stock(allocations, reference=order.number, actor=ACTOR, uow=uow, locked=True)
    units = order.allocate_backorder(allocations, plan=plan, actor=ACTOR, at=at)
    return units, units < sum(count for _, count in waiting)


def _waiting_lines(order: Order, variant_id: UUID) -> Sequence[tuple[OrderLine, int]]:
    return [
        (line, line.backordered_quantity)
        for line in order.lines
        if line.variant_id == variant_id and line.backordered_quantity
    ]
