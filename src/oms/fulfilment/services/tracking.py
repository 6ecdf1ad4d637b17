"""Tracking events: what carriers report about packages, from the API, a CSV file or a carrier.

Each event is stored once (a duplicate is a no-op, by the table's unique key) in a transaction
of its own. It moves the shipment's status only when it is the latest by the time it happened,
so events that arrive out of order end in the same state as in order. The first ``delivered``
event delivers the package's units in the order (``orders.deliver_units``, which completes the
order when that was the last of them and it is paid), and once every shipment of a fulfilment
order is delivered the FO is delivered too.

Lock order: the order first (when the event may deliver), then the FO, then the shipment; an
event that cannot deliver (any status but ``delivered``, or a package delivered before) takes
only the shipment's lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from oms import orders
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder
from oms.fulfilment.domain.lifecycle import Delivery, FulfilmentOrderStatus
from oms.fulfilment.domain.shipment_events import (
    PackedUnits,
    ShipmentDelivered,
    ShipmentStatusChanged,
)
from oms.fulfilment.domain.shipments import (
    EventSource,
    Shipment,
    ShipmentKind,
    ShipmentNotFound,
    TrackingEvent,
    TrackingStatus,
)
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.repository.shipments import SHIPMENTS
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.errors import DomainError, Invalid
from oms.shared.ids import new_id


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportEvent:
    """One carrier event for a shipment, named by id (API) or by number / tracking number (CSV)."""

    shipment: UUID | str
    status: TrackingStatus
    occurred_at: datetime
    location: str | None = None
    description: str = ""
    source: EventSource = EventSource.API
    actor: str
    location_scope: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reported:
    shipment: Shipment
    event: TrackingEvent
    recorded: bool
    """False: the same event was reported before, and nothing changed."""


def report_event(cmd: ReportEvent, *, uow: UnitOfWork) -> Reported:
    """Record one tracking event and what it does to the shipment, FO and order."""
    if cmd.occurred_at.tzinfo is None:
        raise Invalid("a time with its UTC offset", field="occurred_at")
    with uow.begin() as tx:
        found = _find(cmd, tx)
        fo = None
        if cmd.status is TrackingStatus.DELIVERED and not found.delivered:
            # It may deliver: the order's lock, then the FO's, then the shipment's.
            orders.order_for_fulfilment(found.order_id, uow=uow)
            fo = tx.repo(FULFILMENT_ORDERS).get(found.fulfilment_order_id, lock=True)
        shipment = tx.repo(SHIPMENTS).get(found.id, lock=True)
        event = TrackingEvent(
            id=new_id(),
            shipment_id=shipment.id,
            status=cmd.status,
            occurred_at=cmd.occurred_at,
            location=(cmd.location or "").strip() or None,
            description=cmd.description.strip(),
            source=cmd.source,
            received_at=tx.now,
        )
        if not tx.repo(SHIPMENTS).add_event(event):
            return Reported(shipment=shipment, event=event, recorded=False)
        _apply(shipment, event, fo, actor=cmd.actor, tx=tx, uow=uow)
    return Reported(shipment=shipment, event=event, recorded=True)


def _find(cmd: ReportEvent, tx: Transaction) -> Shipment:
    repo = tx.repo(SHIPMENTS)
    if isinstance(cmd.shipment, UUID):
        return repo.get(cmd.shipment, location=cmd.location_scope)
    found = repo.find(cmd.shipment)
    if found is None or (cmd.location_scope and found.location_code != cmd.location_scope):
        raise ShipmentNotFound(cmd.shipment)
    return found


def _apply(
    shipment: Shipment,
    event: TrackingEvent,
    fo: FulfilmentOrder | None,
    *,
    actor: str,
    tx: Transaction,
    uow: UnitOfWork,
) -> None:
    previous = shipment.status
    tracked = shipment.track(event)
    tx.repo(SHIPMENTS).save_tracking(shipment)
    if tracked.status_changed:
        tx.record(
            ShipmentStatusChanged(
                aggregate_id=shipment.id,
                number=shipment.number,
                order_id=shipment.order_id,
                status=shipment.status.value,
                previous=previous.value,
                occurred_at=event.occurred_at,
                location=event.location,
            )
        )
    if tracked.delivered:
        assert fo is not None  # locked above: only a delivered event delivers
        _deliver(shipment, fo, actor=actor, tx=tx, uow=uow)


def _deliver(
    shipment: Shipment, fo: FulfilmentOrder, *, actor: str, tx: Transaction, uow: UnitOfWork
) -> None:
    """The package arrived: the order's units are delivered, then the FO once all its
    packages are (a transfer to a pickup store delivers nothing to the customer: the units
    wait in the store until handed over, which the pickup service does)."""
    assert shipment.delivered_at is not None
    tx.record(
        ShipmentDelivered(
            aggregate_id=shipment.id,
            number=shipment.number,
            order_id=shipment.order_id,
            fulfilment_order_id=shipment.fulfilment_order_id,
            delivered_at=shipment.delivered_at,
            lines=tuple(
                PackedUnits(line_id=line.line_id, sku=line.sku, quantity=line.quantity)
                for line in shipment.lines
            ),
        )
    )
    if shipment.kind is ShipmentKind.TRANSFER:
        return
    if fo.delivery is not Delivery.SHIP:
        return
    orders.deliver_units(
        shipment.order_id, units=shipment.units(), how="delivered", actor=actor, uow=uow
    )
    siblings = tx.repo(SHIPMENTS).for_fulfilment_order(fo.id)
    if fo.status is FulfilmentOrderStatus.SHIPPED and all(s.delivered for s in siblings):
        fo.deliver(at=tx.now)
        tx.repo(FULFILMENT_ORDERS).save(fo)
        tx.record(*fo.drain_events())


def list_events(
    shipment_id: UUID, *, uow: UnitOfWork, location_scope: str | None = None
) -> list[TrackingEvent]:
    """Every event of a shipment, by the time it happened."""
    with uow.read() as tx:
        tx.repo(SHIPMENTS).get(shipment_id, location=location_scope)
        return tx.repo(SHIPMENTS).events(shipment_id)


def get_shipment(
    shipment_id: UUID, *, uow: UnitOfWork, location_scope: str | None = None
) -> Shipment:
    with uow.read() as tx:
        return tx.repo(SHIPMENTS).get(shipment_id, location=location_scope)


def order_shipments(
    order_id: UUID,
    *,
    uow: UnitOfWork,
    visible_to: str | None = None,
    location_scope: str | None = None,
) -> list[Shipment]:
    """The order's shipments (a location-bound key sees its location's only); another
    channel's order does not exist for a channel key."""
    orders.get_order(order_id, uow=uow, visible_to=visible_to)
    with uow.read() as tx:
        found = tx.repo(SHIPMENTS).for_order(order_id)
    return [s for s in found if location_scope in (None, s.location_code)]


