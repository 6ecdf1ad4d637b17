"""Shipments and their tracking events on SQLAlchemy Core.

A shipment is written once whole (``add``, with its label and lines) and afterwards only its
tracking fields change (``save_tracking``). A tracking event is inserted with ``ON CONFLICT DO
NOTHING`` on its unique key, on both databases: a duplicate costs one statement, changes
nothing and tells the caller so, and no IntegrityError aborts the caller's transaction
(PostgreSQL would refuse every later statement of it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.fulfilment.domain.shipments import (
    EventSource,
    Shipment,
    ShipmentKind,
    ShipmentLine,
    ShipmentNotFound,
    TrackingEvent,
    TrackingStatus,
)
from oms.fulfilment.tables.orders import fulfilment_order_lines
from oms.fulfilment.tables.shipments import shipment_lines, shipments, tracking_events
from oms.platform.unit_of_work import Port

_NO_PLACE = ""
"""How an unknown event location is stored (the unique key needs a value; see the table)."""


class Shipments(Protocol):
    def add(self, shipment: Shipment, *, label: bytes | None) -> None:
        """Store a new shipment with its lines and label."""
        ...

    def get(
        self, shipment_id: UUID, *, lock: bool = False, location: str | None = None
    ) -> Shipment:
        """One shipment or ``ShipmentNotFound``; another location's does not exist for a caller
        bound to ``location``. ``lock`` takes its row lock (FOR UPDATE)."""
        ...

    def find(self, reference: str, *, lock: bool = False) -> Shipment | None:
        """The shipment with this number, else the newest with this tracking number."""
        ...

    def for_fulfilment_order(self, fulfilment_order_id: UUID) -> list[Shipment]:
        """A fulfilment order's shipments, in the order they were made."""
        ...

    def for_order(self, order_id: UUID) -> list[Shipment]:
        """An order's shipments, in the order they were made."""
        ...

    def count_for(self, fulfilment_order_id: UUID) -> int:
        """How many shipments the fulfilment order has (the next one's number follows)."""
        ...

    def label(self, shipment_id: UUID) -> tuple[str | None, bytes | None]:
        """(format, bytes) of the shipment's label."""
        ...

    def save_tracking(self, shipment: Shipment) -> None:
        """Store the shipment's status, the time of its latest event and its delivery."""
        ...

    def add_event(self, event: TrackingEvent) -> bool:
        """Store the event; False (and nothing stored) when it is a duplicate."""
        ...

    def events(self, shipment_id: UUID) -> list[TrackingEvent]:
        """Every event of the shipment, by the time it happened (then as received)."""
        ...


