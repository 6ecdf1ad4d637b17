"""Pickup in store: ready with a code, handed over with it, or, when nobody came, cancelled
back to stock.

The store is the FO's pickup location: its own location for a pickup sourced there, the
destination of the transfer otherwise. A key bound to a location works the pickups waiting at
its store (and, like any FO, those sourced at it).

Lock order (the contract's): a use case that changes the order takes the order's lock
(``orders.order_for_fulfilment``) before the FO's; ``ready`` and a new code change only the
FO and take only its lock. A wrong code is counted in its own committed transaction before
the refusal is raised, so a caller cannot roll its attempts back; for the same reason the
handover is never wrapped in an idempotent replay scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypedDict
from uuid import UUID

from oms import orders
from oms.fulfilment.domain import pickup
from oms.fulfilment.domain.errors import FulfilmentOrderNotFound, NotAPickup
from oms.fulfilment.domain.events import FulfilmentUnits
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder
from oms.fulfilment.domain.lifecycle import (
    FULFILMENT_ORDER_LIFECYCLE,
    Delivery,
    FulfilmentAction,
    FulfilmentOrderStatus,
)
from oms.fulfilment.domain.pickup_events import (
    PickedUp,
    PickupCodeRefused,
    PickupCodeReissued,
    ReadyForPickup,
    UncollectedPickupCancelled,
)
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS, FulfilmentOrders
from oms.fulfilment.repository.pickups import PICKUPS, ReadyPickup
from oms.fulfilment.services.settings import get_location_settings
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.errors import DomainError, IllegalTransition, Invalid

S = FulfilmentOrderStatus


@dataclass(frozen=True, slots=True)
class IssuedCode:
    """A pickup made ready (or given a new code): the FO, and the code, shown this once."""

    fulfilment_order: FulfilmentOrder
    code: str


def store_of(fo: FulfilmentOrder) -> str:
    """Where the customer collects: the pickup location, else the FO's own location."""
    return fo.pickup_location or fo.location


def mark_ready(
    fo_id: UUID, *, actor: str, uow: UnitOfWork, visible_to_location: str | None = None
) -> IssuedCode:
    """The units are at the store: issue a code and hold them for the store's pickup days.
    A pickup sourced at the store is ready after picking; a transfer once it arrived
    (shipped there)."""
    drawn = pickup.draw_code()  # scrypt's work before any lock is held
    with uow.begin() as tx:
        fos = tx.repo(FULFILMENT_ORDERS)
        fo = _get(fos, fo_id, lock=True, scope=visible_to_location)
        store = store_of(fo)
        if fo.delivery is Delivery.PICKUP and fo.location != store and fo.status is not S.SHIPPED:
            raise pickup.TransferNotArrived(fo.number, fo.location, store)
        expires_on = _expiry(store, tx, uow=uow)
        fo.mark_ready(drawn.hashed, expires_on, at=tx.now)
        fos.save(fo)
        tx.record(
            *fo.drain_events(),
            ReadyForPickup(
                **_about(fo, tx.now),
                order_number=fo.order_number,
                pickup_code=drawn.code,
                expires_on=expires_on,
                actor=actor,
            ),
        )
    return IssuedCode(fo, drawn.code)


def reissue_code(
    fo_id: UUID, *, actor: str, uow: UnitOfWork, visible_to_location: str | None = None
) -> IssuedCode:
    """A new code for a ready pickup (lost, or locked by wrong codes): the old one stops
    working, the attempts start again and the hold runs from today."""
    drawn = pickup.draw_code()
    with uow.begin() as tx:
        fos = tx.repo(FULFILMENT_ORDERS)
        fo = _get(fos, fo_id, lock=True, scope=visible_to_location)
        expires_on = _expiry(store_of(fo), tx, uow=uow)
        fo.reissue_code(drawn.hashed, expires_on, at=tx.now)
        fos.save(fo)
        tx.record(
            *fo.drain_events(),
            PickupCodeReissued(
                **_about(fo, tx.now),
                order_number=fo.order_number,
                pickup_code=drawn.code,
                expires_on=expires_on,
                actor=actor,
            ),
        )
    return IssuedCode(fo, drawn.code)


