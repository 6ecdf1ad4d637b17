"""The order's fulfilment: how far its units got, and shipping, delivering, rerouting, completing.

``OrderFulfilment`` is a part of ``Order`` (``order.Order`` inherits it), kept in its own module
because the aggregate outgrew one: everything fulfilment asks of an order once it is confirmed,
from the first shipment to completion (and how far its units got on the way: shipped, delivered,
what that is worth), with the timeline notes other contexts add and the unit invariants checked
after. The rules for moving units are in ``fulfilment`` (pure
functions); these methods check the lifecycle, apply what those worked out, and record. The
attributes and helpers of ``Order`` they use are declared for the type checker only; at run
time the class holds no state of its own (empty ``__slots__``, so ``Order`` keeps no
``__dict__``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from oms.orders.domain import fulfilment, records, returning
from oms.orders.domain.errors import InvariantBroken, NotDone, NothingToReroute
from oms.orders.domain.events import LineUnits
from oms.orders.domain.lifecycle import ORDER_LIFECYCLE, FulfilmentStatus, OrderAction, OrderStatus
from oms.orders.domain.model import Allocation
from oms.orders.domain.sourcing import Plan
from oms.orders.domain.timeline import TimelineEntry
from oms.shared.errors import Invalid

if TYPE_CHECKING:
    from oms.orders.domain.model import Buyer, OrderLine, Totals
    from oms.shared.address import Address
    from oms.shared.money import Money


class OrderFulfilment:
    """How far an order's units got; ship, deliver, reroute, complete (a part of ``Order``)."""

    if TYPE_CHECKING:  # what this part uses of Order (and what ``records`` reads)
        id: UUID
        number: str
        channel: str
        buyer: Buyer
        status: OrderStatus
        version: int
        totals: Totals
        placed_at: datetime
        shipping_method: str
        pickup_location: str | None
        shipping_address: Address
        lines: tuple[OrderLine, ...]
        allocations: tuple[Allocation, ...]
        timeline: list[TimelineEntry]

        @property
        def on_hold(self) -> bool: ...
        @property
        def balance_due(self) -> Money: ...
        def line(self, line_id: UUID) -> OrderLine: ...
        def next_status(self, action: OrderAction) -> OrderStatus: ...
        def _check(self, action: OrderAction) -> None: ...
        def _bump(self, at: datetime) -> None: ...
        def _record(self, record: records.Record | None) -> None: ...
    else:  # no state of its own (hidden from mypy, which would refuse assigning Order's fields)
        __slots__ = ()

    # -- reading ---------------------------------------------------------------------------

    @property
    def value_shipped(self) -> Money:
        """What the units shipped so far are worth (their lines' totals shared by unit, and the
        shipping charge once anything shipped): what a channel capturing at shipment captures."""
        return fulfilment.value_shipped(self.lines, self.totals.shipping)

    @property
    def fulfilment_status(self) -> FulfilmentStatus:
        """The furthest any unit got: delivered (all or some), shipped (all or some), none."""
        billed = sum(line.billed_quantity for line in self.lines)
        shipped = sum(line.fulfilled_quantity for line in self.lines)
        delivered = sum(line.delivered_quantity for line in self.lines)
        if delivered and delivered == billed:
            return FulfilmentStatus.DELIVERED
        if delivered:
            return FulfilmentStatus.PARTIALLY_DELIVERED
        if shipped and shipped == billed:
            return FulfilmentStatus.FULFILLED
        if shipped:
            return FulfilmentStatus.PARTIALLY_FULFILLED
        return FulfilmentStatus.UNFULFILLED

    @property
    def all_delivered(self) -> bool:
        """Every billed unit delivered or picked up (and at least one billed)."""
        return self.fulfilment_status is FulfilmentStatus.DELIVERED

    # -- transitions -----------------------------------------------------------------------

    def ship(
        self,
        location: str,
        units: Mapping[UUID, int],
        *,
        reference: str,
        actor: str,
        at: datetime,
    ) -> tuple[Allocation, ...]:
        """Units (line id -> units) left ``location`` (its code) under ``reference`` (the
        shipment); the first shipment starts the order. Only units allocated there can ship,
        never while the order is held. Returns the allocations consumed, for the ledger."""
        before = self.status
        after = self.next_status(OrderAction.SHIP)
        outcome = fulfilment.plan_shipping(
            self.number, self.lines, self.allocations, location, units
        )
        self.status, self.lines, self.allocations = after, outcome.lines, outcome.remaining
        self._bump(at)
        listed = tuple(LineUnits(sku=self.line(i).sku, quantity=q) for i, q in units.items())
        self._record(records.shipped(self, before, location, listed, reference, actor, at))
        return outcome.shipped

    def deliver(
        self,
        units: Mapping[UUID, int],
        *,
        how: Literal["delivered", "picked_up"],
        actor: str,
        at: datetime,
    ) -> None:
        """Shipped units (line id -> units) arrived: delivered by a carrier or picked up in a
        store. Recorded even while the order is held: the parcel arrived all the same."""
        if how not in ("delivered", "picked_up"):
            raise Invalid("must be delivered or picked_up", field="how")
        self._check(OrderAction.DELIVER)
        self.lines = fulfilment.plan_delivery(self.number, self.lines, units)
        self._bump(at)
        listed = tuple(LineUnits(sku=self.line(i).sku, quantity=q) for i, q in units.items())
        self._record(records.delivered(self, how, listed, actor, at))

    def allocations_at(
        self, away_from: Collection[str], units: Mapping[UUID, int] | None = None
    ) -> tuple[Allocation, ...]:
        """The allocations rerouting takes away from ``away_from`` (location codes): all of
        them, or ``units`` (line id -> units) of the named lines."""
        picked = fulfilment.pick_for_rerouting(self.lines, self.allocations, away_from, units)
        if not picked:
            raise NothingToReroute(self.number, sorted(away_from))
        return picked

    def reroute(
        self,
        released: Sequence[Allocation],
        plan: Plan,
        locations: Mapping[UUID, str],
        *,
        away_from: Collection[str] = (),
        reason: str,
        actor: str,
        at: datetime,
    ) -> tuple[Allocation, ...]:
        """Move the ``released`` allocations to where ``plan`` sourced them (``locations``
        names its locations); what it backorders waits for stock. Every released unit lands
        somewhere: nothing is lost. Legal while held (a correction, not progress). Returns the
        new allocations, for the ledger."""
        self._check(OrderAction.REROUTE)
        if not released:
            raise NothingToReroute(self.number, sorted(away_from))
        placed = plan.allocations(self.lines, locations)
        by_no = {line.line_no: line.id for line in self.lines}
        backordered = {by_no[no]: count for no, count in plan.backordered.items() if count}
        outcome = fulfilment.plan_rerouting(
            self.lines, self.allocations, released, placed, backordered
        )
        if outcome.problems:
            raise InvariantBroken(self.number, outcome.problems)
        self.lines, self.allocations = outcome.lines, outcome.allocations
        self._bump(at)
        where = away_from or {a.location for a in released}
        self._record(
            records.rerouted(self, where, released, placed, backordered, reason, actor, at)
        )
        if plan.explanation is not None:
            self._record(records.sourced(self, plan.explanation, actor, at))
        return placed

    def is_done(self, *, channel_collects: bool) -> bool:
        """Whether the order may complete: in progress, not held, every billed unit delivered
        or picked up, and paid (or paid to the channel, a marketplace: ``channel_collects``)."""
        return (
            ORDER_LIFECYCLE.allows(self.status, OrderAction.COMPLETE)
            and not self.on_hold
            and self.all_delivered
            and (channel_collects or self.balance_due.amount == 0)
        )

    def complete(self, *, actor: str, at: datetime, channel_collects: bool = False) -> None:
        """Close the order: every billed unit arrived and the money is in (see ``is_done``)."""
        after = self.next_status(OrderAction.COMPLETE)
        if not self.all_delivered:
            raise NotDone(self.number, "not every unit has been delivered or picked up")
        if not channel_collects and self.balance_due.amount != 0:
            raise NotDone(self.number, f"{self.balance_due} is still due")
        self.status = after
        self._bump(at)
        why = "delivered, collected by the channel" if channel_collects else "delivered and paid"
        self._record(records.completed(self, why, actor, at))

    def note(
        self, *, kind: str, summary: str, details: Mapping[str, Any], actor: str, at: datetime
    ) -> None:
        """Put what another context did with the order on its timeline (a fulfilment order
        started, a label printed): a record, not a change, so the version stays."""
        self.timeline.append(
            TimelineEntry(at=at, actor=actor, kind=kind, summary=summary, details=dict(details))
        )

    def check_invariants(self) -> None:
        """Raise ``InvariantBroken`` unless every unit of every line is in exactly one place
        (allocated, backordered or shipped), no more units arrived than shipped, and no more
        came back or are asked back than arrived."""
        problems = fulfilment.invariant_problems(self.lines, self.allocations)
        problems += returning.invariant_problems(self.lines)
        if problems:
            raise InvariantBroken(self.number, problems)
