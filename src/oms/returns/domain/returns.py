"""The return aggregate: one request to send goods back (or, for a claim, to be made whole without
sending them), and the only way it changes.

Every public method checks the kind's transition table (``lifecycle_of``) before it changes
anything, bumps ``version`` once and records an event (``events``) that the service hands to the
outbox on save. The aggregate does no I/O: the RMA number, the receiving location, the refund are
decided by services and handed in.

Its lines are frozen values (``values``, re-exported here): the units of one order line asked
back (``quantity``) with the reason, how many arrived (``received``) and how many were inspected
(``inspected``, all with the line's one ``disposition``). Units asked and not received are what
the order still counts as "requested" for this return (``outstanding_units``): a decline or a
cancellation hands exactly those back to the order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from oms.returns.domain import events as ev
from oms.returns.domain.errors import UnitsBeyondReturn, UnknownReturnLine
from oms.returns.domain.lifecycle import (
    OPEN,
    ReturnAction,
    ReturnKind,
    ReturnSource,
    ReturnStatus,
    lifecycle_of,
)
from oms.returns.domain.values import (
    CLAIM_REASONS,
    RETURN_REASONS,
    Disposition,
    NewReturn,
    Resolution,
    ReturnLine,
    ReturnReason,
    ShippingPayer,
)
from oms.shared.errors import Conflict
from oms.shared.events import Event
from oms.shared.ids import new_id
from oms.shared.money import Money

S = ReturnStatus
A = ReturnAction

__all__ = [
    "CLAIM_REASONS",
    "RETURN_REASONS",
    "Disposition",
    "NewReturn",
    "Resolution",
    "ReturnLine",
    "ReturnReason",
    "ReturnRequest",
    "ShippingPayer",
]


@dataclass(slots=True, kw_only=True)
class ReturnRequest:
    id: UUID
    number: str | None
    """The RMA (``RMA-000001``), given at approval."""
    order_id: UUID
    order_number: str
    channel: str
    kind: ReturnKind
    status: ReturnStatus
    source: ReturnSource
    currency: str
    return_shipping_paid_by: ShippingPayer
    lines: tuple[ReturnLine, ...]
    created_at: datetime
    updated_at: datetime
    created_by: str
    version: int
    note: str = ""
    evidence: tuple[str, ...] = ()
    receiving_location: str | None = None
    resolution: Resolution | None = None
    restocking_fee_minor: int = 0
    refund_minor: int | None = None
    label_tracking: str | None = None
    exchange_order_id: UUID | None = None
    decline_reason: str | None = None
    approved_at: datetime | None = None
    received_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    declined_at: datetime | None = None
    events: list[Event] = field(default_factory=list, compare=False, repr=False)
    """Recorded since the return was loaded; the service hands them to the transaction."""

    # -- reading ---------------------------------------------------------------------------

    @property
    def reference(self) -> str:
        """How people name it: the RMA once there is one, else the id."""
        return self.number or str(self.id)

    @property
    def open(self) -> bool:
        return self.status in OPEN

    @property
    def units(self) -> dict[UUID, int]:
        """Units asked back per order line."""
        return {line.line_id: line.quantity for line in self.lines}

    @property
    def uninspected_units(self) -> dict[UUID, int]:
        """Units asked back that no inspection settled, per line: the order still counts them
        as asked back (an inspection turns each into returned, or hands it back)."""
        return {
            line.line_id: line.quantity - line.inspected
            for line in self.lines
            if line.quantity > line.inspected
        }

    @property
    def outstanding_units(self) -> dict[UUID, int]:
        """Units asked back and not received, per line (lines with none left out)."""
        return {line.line_id: line.outstanding for line in self.lines if line.outstanding > 0}

    @property
    def restocking_fee(self) -> Money:
        return Money.from_minor(self.restocking_fee_minor, self.currency)

    @property
    def refund(self) -> Money | None:
        return (
            None
            if self.refund_minor is None
            else Money.from_minor(self.refund_minor, self.currency)
        )

    def line(self, line_id: UUID) -> ReturnLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise UnknownReturnLine(self.reference, line_id)

    def drain_events(self) -> list[Event]:
        """The events recorded so far, handed over once (the service records them on save)."""
        drained, self.events = self.events, []
        return drained

    # -- requesting and deciding -------------------------------------------------------------

    @classmethod
    def request(cls, new: NewReturn, *, at: datetime) -> ReturnRequest:
        """A new return in ``requested``, for lines already checked against the order and the
        policy (``oms.returns.domain.policy.refusals``)."""
        request = cls(
            id=new_id(),
            number=None,
            order_id=new.order_id,
            order_number=new.order_number,
            channel=new.channel,
            kind=new.kind,
            status=S.REQUESTED,
            source=new.source,
            currency=new.currency,
            return_shipping_paid_by=new.return_shipping_paid_by,
            lines=new.lines,
            note=new.note,
            evidence=new.evidence,
            created_at=at,
            updated_at=at,
            created_by=new.actor,
            version=1,
        )
        request._record(
            ev.ReturnRequested,
            at,
            source=new.source.value,
            actor=new.actor,
            lines=_units(request, request.units),
            reasons=tuple(line.reason.value for line in request.lines),
        )
        return request

    def approve(
        self, *, rma: str, receiving_location: str | None, automatic: bool, actor: str, at: datetime
    ) -> None:
        """Accepted: the RMA number and, unless it is a claim, where the goods go."""
        self._move(A.APPROVE, at)
        self.number, self.receiving_location, self.approved_at = rma, receiving_location, at
        self._record(
            ev.ReturnApproved,
            at,
            receiving_location=receiving_location,
            return_shipping_paid_by=self.return_shipping_paid_by.value,
            automatic=automatic,
            actor=actor,
        )

    def decline(self, reason: str, *, actor: str, at: datetime) -> dict[UUID, int]:
        """Refused; returns the units the order no longer counts as requested."""
        self._move(A.DECLINE, at)
        self.decline_reason, self.declined_at = reason, at
        self._record(ev.ReturnDeclined, at, reason=reason, actor=actor)
        return self.units

    def cancel(self, *, actor: str, at: datetime) -> dict[UUID, int]:
        """Withdrawn before the goods arrived; returns the units the order no longer counts as
        requested."""
        self._move(A.CANCEL, at)
        self.cancelled_at = at
        self._record(ev.ReturnCancelled, at, actor=actor)
        return self.outstanding_units

    # -- the way back ------------------------------------------------------------------------

    def attach_label(self, tracking_number: str | None, *, at: datetime) -> None:
        """A return label was made (its document is stored beside the return, not in it)."""
        if not self.open or self.number is None:
            raise Conflict(f"return {self.reference} is not approved and open; no label")
        self.label_tracking = tracking_number
        self._bump(at)

    def mark_in_transit(self, tracking_number: str | None, *, at: datetime) -> None:
        self._move(A.MARK_IN_TRANSIT, at)
        if tracking_number is not None:
            self.label_tracking = tracking_number
        self._record(ev.ReturnInTransit, at, tracking_number=self.label_tracking)

    def receive(
        self, units: Mapping[UUID, int], *, location: str, actor: str, at: datetime
    ) -> None:
        """Units arrived at ``location`` (at most what is outstanding on each line)."""
        self._check(A.RECEIVE)
        lines = {line.line_id: line for line in self.lines}
        for index, (line_id, quantity) in enumerate(units.items()):
            line = self.line(line_id)
            if quantity < 1 or quantity > line.outstanding:
                raise UnitsBeyondReturn(
                    self.reference, line_id, quantity, line.outstanding, field=f"lines.{index}"
                )
            lines[line_id] = replace(line, received=line.received + quantity)
        self._move(A.RECEIVE, at)
        self.lines = tuple(lines.values())
        self.received_at = self.received_at or at
        self._record(
            ev.ReturnReceived, at, location=location, lines=_units(self, units), actor=actor
        )

    def inspect(
        self,
        units: Mapping[UUID, tuple[int, Disposition]],
        *,
        location: str,
        actor: str,
        at: datetime,
    ) -> None:
        """Received units inspected, each line's units with one disposition."""
        self._check(A.INSPECT)
        lines = {line.line_id: line for line in self.lines}
        for index, (line_id, (quantity, disposition)) in enumerate(units.items()):
            line = self.line(line_id)
            left = line.received - line.inspected
            if quantity < 1 or quantity > left:
                raise UnitsBeyondReturn(
                    self.reference, line_id, quantity, left, field=f"lines.{index}"
                )
            if line.disposition not in (None, disposition):
                raise Conflict(
                    f"line {line_id} of return {self.reference} was inspected as "
                    f"{line.disposition.value}, not {disposition.value}",
                    field=f"lines.{index}.disposition",
                )
            lines[line_id] = replace(
                line, inspected=line.inspected + quantity, disposition=disposition
            )
        complete = all(line.inspected == line.received for line in lines.values())
        self._move(A.INSPECT if complete else A.INSPECT_SOME, at)
        self.lines = tuple(lines.values())
        inspected = tuple(
            ev.InspectedUnits(
                line_id=line_id,
                sku=lines[line_id].sku,
                quantity=quantity,
                disposition=disposition.value,
            )
            for line_id, (quantity, disposition) in units.items()
        )
        self._record(
            ev.ReturnInspected,
            at,
            location=location,
            lines=inspected,
            complete=complete,
            actor=actor,
        )

    # -- resolving ---------------------------------------------------------------------------

    def link_exchange(self, exchange_order_id: UUID, *, at: datetime) -> None:
        """The replacement order of an exchange (or the reship of a claim) was placed."""
        if self.exchange_order_id is not None:
            raise Conflict(f"return {self.reference} already has a linked order")
        self.exchange_order_id = exchange_order_id
        self._bump(at)

    def note_exchange_shipped(
        self, units: Mapping[UUID, int], skus: Mapping[UUID, str], *, at: datetime
    ) -> None:
        """Units of the linked exchange order left (lines of that order); no status changes."""
        if self.exchange_order_id is None:
            raise Conflict(f"return {self.reference} has no exchange order")
        self._record(
            ev.ExchangeShipped,
            at,
            exchange_order_id=self.exchange_order_id,
            lines=tuple(
                ev.ReturnUnits(line_id=i, sku=skus[i], quantity=q) for i, q in units.items()
            ),
        )

    def complete(
        self,
        resolution: Resolution,
        *,
        refund: Money | None,
        restocking_fee: Money | None = None,
        unit_refunds: Mapping[UUID, int] | None = None,
        keep_items: bool = False,
        at: datetime,
    ) -> None:
        """Resolved: refunded, credited, exchanged or reshipped. ``keep_items`` resolves an
        approved return whose goods the customer keeps (nothing is received)."""
        self._move(A.KEEP_ITEMS if keep_items else A.COMPLETE, at)
        self.resolution, self.completed_at = resolution, at
        self.refund_minor = None if refund is None else self._minor(refund)
        self.restocking_fee_minor = 0 if restocking_fee is None else self._minor(restocking_fee)
        if unit_refunds:
            self.lines = tuple(
                replace(
                    line, unit_refund_minor=unit_refunds.get(line.line_id, line.unit_refund_minor)
                )
                for line in self.lines
            )
        if self.kind is ReturnKind.CLAIM:
            self._record(
                ev.ClaimResolved,
                at,
                resolution=resolution.value,
                refund=refund,
                reship_order_id=self.exchange_order_id,
            )
            return
        self._record(
            ev.ReturnCompleted,
            at,
            resolution=resolution.value,
            refund=refund,
            restocking_fee=restocking_fee,
            items_kept=keep_items,
        )

    # -- inside --------------------------------------------------------------------------------

    def _minor(self, amount: Money) -> int:
        if amount.currency != self.currency:
            raise Conflict(f"return {self.reference} is in {self.currency}, not {amount.currency}")
        return amount.minor

    def _check(self, action: ReturnAction) -> None:
        """Refuse an action the table does not allow before looking at what it was given."""
        lifecycle_of(self.kind).next(self.status, action)

    def _move(self, action: ReturnAction, at: datetime) -> None:
        self.status = lifecycle_of(self.kind).next(self.status, action)
        self._bump(at)

    def _bump(self, at: datetime) -> None:
        self.version += 1
        self.updated_at = at

    def _record(self, event_type: type[ev.ReturnEvent], at: datetime, **values: Any) -> None:
        self.events.append(
            event_type(
                aggregate_id=self.id,
                kind=self.kind.value,
                number=self.number,
                order_id=self.order_id,
                order_number=self.order_number,
                channel=self.channel,
                occurred_at=at,
                **values,
            )
        )


def _units(request: ReturnRequest, units: Mapping[UUID, int]) -> tuple[ev.ReturnUnits, ...]:
    skus = {line.line_id: line.sku for line in request.lines}
    return tuple(ev.ReturnUnits(line_id=i, sku=skus[i], quantity=q) for i, q in units.items())