def shipment_label(
    shipment_id: UUID, *, uow: UnitOfWork, location_scope: str | None = None
) -> tuple[Shipment, bytes | None]:
    """The shipment and its label's PDF (None when its tracking number was given)."""
    with uow.read() as tx:
        shipment = tx.repo(SHIPMENTS).get(shipment_id, location=location_scope)
        _, pdf = tx.repo(SHIPMENTS).label(shipment_id)
    return shipment, pdf


@dataclass(frozen=True, slots=True, kw_only=True)
class RowProblem:
    """A CSV row that was skipped: its line in the file, the field and why."""

    line: int
    field: str
    reason: str


@dataclass(slots=True, kw_only=True)
class ImportSummary:
    rows: int = 0
    recorded: int = 0
    duplicates: int = 0
    problems: list[RowProblem] = field(default_factory=list)


CSV_COLUMNS = ("tracking_number", "shipment", "status", "occurred_at", "location", "description")
"""A file names each row's shipment by ``tracking_number`` or by ``shipment`` (its number)."""


def import_events(
    rows: Iterable[Mapping[str, str | None]],
    *,
    actor: str,
    uow: UnitOfWork,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Record the events of a carrier's CSV file, each row in its own transaction: a bad row is
    reported (line, field, reason) and skipped, the rest applied. Rows seen before are
    duplicates and change nothing, so the same file can be imported again safely."""
    summary = ImportSummary()
    for index, row in enumerate(rows):
        line = index + 2  # line 1 is the header
        summary.rows += 1
        try:
            reported = report_event(_row_event(row, actor=actor), uow=uow)
        except _RowInvalid as bad:
            summary.problems.append(RowProblem(line=line, field=bad.field, reason=bad.reason))
        except DomainError as error:
            summary.problems.append(RowProblem(line=line, field=_field(error), reason=error.detail))
        else:
            if reported.recorded:
                summary.recorded += 1
            else:
                summary.duplicates += 1
        if progress is not None:
            progress(summary.rows)
    return summary


class _RowInvalid(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


def _row_event(row: Mapping[str, str | None], *, actor: str) -> ReportEvent:
    def value(name: str) -> str:
        return (row.get(name) or "").strip()

    reference = value("tracking_number") or value("shipment")
    if not reference:
        raise _RowInvalid("tracking_number", "a tracking number or shipment number is required")
    try:
        status = TrackingStatus(value("status").lower())
    except ValueError:
        known = ", ".join(s.value for s in TrackingStatus)
        raise _RowInvalid("status", f"{value('status')!r} is not one of {known}") from None
    try:
        occurred_at = datetime.fromisoformat(value("occurred_at"))
    except ValueError:
        raise _RowInvalid("occurred_at", "not an ISO 8601 time") from None
    if occurred_at.tzinfo is None:
        raise _RowInvalid("occurred_at", "the time needs its UTC offset (+01:00, Z)")
    if len(value("location")) > 200:
        raise _RowInvalid("location", "at most 200 characters")
    if len(value("description")) > 500:
        raise _RowInvalid("description", "at most 500 characters")
    return ReportEvent(
        shipment=reference,
        status=status,
        occurred_at=occurred_at,
        location=value("location") or None,
        description=value("description"),
        source=EventSource.CSV,
        actor=actor,
    )


def _field(error: DomainError) -> str:
    if isinstance(error, ShipmentNotFound):
        return "tracking_number"
    if isinstance(error, Invalid) and error.problems:
        return error.problems[0].field
    return "row"
