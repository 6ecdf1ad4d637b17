"""The way back at the receiving location: a return travels (``mark_in_transit``), arrives
(``receive_return_units``) and is inspected (``inspect_return_units``).

Each step is one transaction in the system's lock order: the order's row first (through
``oms.orders``, which judges how many units may come back), then the return, then the stock
levels the inspection moves. The return is read once before the order is locked only to learn
which order it belongs to; the locked read that follows is the one that counts.

Arrival and inspection are kept apart on purpose. A parcel is scanned in when it arrives, but
nobody can say yet whether its units go back on the shelf: the ledger moves at inspection, one
``inventory.receive_return`` per line and disposition (``restock`` back to ``on_hand``,
``damaged`` on hand but unavailable, ``write_off`` gone, ``return_to_customer`` out again), and
the order counts the units returned in that same transaction, so the order's lines and the
ledger always agree. Units sent back to the customer are not returned: the order stops counting
them as asked back and they stay with the customer (``withdraw_return_units``).

A location-bound key works only the returns of its location: another location's return does not
exist for it (404), as with fulfilment orders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from oms import inventory, orders
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.returns.domain.returns import Disposition, ReturnRequest
from oms.returns.repository.returns import RETURNS
from oms.shared.errors import Conflict


@dataclass(frozen=True, kw_only=True)
class MarkInTransit:
    return_id: UUID
    tracking_number: str | None = None
    actor: str
    location_scope: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReceiveUnits:
    return_id: UUID
    units: Mapping[UUID, int]
    """Units arrived per return line (the order line's id), in the request's order."""
    actor: str
    location_scope: str | None = None


@dataclass(frozen=True, kw_only=True)
class InspectUnits:
    return_id: UUID
    units: Mapping[UUID, tuple[int, Disposition]]
    """Units inspected per return line, with what becomes of them, in the request's order."""
    actor: str
    location_scope: str | None = None


def mark_in_transit(cmd: MarkInTransit, *, uow: UnitOfWork) -> ReturnRequest:
    """The parcel is on its way back (a carrier's scan, or the customer says so)."""
    with uow.begin() as tx:
        request = _locked(tx, cmd.return_id, cmd.location_scope, uow=uow)
        request.mark_in_transit(cmd.tracking_number, at=tx.now)
        _note(
            request,
            kind="return_in_transit",
            summary=f"{request.reference} is on its way back to {request.receiving_location}",
            details={"tracking_number": request.label_tracking},
            actor=cmd.actor,
            uow=uow,
        )
        _save(tx, request)
    return request


def receive_return_units(cmd: ReceiveUnits, *, uow: UnitOfWork) -> ReturnRequest:
    """Units arrived at the receiving location; at most what each line still waits for (422
    per line beyond it). Nothing moves in stock yet: inspection decides where they go."""
    with uow.begin() as tx:
        request = _locked(tx, cmd.return_id, cmd.location_scope, uow=uow)
        location = _receiving_location(request)
        request.receive(cmd.units, location=location, actor=cmd.actor, at=tx.now)
        units = sum(cmd.units.values())
        _note(
            request,
            kind="return_received",
            summary=f"{request.reference}: {units} unit(s) arrived at {location}",
            details={"lines": {str(i): q for i, q in cmd.units.items()}, "location": location},
            actor=cmd.actor,
            uow=uow,
        )
        _save(tx, request)
    return request


def inspect_return_units(cmd: InspectUnits, *, uow: UnitOfWork) -> ReturnRequest:
    """Received units inspected: each line's units posted to the ledger by their disposition,
    and counted returned by the order (or, sent back to the customer, no longer asked back),
    all in one transaction. At most what each line received and has not had inspected."""
    with uow.begin() as tx:
        request = _locked(tx, cmd.return_id, cmd.location_scope, uow=uow)
        location = _receiving_location(request)
        request.inspect(cmd.units, location=location, actor=cmd.actor, at=tx.now)
        _post_to_stock(request, cmd, location, uow=uow)
        back = _units(cmd.units, kept=False)
        if back:
            orders.receive_returned_units(request.order_id, back, actor=cmd.actor, uow=uow)
        to_customer = _units(cmd.units, kept=True)
        if to_customer:
            orders.withdraw_return_units(request.order_id, to_customer, actor=cmd.actor, uow=uow)
        done = ", ".join(
            f"{q} × {request.line(i).sku} {d.value}" for i, (q, d) in cmd.units.items()
        )
        _note(
            request,
            kind="return_inspected",
            summary=f"{request.reference} inspected at {location}: {done}",
            details={
                "lines": {
                    str(i): {"quantity": q, "disposition": d.value}
                    for i, (q, d) in cmd.units.items()
                },
                "location": location,
            },
            actor=cmd.actor,
            uow=uow,
        )
        _save(tx, request)
    return request


def _post_to_stock(
    request: ReturnRequest, cmd: InspectUnits, location: str, *, uow: UnitOfWork
) -> None:
    """One ``inventory.receive_return`` per inspected line: its movements by disposition."""
    for line_id, (quantity, disposition) in cmd.units.items():
        inventory.receive_return(
            inventory.ReceiveReturn(
                sku=request.line(line_id).sku,
                location=location,
                quantity=quantity,
                disposition=inventory.ReturnDisposition(disposition.value),
                reference=request.reference,
                actor=cmd.actor,
            ),
            uow=uow,
        )


def _locked(
    tx: Transaction, return_id: UUID, location_scope: str | None, *, uow: UnitOfWork
) -> ReturnRequest:
    """The return, locked after its order (the lock order); another location's return does not
    exist for a location-bound caller."""
    returns = tx.repo(RETURNS)
    order_id = returns.get(return_id, at_location=location_scope).order_id
    orders.order_for_fulfilment(order_id, uow=uow)
    return returns.get(return_id, lock=True, at_location=location_scope)


def _receiving_location(request: ReturnRequest) -> str:
    if request.receiving_location is None:
        raise Conflict(
            f"return {request.reference} has no receiving location: nothing comes back for it",
            return_id=str(request.id),
        )
    return request.receiving_location


def _units(units: Mapping[UUID, tuple[int, Disposition]], *, kept: bool) -> dict[UUID, int]:
    """Units per line sent back to the customer (``kept``), or the others."""
    return {
        line_id: quantity
        for line_id, (quantity, disposition) in units.items()
        if (disposition is Disposition.RETURN_TO_CUSTOMER) is kept
    }


def _note(
    request: ReturnRequest,
    *,
    kind: str,
    summary: str,
    details: Mapping[str, object],
    actor: str,
    uow: UnitOfWork,
) -> None:
    orders.note_on_timeline(
        request.order_id,
        kind=kind,
        summary=summary,
        details={"return_id": str(request.id), "rma": request.number, **details},
        actor=actor,
        uow=uow,
    )


def _save(tx: Transaction, request: ReturnRequest) -> None:
    tx.repo(RETURNS).save(request)
    tx.record(*request.drain_events())