def hand_over(
    fo_id: UUID,
    code: str,
    *,
    actor: str,
    uow: UnitOfWork,
    visible_to_location: str | None = None,
) -> FulfilmentOrder:
    """Hand the units to the customer who gives the right code: in one transaction the FO is
    picked up, units picked at the store leave its stock (``orders.ship_units``; a transfer
    shipped them already) and the order counts them picked up (and may complete). A wrong
    code is counted (422); after ``MAX_ATTEMPTS`` the handover is locked (409)."""
    refusal: DomainError | None = None
    with uow.begin() as tx:
        fos = tx.repo(FULFILMENT_ORDERS)
        seen = _get(fos, fo_id, scope=visible_to_location)
        orders.order_for_fulfilment(seen.order_id, uow=uow)  # the order first: lock order
        fo = fos.get(fo_id, lock=True)
        FULFILMENT_ORDER_LIFECYCLE.next(fo.status, FulfilmentAction.HAND_OVER)
        if fo.pickup_code_attempts >= pickup.MAX_ATTEMPTS:
            raise pickup.PickupLocked(fo.number)
        if pickup.code_matches(code, fo.pickup_code_hash):
            _hand_over(fo, actor=actor, tx=tx, uow=uow)
        else:
            refusal = _count_wrong_code(fo, actor=actor, at=tx.now, tx=tx)
        fos.save(fo)
    if refusal is not None:
        raise refusal
    return fo


def _hand_over(fo: FulfilmentOrder, *, actor: str, tx: Transaction, uow: UnitOfWork) -> None:
    from_shelf = fo.hand_over(at=tx.now)
    if from_shelf:
        orders.ship_units(
            fo.order_id,
            location=fo.location,
            units=from_shelf,
            reference=fo.number,
            actor=actor,
            uow=uow,
        )
    collected = fo.shipped_units
    orders.deliver_units(fo.order_id, units=collected, how="picked_up", actor=actor, uow=uow)
    tx.record(
        *fo.drain_events(),
        PickedUp(
            **_about(fo, tx.now),
            order_number=fo.order_number,
            lines=_units(fo, collected),
            actor=actor,
        ),
    )


def _count_wrong_code(
    fo: FulfilmentOrder, *, actor: str, at: datetime, tx: Transaction
) -> DomainError:
    attempts = fo.count_wrong_code(at=at)
    locked = attempts >= pickup.MAX_ATTEMPTS
    tx.record(
        *fo.drain_events(),
        PickupCodeRefused(**_about(fo, at), attempts=attempts, locked=locked, actor=actor),
    )
    return pickup.WrongPickupCode(fo.number, pickup.MAX_ATTEMPTS - attempts)


def list_uncollected(
    *,
    uow: UnitOfWork,
    location: str | None = None,
    visible_to_location: str | None = None,
    limit: int = 200,
    after: tuple[date, str] | None = None,
) -> list[ReadyPickup]:
    """Ready pickups whose hold is over (the last day to collect has passed in the store's
    time zone), longest expired first: to call the customer, or to cancel back to stock."""
    store = location
    if visible_to_location is not None:
        if location not in (None, visible_to_location):
            return []
        store = visible_to_location
    with uow.read() as tx:
        # A day after UTC's today bounds every time zone's today; each store's own today
        # then decides (zones differ by less than a day from UTC either way).
        found = tx.repo(PICKUPS).ready_before(
            tx.now.date() + timedelta(days=1), store=store, limit=limit, after=after
        )
        todays = {s: _today(s, tx, uow=uow) for s in {p.pickup_location for p in found}}
    return [p for p in found if pickup.uncollected(p.expires_on, todays[p.pickup_location])]


