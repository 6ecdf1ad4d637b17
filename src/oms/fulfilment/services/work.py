"""A location's work on its fulfilment orders: start picking, reject, and moving an order's open
units elsewhere (reroute).

Each use case is one transaction taking its locks in the system's order: the order (through
``orders.order_for_fulfilment``), then its fulfilment orders. A FO is read once without a lock
to learn its order (and to answer 404 to a key bound to another location), then locked after
its order. Whatever the FO does to the order goes through ``oms.orders`` in the same
transaction, and ``sync_fulfilment_orders`` then makes the FOs follow the order (a rejected FO's
units get a FO at the location they were re-sourced to).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from uuid import UUID

from oms import orders
from oms.fulfilment.domain.errors import NothingToReroute
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder, RejectReason
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.services.sync import sync_fulfilment_orders
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.errors import Invalid


@dataclass(frozen=True, kw_only=True)
class RejectFulfilmentOrder:
    fulfilment_order_id: UUID
    reason: RejectReason
    note: str | None
    actor: str
    visible_to_location: str | None = None


@dataclass(frozen=True, kw_only=True)
class RerouteOrder:
    """Move ``lines`` (line id -> units; every open line when None) of an order away from the
    ``away_from`` locations, to the next best location or a backorder."""

    order_id: UUID
    away_from: tuple[str, ...]
    reason: str
    actor: str
    lines: Mapping[UUID, int] | None = None
    visible_to: str | None = None
    """A channel key's channel: another channel's order does not exist for it."""


def start_fulfilment_order(
    fo_id: UUID, *, actor: str, uow: UnitOfWork, visible_to_location: str | None = None
) -> FulfilmentOrder:
    """Picking begins: the FO moves from open to in progress (409 when held or done)."""
    with uow.begin() as tx:
        _, fo = lock_for_work(fo_id, uow=uow, visible_to_location=visible_to_location)
        fo.start(actor=actor, at=tx.now)
        _save(fo, tx)
        orders.note_on_timeline(
            fo.order_id,
            kind="fulfilment_started",
            summary=f"{fo.number} started at {fo.location}",
            details={"fulfilment_order": fo.number, "location": fo.location},
            actor=actor,
            uow=uow,
        )
    return fo


def reject_fulfilment_order(cmd: RejectFulfilmentOrder, *, uow: UnitOfWork) -> FulfilmentOrder:
    """The location cannot fulfil the FO: its open units are re-sourced to the next best
    location (a new FO appears there) or backordered when none has them, and the order's
    timeline says why; all in one transaction."""
    with uow.begin() as tx:
        _, fo = lock_for_work(
            cmd.fulfilment_order_id, uow=uow, visible_to_location=cmd.visible_to_location
        )
        given_back = fo.reject(cmd.reason, cmd.note, actor=cmd.actor, at=tx.now)
        _save(fo, tx)
        why = f"{fo.number} rejected at {fo.location}: {cmd.reason.value.replace('_', ' ')}"
        orders.note_on_timeline(
            fo.order_id,
            kind="fulfilment_rejected",
            summary=f"{why} ({cmd.note})" if cmd.note else why,
            details={
                "fulfilment_order": fo.number,
                "location": fo.location,
                "reason": cmd.reason.value,
                "note": cmd.note,
                "units": {str(line): n for line, n in given_back.items()},
            },
            actor=cmd.actor,
            uow=uow,
        )
        if given_back:
            order = orders.reroute_order(
                fo.order_id,
                lines=given_back,
                away_from=(fo.location,),
                reason=why,
                actor=cmd.actor,
                uow=uow,
            )
            sync_fulfilment_orders(order, actor=cmd.actor, uow=uow)
    return fo


def reroute_order(cmd: RerouteOrder, *, uow: UnitOfWork) -> list[FulfilmentOrder]:
    """Staff move an order's open units away from some locations, without a rejection; 409
    when the order holds nothing there. The order's FOs afterwards."""
    if not cmd.away_from:
        raise Invalid("name at least one location to reroute away from", field="away_from")
    with uow.begin():
        order = orders.order_for_fulfilment(cmd.order_id, uow=uow, visible_to=cmd.visible_to)
        _check_open_at(order, cmd.away_from, cmd.lines)
        order = orders.reroute_order(
            order.id,
            lines=cmd.lines,
            away_from=cmd.away_from,
            reason=cmd.reason,
            actor=cmd.actor,
            uow=uow,
        )
        return sync_fulfilment_orders(order, actor=cmd.actor, uow=uow)


def _check_open_at(
    order: orders.Order, away_from: Collection[str], lines: Mapping[UUID, int] | None
) -> None:
    held = [
        a
        for a in order.allocations
        if a.location in away_from and a.quantity > 0 and (lines is None or a.line_id in lines)
    ]
    if not held:
        raise NothingToReroute(order.number, sorted(away_from))


def lock_for_work(
    fo_id: UUID, *, uow: UnitOfWork, visible_to_location: str | None = None
) -> tuple[orders.Order, FulfilmentOrder]:
    """Inside the caller's transaction: the FO's order, then the FO, both locked in the lock
    order (the FO is read once unlocked to learn its order). Another location's FO is
    ``FulfilmentOrderNotFound`` for a key bound to a location. Shipping and pickup start here."""
    with uow.begin() as tx:
        repo = tx.repo(FULFILMENT_ORDERS)
        order_id = repo.get(fo_id, visible_to_location=visible_to_location).order_id
        order = orders.order_for_fulfilment(order_id, uow=uow)
        return order, repo.get(fo_id, lock=True, visible_to_location=visible_to_location)


def save_fulfilment_order(fo: FulfilmentOrder, *, uow: UnitOfWork) -> None:
    """Inside the caller's transaction: store what changed and hand its events to the outbox."""
    with uow.begin() as tx:
        tx.repo(FULFILMENT_ORDERS).save(fo)
        tx.record(*fo.drain_events())


def _save(fo: FulfilmentOrder, tx: Transaction) -> None:
    tx.repo(FULFILMENT_ORDERS).save(fo)
    tx.record(*fo.drain_events())
