"""Shipments: one package each, with its label, tracking number and tracking status.

A fulfilment order leaves its location in one or more packages; each package is a shipment.
What the carrier reports afterwards arrives as tracking events, in any order and sometimes
twice: every event is kept, and the shipment shows the status of the latest one by the time it
happened (``occurred_at``), not by the time it arrived. The first ``delivered`` status is what
delivers the units in the order (``delivered_at`` set once; an event that arrives later with an
earlier time never undoes it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from oms.shared.errors import Conflict, FieldProblem, Invalid, NotFound


class TrackingStatus(StrEnum):
    """The normalised statuses every carrier's events are mapped to."""

    LABEL_CREATED = "label_created"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    ATTEMPTED_DELIVERY = "attempted_delivery"
    DELAYED = "delayed"
    EXCEPTION = "exception"
    RETURNED_TO_SENDER = "returned_to_sender"


class ShipmentKind(StrEnum):
    PARCEL = "parcel"
    """To the customer."""
    TRANSFER = "transfer"
    """To the pickup store, for a pickup order sourced at another location."""


class EventSource(StrEnum):
    API = "api"
    CSV = "csv"
    CARRIER = "carrier"


class ShipmentNotFound(NotFound):
    code = "shipment-not-found"

    def __init__(self, reference: object) -> None:
        super().__init__(f"no shipment {reference}", shipment=str(reference))


class NoLabel(NotFound):
    code = "shipment-label-not-found"

    def __init__(self, number: str) -> None:
        super().__init__(
            f"shipment {number} has no label (its tracking number was given)", shipment=number
        )


class CarrierFailed(Conflict):
    """The carrier refused the shipment or could not be reached; nothing was stored."""

    code = "carrier-failed"

    def __init__(self, carrier: str, reason: str) -> None:
        super().__init__(f"carrier {carrier}: {reason}", carrier=carrier, reason=reason)


@dataclass(frozen=True, slots=True, kw_only=True)
class Package:
    """One package as packed: its weight, its size if measured, the units of each order line."""

    weight_grams: int
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    lines: Mapping[UUID, int]

    def problems(self, path: str) -> list[FieldProblem]:
        """What is wrong with the package itself, named under ``path`` (``packages.0``)."""
        found = []
        if self.weight_grams <= 0:
            found.append(FieldProblem(f"{path}.weight_grams", "must be more than 0"))
        for name in ("length_mm", "width_mm", "height_mm"):
            size = getattr(self, name)
            if size is not None and size <= 0:
                found.append(FieldProblem(f"{path}.{name}", "must be more than 0"))
        if not self.lines:
            found.append(FieldProblem(f"{path}.lines", "a package holds at least one unit"))
        for index, (_, units) in enumerate(self.lines.items()):
            if units <= 0:
                found.append(FieldProblem(f"{path}.lines.{index}.quantity", "must be more than 0"))
        return found


def check_packages(packages: Sequence[Package], open_units: Mapping[UUID, int]) -> None:
    """Refuse packages that are malformed (422, every field named) or that hold a line the
    fulfilment order does not have; units beyond what is open are checked by the FO itself."""
    problems: list[FieldProblem] = []
    if not packages:
        problems.append(FieldProblem("packages", "at least one package"))
    for index, package in enumerate(packages):
        path = f"packages.{index}"
        problems.extend(package.problems(path))
        for at, line_id in enumerate(package.lines):
            if line_id not in open_units:
                problems.append(
                    FieldProblem(
                        f"{path}.lines.{at}.line_id", "not a line of this fulfilment order"
                    )
                )
    if problems:
        raise Invalid("the packages are not valid", problems=problems)


def units_of(packages: Sequence[Package]) -> dict[UUID, int]:
    """Units of each line over all packages."""
    total: dict[UUID, int] = {}
    for package in packages:
        for line_id, units in package.lines.items():
            total[line_id] = total.get(line_id, 0) + units
    return total


@dataclass(frozen=True, slots=True, kw_only=True)
class ShipmentLine:
    line_id: UUID
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackingEvent:
    """What happened to a package, when and where; ``location`` None when not said."""

    id: UUID
    shipment_id: UUID
    status: TrackingStatus
    occurred_at: datetime
    location: str | None
    description: str
    source: EventSource
    received_at: datetime


@dataclass(slots=True, kw_only=True)
class Shipment:
    """One package of a fulfilment order, from label to door."""

    id: UUID
    number: str
    fulfilment_order_id: UUID
    order_id: UUID
    location_code: str
    carrier: str
    service: str
    tracking_number: str | None
    tracking_url: str | None
    status: TrackingStatus
    weight_grams: int
    length_mm: int | None
    width_mm: int | None
    height_mm: int | None
    label_format: str | None
    kind: ShipmentKind
    created_at: datetime
    shipped_at: datetime
    delivered_at: datetime | None = None
    last_event_at: datetime | None = None
    lines: tuple[ShipmentLine, ...] = field(default=())

    @property
    def delivered(self) -> bool:
        """Whether it was ever reported delivered (later events do not take that back)."""
        return self.delivered_at is not None

    def units(self) -> dict[UUID, int]:
        return {line.line_id: line.quantity for line in self.lines}

    def track(self, event: TrackingEvent) -> Tracked:
        """Take a new (not duplicate) event: it sets the status when it is the latest by
        ``occurred_at`` (a tie goes to the one that arrived last); the first ``delivered``
        event, whenever it happened, delivers the package."""
        before = self.status
        if self.last_event_at is None or event.occurred_at >= self.last_event_at:
            self.status = event.status
            self.last_event_at = event.occurred_at
        first_delivery = event.status is TrackingStatus.DELIVERED and self.delivered_at is None
        if first_delivery:
            self.delivered_at = event.occurred_at
        return Tracked(status_changed=self.status is not before, delivered=first_delivery)


@dataclass(frozen=True, slots=True, kw_only=True)
class Tracked:
    """What an event did to its shipment."""

    status_changed: bool
    delivered: bool
    """This event delivered the package for the first time."""


def shipment_number(fulfilment_order_number: str, index: int) -> str:
    """``SO-10001-F1-2``: the FO's number and the package's place among its shipments."""
    return f"{fulfilment_order_number}-{index}"