class SqlShipments:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, shipment: Shipment, *, label: bytes | None) -> None:
        self.c.execute(insert(shipments).values(**_row(shipment), label=label))
        self.c.execute(
            insert(shipment_lines),
            [
                {"shipment_id": shipment.id, "line_id": line.line_id, "quantity": line.quantity}
                for line in shipment.lines
            ],
        )

    def get(
        self, shipment_id: UUID, *, lock: bool = False, location: str | None = None
    ) -> Shipment:
        query = _SELECT.where(shipments.c.id == shipment_id)
        if location is not None:
            query = query.where(shipments.c.location_code == location)
        row = self.c.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise ShipmentNotFound(shipment_id)
        return self._whole([row])[0]

    def find(self, reference: str, *, lock: bool = False) -> Shipment | None:
        for column in (shipments.c.number, shipments.c.tracking_number):
            query = (
                _SELECT.where(column == reference)
                .order_by(shipments.c.created_at.desc(), shipments.c.id)
                .limit(1)
            )
            row = self.c.execute(query.with_for_update() if lock else query).first()
            if row is not None:
                return self._whole([row])[0]
        return None

    def for_fulfilment_order(self, fulfilment_order_id: UUID) -> list[Shipment]:
        return self._many(shipments.c.fulfilment_order_id == fulfilment_order_id)

    def for_order(self, order_id: UUID) -> list[Shipment]:
        return self._many(shipments.c.order_id == order_id)

    def count_for(self, fulfilment_order_id: UUID) -> int:
        return int(
            self.c.execute(
                select(func.count())
                .select_from(shipments)
                .where(shipments.c.fulfilment_order_id == fulfilment_order_id)
            ).scalar_one()
        )

    def label(self, shipment_id: UUID) -> tuple[str | None, bytes | None]:
        row = self.c.execute(
            select(shipments.c.label_format, shipments.c.label).where(shipments.c.id == shipment_id)
        ).first()
        if row is None:
            raise ShipmentNotFound(shipment_id)
        return row.label_format, None if row.label is None else bytes(row.label)

    def save_tracking(self, shipment: Shipment) -> None:
        self.c.execute(
            update(shipments)
            .where(shipments.c.id == shipment.id)
            .values(
                status=shipment.status.value,
                last_event_at=shipment.last_event_at,
                delivered_at=shipment.delivered_at,
            )
        )

    def add_event(self, event: TrackingEvent) -> bool:
        dialect: Any = postgresql if self.c.dialect.name == "postgresql" else sqlite
        inserted = self.c.execute(
            dialect.insert(tracking_events)
            .values(
                id=event.id,
                shipment_id=event.shipment_id,
                status=event.status.value,
                occurred_at=event.occurred_at,
                location=event.location or _NO_PLACE,
                description=event.description,
                source=event.source.value,
                received_at=event.received_at,
            )
            .on_conflict_do_nothing()
            .returning(tracking_events.c.id)  # rowcount is -1 here on psycopg
        )
        return inserted.first() is not None

    def events(self, shipment_id: UUID) -> list[TrackingEvent]:
        rows = self.c.execute(
            select(tracking_events)
            .where(tracking_events.c.shipment_id == shipment_id)
            .order_by(tracking_events.c.occurred_at, tracking_events.c.received_at)
        ).all()
        return [
            TrackingEvent(
                id=r.id,
                shipment_id=r.shipment_id,
                status=TrackingStatus(r.status),
                occurred_at=r.occurred_at,
                location=r.location or None,
                description=r.description,
                source=EventSource(r.source),
                received_at=r.received_at,
            )
            for r in rows
        ]

    def _many(self, where: Any) -> list[Shipment]:
        rows = self.c.execute(
            _SELECT.where(where).order_by(shipments.c.created_at, shipments.c.number)
        ).all()
        return self._whole(rows)

    def _whole(self, rows: Sequence[Row[Any]]) -> list[Shipment]:
        """Shipments with their lines (names from the fulfilment order's lines): one query."""
        if not rows:
            return []
        ids = [r.id for r in rows]
        lines: dict[UUID, list[ShipmentLine]] = {i: [] for i in ids}
        found = self.c.execute(
            select(
                shipment_lines.c.shipment_id,
                shipment_lines.c.line_id,
                shipment_lines.c.quantity,
                fulfilment_order_lines.c.sku,
                fulfilment_order_lines.c.name,
            )
            .join(shipments, shipments.c.id == shipment_lines.c.shipment_id)
            .join(
                fulfilment_order_lines,
                (fulfilment_order_lines.c.fulfilment_order_id == shipments.c.fulfilment_order_id)
                & (fulfilment_order_lines.c.line_id == shipment_lines.c.line_id),
            )
            .where(shipment_lines.c.shipment_id.in_(ids))
            .order_by(shipment_lines.c.shipment_id, fulfilment_order_lines.c.sku)
        ).all()
        for r in found:
            lines[r.shipment_id].append(
                ShipmentLine(line_id=r.line_id, sku=r.sku, name=r.name, quantity=r.quantity)
            )
        return [_shipment(r, tuple(lines[r.id])) for r in rows]


_COLUMNS = [c for c in shipments.c if c.name != "label"]
_SELECT = select(*_COLUMNS)


def _row(s: Shipment) -> dict[str, Any]:
    return {
        "id": s.id,
        "number": s.number,
        "fulfilment_order_id": s.fulfilment_order_id,
        "order_id": s.order_id,
        "location_code": s.location_code,
        "carrier": s.carrier,
        "service": s.service,
        "tracking_number": s.tracking_number,
        "tracking_url": s.tracking_url,
        "status": s.status.value,
        "weight_grams": s.weight_grams,
        "length_mm": s.length_mm,
        "width_mm": s.width_mm,
        "height_mm": s.height_mm,
        "label_format": s.label_format,
        "created_at": s.created_at,
        "shipped_at": s.shipped_at,
        "delivered_at": s.delivered_at,
        "last_event_at": s.last_event_at,
        "kind": s.kind.value,
    }


def _shipment(r: Row[Any], lines: tuple[ShipmentLine, ...]) -> Shipment:
    return Shipment(
        id=r.id,
        number=r.number,
        fulfilment_order_id=r.fulfilment_order_id,
        order_id=r.order_id,
        location_code=r.location_code,
        carrier=r.carrier,
        service=r.service,
        tracking_number=r.tracking_number,
        tracking_url=r.tracking_url,
        status=TrackingStatus(r.status),
        weight_grams=r.weight_grams,
        length_mm=r.length_mm,
        width_mm=r.width_mm,
        height_mm=r.height_mm,
        label_format=r.label_format,
        kind=ShipmentKind(r.kind),
        created_at=r.created_at,
        shipped_at=r.shipped_at,
        delivered_at=r.delivered_at,
        last_event_at=r.last_event_at,
        lines=lines,
    )


SHIPMENTS: Port[Shipments] = Port("fulfilment.shipments", SqlShipments)
