"""What the console's fulfilment desk reads: one fulfilment order as a sheet (its lines with
bins, the order's ship-to, its shipments with their tracking, the order's other FOs) and a
location's pick list over its waiting FOs, grouped by bin and SKU.

**Who sees what.** A user bound to a location sees what a key bound to it sees through the API:
the FOs of its location (``queues``, shipping, papers) and the pickups waiting at its store
(``pickup``: a transfer sourced elsewhere is handed over at the store). Anything else is
``FulfilmentOrderNotFound``, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from oms import channels, inventory, orders
from oms.fulfilment.domain.errors import FulfilmentOrderNotFound
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder
from oms.fulfilment.domain.lifecycle import Delivery, FulfilmentOrderStatus
from oms.fulfilment.domain.shipments import Shipment, TrackingEvent
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.repository.settings import LOCATION_SETTINGS
from oms.fulfilment.repository.shipments import SHIPMENTS
from oms.fulfilment.services.queues import list_fulfilment_orders
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address

S = FulfilmentOrderStatus
TO_PICK = (S.OPEN, S.IN_PROGRESS)
"""The FOs whose units wait on the shelves (a held FO waits for its order, not for a picker)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackedShipment:
    shipment: Shipment
    events: tuple[TrackingEvent, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class FulfilmentOrderSheet:
    """Everything the desk shows of one FO, read in one snapshot."""

    fulfilment_order: FulfilmentOrder
    placed_at: datetime
    buyer_name: str
    ship_to: Address
    """The customer's address, or for a pickup the store's (where the units go)."""
    sent_from: Address
    store: str | None
    """Where a pickup is collected (None for a parcel to the customer)."""
    gift_message: str | None
    bins: dict[UUID, str]
    """Bin of each line's SKU at the FO's location (lines without one are absent)."""
    carrier: str | None
    """The location's carrier (None: karrio's ``generic``)."""
    carrier_service: str | None
    shipments: tuple[TrackedShipment, ...]
    siblings: tuple[FulfilmentOrder, ...]
    """The order's other FOs the reader may see (where a rejection sent the units)."""


def may_see(fo: FulfilmentOrder, location_scope: str | None) -> bool:
    """A reader bound to ``location_scope`` sees the FOs of its location and the pickups
    waiting at its store (the API's two rules: ``queues`` and ``pickup``)."""
    if location_scope is None or fo.location == location_scope:
        return True
    return fo.delivery is Delivery.PICKUP and fo.pickup_location == location_scope


def fulfilment_order_sheet(
    fo_id: UUID, *, uow: UnitOfWork, location_scope: str | None = None
) -> FulfilmentOrderSheet:
    """One FO with what working it needs; ``FulfilmentOrderNotFound`` when unknown or not the
    reader's to see."""
    with uow.read() as tx:
        fos = tx.repo(FULFILMENT_ORDERS)
        fo = fos.get(fo_id)
        if not may_see(fo, location_scope):
            raise FulfilmentOrderNotFound(str(fo_id))
        order = orders.get_order(fo.order_id, uow=uow)
        siblings = tuple(
            other
            for other in fos.for_order(fo.order_id)
            if other.id != fo.id and may_see(other, location_scope)
        )
        found = tx.repo(SHIPMENTS).for_fulfilment_order(fo.id)
        shipments = tuple(
            TrackedShipment(shipment=s, events=tuple(tx.repo(SHIPMENTS).events(s.id)))
            for s in found
        )
        settings = tx.repo(LOCATION_SETTINGS).get(fo.location_id, fo.location)
        bins = inventory.bins([line.variant_id for line in fo.lines], fo.location_id, uow=uow)
        origin = channels.get_location(fo.location, uow=uow)
        store = fo.pickup_location or fo.location if fo.delivery is Delivery.PICKUP else None
        ship_to = _ship_to(order, store, uow=uow)
    return FulfilmentOrderSheet(
        fulfilment_order=fo,
        placed_at=order.placed_at,
        buyer_name=order.buyer.name,
        ship_to=ship_to,
        sent_from=replace(origin.address, name=origin.address.name or origin.name),
        store=store,
        gift_message=order.gift_message,
        bins=bins,
        carrier=settings.carrier,
        carrier_service=settings.carrier_service,
        shipments=shipments,
        siblings=siblings,
    )


def _ship_to(order: orders.Order, store: str | None, *, uow: UnitOfWork) -> Address:
    if store is not None:
        location = channels.get_location(store, uow=uow)
        return replace(location.address, name=location.address.name or location.name)
    address = order.shipping_address
    return address if address.name else replace(address, name=order.buyer.name)


@dataclass(frozen=True, slots=True, kw_only=True)
class PickFor:
    """Units of one SKU for one FO."""

    fulfilment_order_id: UUID
    fulfilment_order: str
    order_number: str
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PickRow:
    """One stop of the walk: a SKU (in its bin), how many units in all, and for which FOs."""

    bin: str | None
    sku: str
    name: str
    quantity: int
    picks: tuple[PickFor, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class LocationPickList:
    location: str
    location_name: str
    by_bin: bool
    rows: tuple[PickRow, ...]
    fulfilment_orders: int
    more: bool
    """More FOs wait than the list took (the oldest promises come first)."""


def location_pick_list(
    location: str, *, uow: UnitOfWork, location_scope: str | None = None, limit: int = 100
) -> LocationPickList:
    """The open units of the location's ``limit`` oldest-promise FOs waiting to be picked, one
    row per SKU with the FOs it is for; walked by bin when bins are set here (SKUs without a
    bin last), by SKU otherwise. ``LocationNotFound`` for an unknown code."""
    place = channels.get_location(location, uow=uow)
    found = list_fulfilment_orders(
        uow=uow,
        location=place.code,
        statuses=TO_PICK,
        limit=limit + 1,
        visible_to_location=location_scope,
    )
    taken = found[:limit]
    rows: dict[str, list[PickFor]] = {}
    names: dict[str, tuple[UUID, str]] = {}
    for fo in taken:
        for line in fo.lines:
            if line.open > 0:
                names.setdefault(line.sku, (line.variant_id, line.name))
                rows.setdefault(line.sku, []).append(
                    PickFor(
                        fulfilment_order_id=fo.id,
                        fulfilment_order=fo.number,
                        order_number=fo.order_number,
                        quantity=line.open,
                    )
                )
    shelved = inventory.bins([v for v, _ in names.values()], place.id, uow=uow)
    walk = sorted(
        (
            PickRow(
                bin=shelved.get(names[sku][0]),
                sku=sku,
                name=names[sku][1],
                quantity=sum(p.quantity for p in picks),
                picks=tuple(picks),
            )
            for sku, picks in rows.items()
        ),
        key=lambda row: (row.bin is None, row.bin or "", row.sku),
    )
    return LocationPickList(
        location=place.code,
        location_name=place.name,
        by_bin=bool(shelved),
        rows=tuple(walk),
        fulfilment_orders=len(taken),
        more=len(found) > limit,
    )


def fulfilment_orders_at(
    order_id: UUID, location: str, *, uow: UnitOfWork, location_scope: str | None = None
) -> list[FulfilmentOrder]:
    """The order's FOs worked at ``location`` or collected there (a pickup sent from a
    warehouse to this store): what a counter finds by the number the customer gives."""
    with uow.read() as tx:
        found = tx.repo(FULFILMENT_ORDERS).for_order(order_id)
    return [
        fo
        for fo in found
        if may_see(fo, location_scope)
        and (
            fo.location == location
            or (fo.delivery is Delivery.PICKUP and fo.pickup_location == location)
        )
    ]