def cancel_uncollected(
    fo_id: UUID,
    reason: str,
    *,
    actor: str,
    uow: UnitOfWork,
    visible_to_location: str | None = None,
) -> FulfilmentOrder:
    """Nobody came within the hold: the units go back to the store's stock, through the
    order's cancellation (so payments refund what was paid for them)."""
    if not reason.strip():
        raise Invalid("say why the pickup is cancelled", field="reason")
    with uow.begin() as tx:
        fos = tx.repo(FULFILMENT_ORDERS)
        seen = _get(fos, fo_id, scope=visible_to_location)
        order = orders.order_for_fulfilment(seen.order_id, uow=uow)
        fo = fos.get(fo_id, lock=True)
        if fo.status is not S.READY_FOR_PICKUP:
            raise IllegalTransition(
                f"only a ready pickup is cancelled as uncollected; {fo.number} is "
                f"{fo.status.value}",
                state=fo.status.value,
                action=FulfilmentAction.CANCEL.value,
            )
        if not pickup.uncollected(fo.pickup_expires_on, _today(store_of(fo), tx, uow=uow)):
            raise pickup.PickupNotExpired(fo.number, fo.pickup_expires_on)
        if fo.location != store_of(fo):
            raise pickup.TransferredPickupUncollected(fo.number)
        on_shelf = fo.open_units
        orders.cancel_order(
            orders.CancelOrder(
                order_id=order.id,
                reason=reason,
                actor=actor,
                lines=_with_waiting_units(order, on_shelf),
            ),
            uow=uow,
        )
        fo.cancel(at=tx.now)
        fos.save(fo)
        tx.record(
            *fo.drain_events(),
            UncollectedPickupCancelled(
                **_about(fo, tx.now),
                order_number=fo.order_number,
                reason=reason,
                lines=_units(fo, on_shelf),
                actor=actor,
            ),
        )
    return fo


def _with_waiting_units(order: orders.Order, on_shelf: dict[UUID, int]) -> dict[UUID, int]:
    """The shelf's units, and what still waits (backordered) for the same lines: an order's
    cancellation takes a line's waiting units first, so naming only the shelf's would leave
    them on it; and a customer who did not come for what was ready is not waited for."""
    return {
        line.id: on_shelf[line.id] + line.backordered_quantity
        for line in order.lines
        if line.id in on_shelf
    }


# -- helpers of this module ------------------------------------------------------------------


def _get(
    fos: FulfilmentOrders, fo_id: UUID, *, scope: str | None, lock: bool = False
) -> FulfilmentOrder:
    """The FO, if it is a pickup the caller may work: a bound key sees the pickups waiting at
    its store and those sourced at it; a shipped FO is not a pickup (409)."""
    fo = fos.get(fo_id, lock=lock)
    if scope is not None and scope not in (fo.location, store_of(fo)):
        raise FulfilmentOrderNotFound(str(fo_id))
    if fo.delivery is not Delivery.PICKUP:
        raise NotAPickup(fo.number)
    return fo


def _today(store: str, tx: Transaction, *, uow: UnitOfWork) -> date:
    """Today at the store (its fulfilment settings' time zone)."""
    return tx.now.astimezone(get_location_settings(store, uow=uow).zone).date()


def _expiry(store: str, tx: Transaction, *, uow: UnitOfWork) -> date:
    settings = get_location_settings(store, uow=uow)
    return pickup.expiry(tx.now.astimezone(settings.zone).date(), settings.pickup_hold_days)


class _About(TypedDict):
    aggregate_id: UUID
    number: str
    order_id: UUID
    location: str
    occurred_at: datetime


def _about(fo: FulfilmentOrder, at: datetime) -> _About:
    """The fields every pickup event carries; ``location`` is the store."""
    return _About(
        aggregate_id=fo.id,
        number=fo.number,
        order_id=fo.order_id,
        location=store_of(fo),
        occurred_at=at,
    )


def _units(fo: FulfilmentOrder, units: dict[UUID, int]) -> tuple[FulfilmentUnits, ...]:
    return tuple(
        FulfilmentUnits(line_id=line.line_id, sku=line.sku, quantity=units[line.line_id])
        for line in fo.lines
        if units.get(line.line_id, 0) > 0
    )
