"""The order aggregate: the one way an order changes.

Every public method checks the lifecycle table (``ORDER_LIFECYCLE``) before it changes anything,
bumps ``version`` once, and records what happened twice: a domain event for other contexts and
a timeline entry for people. Both wait on the order (``events``, ``timeline``) until the service
saves it: the repository appends the timeline, the transaction takes the events to the outbox.
The order does no I/O; what it needs from outside (stock, prices) is worked out by the service
and handed in, already decided (allocations, a repricing function).

The class is split by topic: this module holds its state and reading, placing, confirming,
holds, backorders, edits, payments and the bookkeeping every change goes through; cancelling is
in ``order_cancelling``, fulfilment (how far the units got, ship, deliver, reroute,
complete) in ``order_fulfilment``, and what comes after sales (units asked back and returned,
linked orders) in ``order_returning``: parts ``Order`` inherits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from uuid import UUID

from oms.orders.domain import records
from oms.orders.domain.changes import ChangeNotPending, ChangeStatus, Edit, OrderChange
from oms.orders.domain.errors import (
    HoldNotFound,
    InsufficientStock,
    NotEditable,
    OrderOnHold,
    StaleOrderVersion,
)
from oms.orders.domain.events import LineUnits
from oms.orders.domain.figures import PaymentFigures, PaymentNote
from oms.orders.domain.holds import (
    RULE_REASONS,
    Hold,
    HoldReason,
    HoldRuleSetting,
    PlacementFacts,
    triggered,
)
from oms.orders.domain.lifecycle import (
    ORDER_LIFECYCLE,
    PROGRESSING,
    OrderAction,
    OrderStatus,
    PaymentStatus,
)
from oms.orders.domain.model import (
    Allocation,
    Buyer,
    NewOrder,
    OrderLine,
    OrderLink,
    Totals,
    merge_allocations,
)
from oms.orders.domain.order_cancelling import OrderCancelling
from oms.orders.domain.order_fulfilment import OrderFulfilment
from oms.orders.domain.order_returning import OrderReturning
from oms.orders.domain.sourcing import Plan
from oms.orders.domain.timeline import TimelineEntry
from oms.shared.address import Address
from oms.shared.errors import Invalid
from oms.shared.events import Event
from oms.shared.ids import new_id
from oms.shared.money import Money


@dataclass(slots=True, kw_only=True)
class Order(OrderCancelling, OrderFulfilment, OrderReturning):
    id: UUID
    number: str
    channel: str
    external_id: str | None
    buyer: Buyer
    status: OrderStatus
    version: int
    currency: str
    prices_include_tax: bool
    shipping_method: str
    pickup_location: str | None
    shipping_address: Address
    billing_address: Address | None
    address_validated: bool
    notes: str
    totals: Totals
    placed_at: datetime
    updated_at: datetime
    lines: tuple[OrderLine, ...] = ()
    holds: tuple[Hold, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    payments: PaymentFigures | None = None
    """What the tenders moved (None: nothing yet, every order as placed)."""
    gift_message: str | None = None
    """Printed on the packing slip; not personal data the buyer profile keeps."""
    link: OrderLink | None = None
    """For an exchange or reship order: the order it serves and the return behind it."""
    events: list[Event] = field(default_factory=list, compare=False, repr=False)
    """Recorded since the order was loaded; the service hands them to the transaction."""
    timeline: list[TimelineEntry] = field(default_factory=list, compare=False, repr=False)
    """Entries recorded since the order was loaded; the repository appends them on save."""

    # -- reading ---------------------------------------------------------------------------

    @property
    def on_hold(self) -> bool:
        return any(hold.open for hold in self.holds)

    @property
    def open_holds(self) -> tuple[Hold, ...]:
        return tuple(hold for hold in self.holds if hold.open)

    @property
    def payment_figures(self) -> PaymentFigures:
        return self.payments or PaymentFigures.unpaid(self.currency)

    @property
    def payment_status(self) -> PaymentStatus:
        return self.payment_figures.status

    @property
    def balance_due(self) -> Money:
        """What the buyer still owes: the total less what was captured plus what went back
        other than as goodwill (a concession is not owed again), never below zero; nothing once
        the order is cancelled (its money is refunded)."""
        zero = Money.zero(self.currency)
        if self.status is OrderStatus.CANCELLED:
            return zero
        figures = self.payment_figures
        due = self.totals.total - figures.captured + figures.refunded - figures.conceded
        return zero if due < zero else due

    def line(self, line_id: UUID) -> OrderLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise Invalid(f"order {self.number} has no line {line_id}", field="lines")

    def next_status(self, action: OrderAction) -> OrderStatus:
        """The status after ``action``; a hold blocks everything but cancelling."""
        if action in PROGRESSING and self.on_hold:
            raise OrderOnHold(self.number, [hold.reason.value for hold in self.open_holds])
        return ORDER_LIFECYCLE.next(self.status, action)

    def drain_events(self) -> list[Event]:
        """The events recorded so far, handed over once (the service records them on save)."""
        drained, self.events = self.events, []
        return drained

    def drain_timeline(self) -> list[TimelineEntry]:
        """The timeline entries recorded so far, handed over once (the repository stores them)."""
        drained, self.timeline = self.timeline, []
        return drained

    # -- placing ---------------------------------------------------------------------------

    @classmethod
    def place(
        cls,
        new: NewOrder,
        *,
        plan: Plan,
        locations: Mapping[UUID, str],
        rules: Sequence[HoldRuleSetting],
        first_order: bool,
        actor: str,
        at: datetime,
        required_holds: Sequence[tuple[HoldReason, str]] = (),
    ) -> Order:
        """A new order, sourced by ``plan`` (``locations`` names its locations), held by the
        merchant's ``rules`` it trips and by ``required_holds`` (reason and note: a channel that
        takes payment before confirmation asks for a ``payment`` hold), and confirmed at once
        when no hold was placed."""
        lines = plan.backorder(new.lines)
        order = cls(
            **{f.name: getattr(new, f.name) for f in fields(new)},
            status=OrderStatus.PENDING,
            version=1,
            placed_at=at,
            updated_at=at,
        )
        order.lines = lines
        order.allocations = merge_allocations(plan.allocations(lines, locations))
        order._record(records.placed(order, actor))
        if plan.explanation is not None:
            order._record(records.sourced(order, plan.explanation, actor, at))
        facts = PlacementFacts(
            total=order.totals.total,
            shipping_country=order.shipping_address.country,
            billing_country=order.billing_address.country if order.billing_address else None,
            first_order=first_order,
            address_validated=order.address_validated,
        )
        placed: list[tuple[HoldReason, str, str | None]] = [
            (RULE_REASONS[rule], note, rule.value) for rule, note in triggered(tuple(rules), facts)
        ]
        placed += [(reason, note, None) for reason, note in required_holds]
        for reason, note, rule_name in placed:
            hold = Hold(
                id=new_id(),
                reason=reason,
                note=note,
                placed_by=actor,
                placed_at=at,
                rule=rule_name,
            )
            order.holds = (*order.holds, hold)
            order._record(records.held(order, hold, actor, at))
        order._record(records.backordered(order, actor))
        order._confirm_when_clear(actor, at, why="no holds")
        return order

    # -- confirming ------------------------------------------------------------------------

    def confirm(self, *, why: str, actor: str, at: datetime) -> None:
        """Confirm a pending order (a review passed, a payment arrived); refused while held."""
        self._confirm(actor, at, why)
        self._bump(at)

    def _confirm_when_clear(self, actor: str, at: datetime, *, why: str) -> None:
        """The one rule for confirming on the way: a pending order with no open hold is
        confirmed (when placed without holds, when its last hold is released)."""
        if self.status is OrderStatus.PENDING and not self.on_hold:
            self._confirm(actor, at, why)

    def _confirm(self, actor: str, at: datetime, why: str) -> None:
        before = self.status
        self.status = self.next_status(OrderAction.CONFIRM)
        self._record(records.confirmed(self, before, why, actor, at))

    # -- holds -----------------------------------------------------------------------------

    def hold(
        self,
        reason: HoldReason,
        *,
        note: str,
        actor: str,
        at: datetime,
        auto_release_at: datetime | None = None,
    ) -> Hold:
        """Stop the order from progressing until this hold is released."""
        self._check(OrderAction.HOLD)
        if auto_release_at is not None and auto_release_at <= at:
            raise Invalid("must be in the future", field="auto_release_at")
        hold = Hold(
            id=new_id(),
            reason=reason,
            note=note,
            placed_by=actor,
            placed_at=at,
            auto_release_at=auto_release_at,
        )
        self.holds = (*self.holds, hold)
        self._bump(at)
        self._record(records.held(self, hold, actor, at))
        return hold

    def release(self, hold_id: UUID, *, note: str, actor: str, at: datetime) -> Hold:
        """Release one open hold; the last one out confirms a pending order."""
        hold = next((h for h in self.open_holds if h.id == hold_id), None)
        if hold is None:
            raise HoldNotFound(self.number, str(hold_id))
        self._check(OrderAction.RELEASE)
        released = replace(hold, released_at=at, released_by=actor)
        self.holds = tuple(released if h.id == hold.id else h for h in self.holds)
        self._bump(at)
        self._record(records.released(self, hold, note, actor, at))
        self._confirm_when_clear(actor, at, why="last hold released")
        return released

    # -- backorders ------------------------------------------------------------------------

    def allocate_backorder(
        self,
        allocations: Sequence[Allocation],
        plan: Plan | None = None,
        *,
        actor: str,
        at: datetime,
    ) -> int:
        """Allocate backordered units from stock that arrived; returns the units allocated.
        ``plan``, the sourcing that found them, is kept on the timeline when it explains
        itself."""
        filled: dict[UUID, int] = {}
        for a in allocations:
            filled[a.line_id] = filled.get(a.line_id, 0) + a.quantity
        if not filled:
            return 0
        self._check(OrderAction.ALLOCATE_BACKORDER)
        for line_id, count in filled.items():
            if count > self.line(line_id).backordered_quantity:
                raise Invalid(f"line {line_id} has fewer than {count} units backordered")
        self.lines = tuple(
            replace(ln, backordered_quantity=ln.backordered_quantity - filled.get(ln.id, 0))
            for ln in self.lines
        )
        self.allocations = merge_allocations(self.allocations, allocations)
        self._bump(at)
        units = tuple(
            LineUnits(sku=ln.sku, quantity=filled[ln.id]) for ln in self.lines if ln.id in filled
        )
        self._record(records.backorder_allocated(self, units, actor, at))
        if plan is not None and plan.explanation is not None:
            self._record(records.sourced(self, plan.explanation, actor, at))
        return sum(filled.values())

    # -- edits -----------------------------------------------------------------------------

    def check_editable(self) -> None:
        """Only orders not yet in fulfilment, with nothing shipped, can be edited."""
        if not ORDER_LIFECYCLE.allows(self.status, OrderAction.EDIT):
            raise NotEditable(self.number, f"it is {self.status.value}")
        if any(line.fulfilled_quantity for line in self.lines):
            raise NotEditable(self.number, "units have shipped")

    def check_confirmable(self, change: OrderChange, expected_version: int) -> None:
        """Refuse a change already confirmed (409), an order no longer editable (409), or a
        change made from, or confirmed against, another version (412)."""
        if change.status is not ChangeStatus.PREVIEWED:
            raise ChangeNotPending(str(change.id), change.status)
        self.check_editable()
        if expected_version != self.version:
            raise StaleOrderVersion(self.number, expected_version, self.version)
        if change.base_version != self.version:
            raise StaleOrderVersion(self.number, change.base_version, self.version)

    def apply_change(
        self, change: OrderChange, edit: Edit, *, expected_version: int, actor: str, at: datetime
    ) -> None:
        """Apply a previewed change as ``edit`` worked it out, if it still costs what the
        preview said and stock allows it."""
        self.check_confirmable(change, expected_version)
        change.check_priced_as_previewed(edit.totals)
        if edit.shortfalls:
            raise InsufficientStock(edit.shortfalls)
        before, total_before = records.facts(self, change), self.totals.total
        self.lines, self.totals, self.allocations = edit.lines, edit.totals, edit.allocations
        self.shipping_method, self.pickup_location = edit.shipping_method, edit.pickup_location
        self.shipping_address = edit.shipping_address
        self.address_validated = edit.address_validated
        self._bump(at)
        self._record(records.changed(self, change, before, total_before, actor, at))

    # -- payments --------------------------------------------------------------------------

    def record_payment(self, figures: PaymentFigures, *, note: PaymentNote, at: datetime) -> None:
        """Take the figures payments worked out after a movement of the order's money, and the
        movement's timeline entry. Legal in every status (refunds follow cancellations, a
        chargeback may come after completion), so it is not in the lifecycle table; it never
        changes the status, and bumps the version only when the figures changed (so an ETag
        never hides them)."""
        if figures != self.payment_figures:
            self.payments = figures
            self._bump(at)
        self.timeline.append(
            TimelineEntry(
                at=at,
                actor=note.actor,
                kind=note.kind,
                summary=note.summary,
                details=note.details,
            )
        )

    # -- bookkeeping -----------------------------------------------------------------------

    def _check(self, action: OrderAction) -> None:
        ORDER_LIFECYCLE.next(self.status, action)

    def _bump(self, at: datetime) -> None:
        """One change, one version: the only place the version moves."""
        self.version += 1
        self.updated_at = at

    def _record(self, record: records.Record | None) -> None:
        if record is not None:
            self.timeline.append(record.entry)
            if record.event is not None:
                self.events.append(record.event)


Reprice = Callable[[Order, tuple[OrderLine, ...]], tuple[tuple[OrderLine, ...], Totals]]
"""New money for an order's lines after their quantities changed, and its new totals: the
pricing configuration lives outside the aggregate, so the service hands this in."""
