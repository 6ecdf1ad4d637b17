"""The fulfilment order aggregate: one location's work for one order, and the only way it changes.

Every public method checks ``FULFILMENT_ORDER_LIFECYCLE`` before it changes anything, bumps
``version`` once and records an event (``events``) that the service hands to the outbox on save.
The FO does no I/O.

Its lines are frozen values: the units of an order line given to the location (``quantity``),
how many of them left (``shipped``) and how many were taken away again (``cancelled``: cancelled
on the order, re-sourced elsewhere, or given back by a rejection). The rest is open, and the open
units of a location's active FOs are exactly the order's allocation there (the invariant
``sync_fulfilment_orders`` keeps). So whatever ends a FO short of shipping it (reject, cancel)
takes its open units away: a final FO holds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from oms.fulfilment.domain import events as ev
from oms.fulfilment.domain.errors import NotAPickup, UnitsNotOpen, UnknownFulfilmentLine
from oms.fulfilment.domain.lifecycle import (
    ACTIVE,
    FULFILMENT_ORDER_LIFECYCLE,
    Delivery,
    FulfilmentAction,
    FulfilmentOrderStatus,
)
from oms.shared.errors import IllegalTransition
from oms.shared.events import Event
from oms.shared.ids import new_id

S = FulfilmentOrderStatus
A = FulfilmentAction

LATE_STATUSES = frozenset({S.OPEN, S.IN_PROGRESS, S.ON_HOLD})
"""Statuses in which units still wait to leave, so a passed ship-by date makes the FO late (a
ready pickup has left the shelf: it waits for the customer, not for the location)."""


class RejectReason(StrEnum):
    STOCK_NOT_FOUND = "stock_not_found"
    DAMAGED = "damaged"
    CAPACITY = "capacity"
    OTHER = "other"


@dataclass(frozen=True, slots=True, kw_only=True)
class FulfilmentLine:
    """Units of one order line given to the FO's location and what became of them."""

    line_id: UUID
    variant_id: UUID
    sku: str
    name: str
    quantity: int
    shipped: int = 0
    cancelled: int = 0

    @property
    def open(self) -> int:
        """Given, not shipped, not taken away: still held at the location."""
        return self.quantity - self.shipped - self.cancelled


@dataclass(slots=True, kw_only=True)
class NewFulfilmentOrder:
    """What a FO is created from: the order it serves, the location and the units given."""

    number: str
    order_id: UUID
    order_number: str
    channel: str
    location_id: UUID
    location: str
    delivery: Delivery
    pickup_location: str | None
    ship_by: datetime
    lines: tuple[FulfilmentLine, ...]


