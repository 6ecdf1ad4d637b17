"""Shipping a fulfilment order's units in one or more packages.

Three steps, in this order on purpose:

1. **Prepare** (a read): the FO, the order, the locations and the carrier account; the packages
   are checked against the FO's open units, so a bad request never reaches the carrier.
2. **Labels** (no transaction): one carrier call per package that has no tracking number. A
   carrier that refuses or is down fails the request here, and nothing has been written.
3. **Store** (one transaction): the order's lock, then the FO's (the system's lock order), the
   FO ships the units, the order ships them per package (``orders.ship_units``: allocation ->
   shipped, and the ledger's fulfilment movement, ``on_hand`` and ``allocated`` both down), one
   shipment per package with its label, the invoice when the channel invoices on shipment, and
   the events. Whatever changed between 1 and 3 (a hold, a cancellation, another packer) is
   refused here by the aggregates, and the labels made in 2 are simply not used.

After the commit, a channel that captures at shipment has the value of what shipped captured
(``capture`` here, called by the route after the response is stored: never a provider call
inside the transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from oms import channels, invoicing, orders, payments
from oms.fulfilment.domain.errors import FulfilmentOrderChanged
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder
from oms.fulfilment.domain.lifecycle import Delivery
from oms.fulfilment.domain.shipment_events import PackedUnits, ShipmentCreated
from oms.fulfilment.domain.shipments import (
    EventSource,
    Package,
    Shipment,
    ShipmentKind,
    ShipmentLine,
    TrackingEvent,
    TrackingStatus,
    check_packages,
    shipment_number,
    units_of,
)
from oms.fulfilment.providers.carriers import (
    GENERIC,
    Carrier,
    CarrierAccount,
    KarrioCarrier,
    Label,
    LabelItem,
    LabelRequest,
)
from oms.fulfilment.providers.tracking_numbers import check_tracking_number, tracking_url
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.repository.settings import LOCATION_SETTINGS
from oms.fulfilment.repository.shipments import SHIPMENTS
from oms.fulfilment.views.labels import print_label
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from oms.shared.errors import Conflict, FieldProblem, Invalid
from oms.shared.ids import new_id

Carriers = Callable[[CarrierAccount], Carrier]
"""Builds the carrier of an account (the app passes the karrio adapter's factory)."""


def karrio_carriers(account: CarrierAccount) -> KarrioCarrier:
    """The deployment's carriers: every account through karrio."""
    return KarrioCarrier(account, print_label=print_label)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShipPackages:
    fulfilment_order_id: UUID
    packages: tuple[Package, ...]
    tracking_numbers: tuple[str | None, ...]
    """Per package: a tracking number given (no label bought), or None (the carrier's label)."""
    carrier: str | None = None
    service: str | None = None
    actor: str
    location_scope: str | None = None
    expected_version: int | None = None
    """The fulfilment order's version the packer saw (the console's form carries it): a form
    sent twice, or after someone else shipped, is refused instead of shipping more units."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Shipped:
    fulfilment_order_id: UUID
    order_id: UUID
    shipments: tuple[Shipment, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Prepared:
    fo: FulfilmentOrder
    order: orders.Order
    kind: ShipmentKind
    shipper: Address
    recipient: Address
    account: CarrierAccount


@dataclass(frozen=True, slots=True, kw_only=True)
class Labelled:
    """Steps 1 and 2 done: what the packages go with, and the labels bought for them."""

    prepared: _Prepared
    labels: tuple[Label | None, ...]


def ship_packages(cmd: ShipPackages, *, uow: UnitOfWork, carriers: Carriers) -> Shipped:
    """Ship packages of a fulfilment order: labels first, then everything in one transaction."""
    return store_shipments(cmd, buy_labels(cmd, uow=uow, carriers=carriers), uow=uow)


def buy_labels(cmd: ShipPackages, *, uow: UnitOfWork, carriers: Carriers) -> Labelled:
    """Steps 1 and 2: check the packages against the FO, then buy a label per package that
    has no tracking number. Call it outside any transaction (it calls the carrier)."""
    prepared = _prepare(cmd, uow=uow)
    return Labelled(prepared=prepared, labels=tuple(_labels(cmd, prepared, carriers)))


def store_shipments(cmd: ShipPackages, labelled: Labelled, *, uow: UnitOfWork) -> Shipped:
    """Step 3, in the caller's transaction or its own: the shipments and everything they move."""
    return _store(cmd, labelled.prepared, labelled.labels, uow=uow)


def _prepare(cmd: ShipPackages, *, uow: UnitOfWork) -> _Prepared:
    with uow.read() as tx:
        fo = tx.repo(FULFILMENT_ORDERS).get(
            cmd.fulfilment_order_id, visible_to_location=cmd.location_scope
        )
        if cmd.expected_version is not None and fo.version != cmd.expected_version:
            raise FulfilmentOrderChanged(str(fo.id))
        check_packages(cmd.packages, {line.line_id: line.open for line in fo.lines})
        _check_units(cmd.packages, fo)
        order = orders.get_order(fo.order_id, uow=uow)
        kind, destination = _destination(fo, order, uow=uow)
        settings = tx.repo(LOCATION_SETTINGS).get(fo.location_id, fo.location)
    account = CarrierAccount(
        location_code=fo.location,
        carrier=settings.carrier or GENERIC,
        service=settings.carrier_service,
        config=settings.carrier_config,
    )
    if cmd.carrier is not None and cmd.carrier != account.carrier:
        # Another carrier named for this shipment: its account settings are not the
        # location's (secrets still come from the environment).
        account = CarrierAccount(location_code=fo.location, carrier=cmd.carrier)
    for index, number in enumerate(cmd.tracking_numbers):
        if number is not None:
            check_tracking_number(
                account.carrier, number, field=f"packages.{index}.tracking_number"
            )
    origin = channels.get_location(fo.location, uow=uow)
    shipper = origin.address if origin.address.name else replace(origin.address, name=origin.name)
    return _Prepared(
        fo=fo, order=order, kind=kind, shipper=shipper, recipient=destination, account=account
    )


def _check_units(packages: Sequence[Package], fo: FulfilmentOrder) -> None:
    """Units packed over all packages, line by line, within what the FO has open (422)."""
    problems = []
    open_units = {line.line_id: line.open for line in fo.lines}
    for line_id, units in units_of(packages).items():
        if units > open_units.get(line_id, 0):
            line = fo.line(line_id)
            problems.append(
                FieldProblem(
                    "packages",
                    f"{units} units of {line.sku} packed, {line.open} open on {fo.number}",
                )
            )
    if problems:
        raise Invalid("more units packed than the fulfilment order has open", problems=problems)


def _destination(
    fo: FulfilmentOrder, order: orders.Order, *, uow: UnitOfWork
) -> tuple[ShipmentKind, Address]:
    """To the customer, or for a pickup sourced away from the store, to the store (a
    transfer). A pickup at the sourcing store itself is handed over, never shipped."""
    if fo.delivery is Delivery.SHIP:
        to = order.shipping_address
        return ShipmentKind.PARCEL, to if to.name else replace(to, name=order.buyer.name)
    if fo.pickup_location is None or fo.pickup_location == fo.location:
        raise Conflict(
            f"fulfilment order {fo.number} is picked up at {fo.location}: hand it over, "
            "do not ship it",
            fulfilment_order=fo.number,
        )
    store = channels.get_location(fo.pickup_location, uow=uow)
    name = store.address.name or store.name
    return ShipmentKind.TRANSFER, replace(store.address, name=name)


def _labels(cmd: ShipPackages, prepared: _Prepared, carriers: Carriers) -> list[Label | None]:
    """A label per package without a tracking number (carrier calls; no transaction open)."""
    needed = [n is None for n in cmd.tracking_numbers]
    if not any(needed):
        return [None] * len(cmd.packages)
    carrier = carriers(prepared.account)
    fo, count = prepared.fo, len(cmd.packages)
    names = {line.line_id: line for line in fo.lines}
    found: list[Label | None] = []
    for index, package in enumerate(cmd.packages):
        if not needed[index]:
            found.append(None)
            continue
        request = LabelRequest(
            reference=f"{fo.number}-{index + 1}",
            order_number=fo.order_number,
            service=cmd.service or prepared.account.service,
            shipper=prepared.shipper,
            recipient=prepared.recipient,
            weight_grams=package.weight_grams,
            length_mm=package.length_mm,
            width_mm=package.width_mm,
            height_mm=package.height_mm,
            items=tuple(
                LabelItem(sku=names[i].sku, name=names[i].name, quantity=q)
                for i, q in package.lines.items()
            ),
            package_index=index + 1,
            package_count=count,
        )
        found.append(carrier.create_label(request))
    return found


def _store(
    cmd: ShipPackages, prepared: _Prepared, labels: Sequence[Label | None], *, uow: UnitOfWork
) -> Shipped:
    with uow.begin() as tx:
        orders.order_for_fulfilment(prepared.fo.order_id, uow=uow)
        repo = tx.repo(FULFILMENT_ORDERS)
        fo = repo.get(cmd.fulfilment_order_id, lock=True, visible_to_location=cmd.location_scope)
        if cmd.expected_version is not None and fo.version != cmd.expected_version:
            raise FulfilmentOrderChanged(str(fo.id))
        fo.ship_units(units_of(cmd.packages), at=tx.now)
        shipments_repo = tx.repo(SHIPMENTS)
        first = shipments_repo.count_for(fo.id) + 1
        made = []
        for position, (package, label) in enumerate(zip(cmd.packages, labels, strict=True)):
            given = cmd.tracking_numbers[position]
            shipment = _shipment(
                cmd, prepared, fo, package, label or given, first + position, tx.now
            )
            orders.ship_units(
                fo.order_id,
                location=fo.location,
                units=package.lines,
                reference=shipment.number,
                actor=cmd.actor,
                uow=uow,
            )
            shipments_repo.add(shipment, label=None if label is None else label.pdf)
            shipments_repo.add_event(_first_event(shipment, bought=label is not None))
            tx.record(_created(shipment))
            made.append(shipment)
        repo.save(fo)
        tx.record(*fo.drain_events())
        invoicing.issue_invoice_for_shipment(
            fo.order_id, units_of(cmd.packages), uow=uow, shipment_id=made[0].id
        )
    return Shipped(fulfilment_order_id=fo.id, order_id=fo.order_id, shipments=tuple(made))


def _shipment(
    cmd: ShipPackages,
    prepared: _Prepared,
    fo: FulfilmentOrder,
    package: Package,
    tracked_by: Label | str | None,
    index: int,
    now: datetime,
) -> Shipment:
    """The shipment of one package: tracked by the label bought for it, or by the tracking
    number given for it."""
    label = tracked_by if isinstance(tracked_by, Label) else None
    carrier = label.carrier if label else prepared.account.carrier
    number = (
        label.tracking_number if label else (tracked_by if isinstance(tracked_by, str) else None)
    )
    return Shipment(
        id=new_id(),
        number=shipment_number(fo.number, index),
        fulfilment_order_id=fo.id,
        order_id=fo.order_id,
        location_code=fo.location,
        carrier=carrier,
        service=(label.service if label else cmd.service or prepared.account.service or ""),
        tracking_number=number,
        tracking_url=label.tracking_url if label else (number and tracking_url(carrier, number)),
        status=TrackingStatus.LABEL_CREATED,
        weight_grams=package.weight_grams,
        length_mm=package.length_mm,
        width_mm=package.width_mm,
        height_mm=package.height_mm,
        label_format="PDF" if label else None,
        kind=prepared.kind,
        created_at=now,
        shipped_at=now,
        last_event_at=now,
        lines=tuple(
            ShipmentLine(line_id=i, sku=fo.line(i).sku, name=fo.line(i).name, quantity=q)
            for i, q in package.lines.items()
        ),
    )


def _first_event(s: Shipment, *, bought: bool) -> TrackingEvent:
    """Every shipment's history starts with its label (bought here, or made elsewhere)."""
    return TrackingEvent(
        id=new_id(),
        shipment_id=s.id,
        status=TrackingStatus.LABEL_CREATED,
        occurred_at=s.created_at,
        location=s.location_code,
        description="label created" if bought else "tracking number recorded",
        source=EventSource.API,
        received_at=s.created_at,
    )


def _created(s: Shipment) -> ShipmentCreated:
    return ShipmentCreated(
        aggregate_id=s.id,
        number=s.number,
        order_id=s.order_id,
        fulfilment_order_id=s.fulfilment_order_id,
        location=s.location_code,
        kind=s.kind.value,
        carrier=s.carrier,
        service=s.service,
        tracking_number=s.tracking_number,
        tracking_url=s.tracking_url,
        lines=tuple(
            PackedUnits(line_id=line.line_id, sku=line.sku, quantity=line.quantity)
            for line in s.lines
        ),
    )


def capture_shipped(
    shipped: Shipped, *, uow: UnitOfWork, providers: payments.Providers
) -> payments.ShipmentCapture | None:
    """After the commit: capture what the shipped units are worth when the order's channel
    captures at shipment (``payments.capture_shipped_value``: idempotent, so payments' consumer
    of ``orders.units_shipped.v1`` finds nothing left, or captures it if this process died
    first); None when the channel does not capture at shipment or nothing is owed."""
    return payments.capture_shipped_value(shipped.order_id, uow=uow, providers=providers)