@dataclass(slots=True, kw_only=True)
class FulfilmentOrder:
    id: UUID
    number: str
    order_id: UUID
    order_number: str
    channel: str
    location_id: UUID
    location: str
    """The location's code (codes never change)."""
    delivery: Delivery
    pickup_location: str | None
    status: FulfilmentOrderStatus
    ship_by: datetime
    """The promise: when the units should have left (``oms.fulfilment.domain.promises``)."""
    created_at: datetime
    updated_at: datetime
    version: int
    lines: tuple[FulfilmentLine, ...]
    held_from: FulfilmentOrderStatus | None = None
    reject_reason: RejectReason | None = None
    reject_note: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    ready_at: datetime | None = None
    picked_up_at: datetime | None = None
    cancelled_at: datetime | None = None
    pickup_code_hash: str | None = None
    pickup_code_attempts: int = 0
    pickup_expires_on: date | None = None
    events: list[Event] = field(default_factory=list, compare=False, repr=False)
    """Recorded since the FO was loaded; the service hands them to the transaction."""

    # -- reading ---------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def open_units(self) -> dict[UUID, int]:
        """Open units per order line (lines with none left out)."""
        return {line.line_id: line.open for line in self.lines if line.open > 0}

    @property
    def shipped_units(self) -> dict[UUID, int]:
        return {line.line_id: line.shipped for line in self.lines if line.shipped > 0}

    def late(self, now: datetime) -> bool:
        """Units still wait to leave and the promise has passed."""
        return self.status in LATE_STATUSES and self.ship_by < now

    def line(self, line_id: UUID) -> FulfilmentLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise UnknownFulfilmentLine(self.number, line_id)

    def drain_events(self) -> list[Event]:
        """The events recorded so far, handed over once (the service records them on save)."""
        drained, self.events = self.events, []
        return drained

    # -- creating --------------------------------------------------------------------------

    @classmethod
    def create(cls, new: NewFulfilmentOrder, *, at: datetime) -> FulfilmentOrder:
        """A new open FO for the units given to the location."""
        fo = cls(
            id=new_id(),
            number=new.number,
            order_id=new.order_id,
            order_number=new.order_number,
            channel=new.channel,
            location_id=new.location_id,
            location=new.location,
            delivery=new.delivery,
            pickup_location=new.pickup_location,
            status=S.OPEN,
            ship_by=new.ship_by,
            created_at=at,
            updated_at=at,
            version=1,
            lines=tuple(line for line in new.lines if line.quantity > 0),
        )
        fo._record(
            ev.FulfilmentOrderCreated,
            at,
            delivery=fo.delivery.value,
            pickup_location=fo.pickup_location,
            ship_by=fo.ship_by,
            lines=_units(fo, {line.line_id: line.quantity for line in fo.lines}),
        )
        return fo

    # -- work --------------------------------------------------------------------------------

    def start(self, *, actor: str, at: datetime) -> None:
        """Picking begins (open -> in progress)."""
        self._move(A.START, at)
        self._record(ev.FulfilmentOrderStarted, at, actor=actor)

    def add_units(self, units: Mapping[UUID, FulfilmentLine], *, at: datetime) -> None:
        """More units of the order given to this open FO (a backorder filled, a re-source to
        this location): new lines are appended, existing ones grow. Only an open FO takes them:
        one already being picked keeps the work it was given, and new units get their own FO."""
        if self.status is not S.OPEN:
            raise IllegalTransition(
                f"cannot add units to this fulfilment order: it is {self.status.value}",
                state=self.status.value,
                action="add_units",
            )
        lines = {line.line_id: line for line in self.lines}
        for line_id, given in units.items():
            seen = lines.get(line_id)
            lines[line_id] = (
                replace(seen, quantity=seen.quantity + given.quantity) if seen else given
            )
        self.lines = tuple(lines.values())
        self._bump(at)
        self._record(
            ev.FulfilmentOrderUnitsAdded,
            at,
            lines=_units(self, {i: u.quantity for i, u in units.items()}),
        )

    def hold(self, *, at: datetime) -> None:
        """The order was held: the work stops where it is (remembered in ``held_from``)."""
        was = self.status
        self._move(A.HOLD, at)
        self.held_from = was
        self._record(ev.FulfilmentOrderHeld, at)

    def release(self, *, at: datetime) -> None:
        """The order's holds were released: back to the status the FO was held from."""
        FULFILMENT_ORDER_LIFECYCLE.next(self.status, A.RELEASE)
        back = self.held_from or S.OPEN
        if back not in (S.OPEN, S.IN_PROGRESS):
            raise IllegalTransition(
                f"cannot release this fulfilment order back to {back.value}",
                state=self.status.value,
                action=A.RELEASE.value,
            )
        self.status, self.held_from = back, None
        self._bump(at)
        self._record(ev.FulfilmentOrderReleased, at, status=back.value)

    def reject(
        self, reason: RejectReason, note: str | None, *, actor: str, at: datetime
    ) -> dict[UUID, int]:
        """The location cannot do it; returns the open units it gives back (to re-source)."""
        self._move(A.REJECT, at)
        given_back = self.open_units
        self._take_away(given_back)
        self.reject_reason, self.reject_note, self.held_from = reason, note, None
        self._record(
            ev.FulfilmentOrderRejected,
            at,
            reason=reason.value,
            note=note,
            actor=actor,
            lines=_units(self, given_back),
        )
        return given_back

    def cancel(self, *, at: datetime) -> dict[UUID, int]:
        """The order (or what is left of this FO's part of it) was cancelled; returns the units
        that were open."""
        self._move(A.CANCEL, at)
        open_units = self.open_units
        self._take_away(open_units)
        self.cancelled_at, self.held_from = at, None
        self._record(ev.FulfilmentOrderCancelled, at, lines=_units(self, open_units))
        return open_units

    def reduce(self, units: Mapping[UUID, int], *, at: datetime) -> None:
        """Take open units away (cancelled on the order, or re-sourced). When nothing is left
        open the FO ends: cancelled if nothing shipped, else shipped (the rest already left)."""
        self._check_open(units)
        left = {i: n for i, n in self.open_units.items() if n > units.get(i, 0)}
        if left or (self.status is S.READY_FOR_PICKUP and self.shipped_units):
            self._move(A.REDUCE, at)
            self._take_away(units)
            self._record(ev.FulfilmentOrderReduced, at, lines=_units(self, units))
            return
        if not self.shipped_units:
            self.cancel(at=at)
            return
        if self.status is S.ON_HOLD:
            # The held rest went away and what shipped before the hold stands: released (by
            # the table) and shipped, as one change.
            FULFILMENT_ORDER_LIFECYCLE.next(self.status, A.RELEASE)
            self.status, self.held_from = self.held_from or S.OPEN, None
        self._move(A.SHIP, at)
        self._take_away(units)
        self.shipped_at = self.shipped_at or at
        self._record(ev.FulfilmentOrderReduced, at, lines=_units(self, units))

    def ship_units(self, units: Mapping[UUID, int], *, at: datetime) -> FulfilmentAction:
        """Units left the location (one package or several): ``SHIP_SOME`` while some stay
        open, ``SHIP`` with the last of them. Returns which."""
        self._check_open(units)
        rest = sum(self.open_units.values()) - sum(units.values())
        action = A.SHIP if rest == 0 else A.SHIP_SOME
        self._move(action, at)
        self.lines = tuple(
            replace(line, shipped=line.shipped + units.get(line.line_id, 0)) for line in self.lines
        )
        if action is A.SHIP:
            self.shipped_at = at
        self._record(ev.FulfilmentOrderShipped, at, lines=_units(self, units), complete=rest == 0)
        return action

    def deliver(self, *, at: datetime) -> None:
        """Every shipment of the FO was delivered."""
        self._move(A.DELIVER, at)
        self.delivered_at = at
        self._record(ev.FulfilmentOrderDelivered, at)

    # -- pickup (the pickup service records the pickup events; the code never reaches the FO) --

    def mark_ready(self, code_hash: str, expires_on: date, *, at: datetime) -> None:
        """The units wait at the pickup store under a code (its hash) until ``expires_on``."""
        if self.delivery is not Delivery.PICKUP:
            raise NotAPickup(self.number)
        self._move(A.MARK_READY, at)
        self.ready_at = at
        self._set_code(code_hash, expires_on)

    def reissue_code(self, code_hash: str, expires_on: date, *, at: datetime) -> None:
        """A new code replaces the old one and the wrong attempts are forgotten (no status
        change; the pickup service records the event, with the new code)."""
        if self.status is not S.READY_FOR_PICKUP:
            raise IllegalTransition(
                f"cannot issue a pickup code: this fulfilment order is {self.status.value}",
                state=self.status.value,
                action="reissue_code",
            )
        self._set_code(code_hash, expires_on)
        self._bump(at)

    def count_wrong_code(self, *, at: datetime) -> int:
        """One more wrong code tried at the handover; returns how many so far."""
        self.pickup_code_attempts += 1
        self._bump(at)
        return self.pickup_code_attempts

    def _set_code(self, code_hash: str, expires_on: date) -> None:
        self.pickup_code_hash, self.pickup_expires_on = code_hash, expires_on
        self.pickup_code_attempts = 0

    def hand_over(self, *, at: datetime) -> dict[UUID, int]:
        """The customer collected the units; returns those that left the store's stock here
        (a pickup at the sourcing store; a transfer shipped them already, so none)."""
        self._move(A.HAND_OVER, at)
        handed = self.open_units
        self.lines = tuple(
            replace(line, shipped=line.shipped + handed.get(line.line_id, 0)) for line in self.lines
        )
        self.picked_up_at = at
        self.pickup_code_hash = None
        return handed

    # -- internals ---------------------------------------------------------------------------

    def _check_open(self, units: Mapping[UUID, int]) -> None:
        for line_id, count in units.items():
            open_units = self.line(line_id).open
            if count < 0 or count > open_units:
                raise UnitsNotOpen(self.number, line_id, count, open_units)

    def _take_away(self, units: Mapping[UUID, int]) -> None:
        self.lines = tuple(
            replace(line, cancelled=line.cancelled + units.get(line.line_id, 0))
            for line in self.lines
        )

    def _move(self, action: FulfilmentAction, at: datetime) -> None:
        self.status = FULFILMENT_ORDER_LIFECYCLE.next(self.status, action)
        self._bump(at)

    def _bump(self, at: datetime) -> None:
        """Every public method moves or bumps exactly once: ``version`` counts changes, and
        the repository saves over the version it read."""
        self.version += 1
        self.updated_at = at

    def _record(self, kind: type[ev.FulfilmentOrderEvent], at: datetime, **values: Any) -> None:
        self.events.append(
            kind(
                aggregate_id=self.id,
                number=self.number,
                order_id=self.order_id,
                location=self.location,
                occurred_at=at,
                **values,
            )
        )


def _units(fo: FulfilmentOrder, units: Mapping[UUID, int]) -> tuple[ev.FulfilmentUnits, ...]:
    return tuple(
        ev.FulfilmentUnits(line_id=line.line_id, sku=line.sku, quantity=units[line.line_id])
        for line in fo.lines
        if units.get(line.line_id, 0) > 0
    )


def open_units_at(fos: Iterable[FulfilmentOrder], location: str) -> dict[UUID, int]:
    """Open units per order line in the active FOs of ``location``."""
    total: dict[UUID, int] = {}
    for fo in fos:
        if fo.location == location and fo.active:
            for line_id, count in fo.open_units.items():
                total[line_id] = total.get(line_id, 0) + count
    return total
