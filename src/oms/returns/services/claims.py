"""Claims: the customer is made whole without sending anything back (an item missing from the
parcel, one that arrived damaged, the wrong item sent), by a refund or a reship.

A claim is a return of kind ``claim`` (its own transition table: requested -> approved ->
completed, or declined). Staff who may decide (``returns:decide``) file it approved and
resolved at once; anyone else files it ``requested`` for the desk to approve, and the desk
resolves it (``resolve_claim``). A refund pays the claimed units at their share of the line's
total (no restocking fee: nothing is restocked), by the same decide-then-pay steps as a return
(``services.refunds``); a reship is a zero-priced linked order (``orders.place_linked_order``,
kind ``reship``) sourced and allocated like any placement in the same transaction as the
decision, so its stock is held the moment the claim is resolved.

Units a claim may name: shipped units of the line that no other claim or return holds
(``fulfilled - returned - asked back - claimed``); nothing needs to have been delivered (a
parcel that never arrived is a claim too).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from oms import orders, payments
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.returns.domain.lifecycle import ReturnKind, ReturnSource, ReturnStatus
from oms.returns.domain.refund_amounts import NO_FEE, KeptUnits, refund_for
from oms.returns.domain.returns import (
    NewReturn,
    Resolution,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    ShippingPayer,
)
from oms.returns.repository.resolutions import RESOLUTION, RETURN_REFUNDS, DecidedRefund
from oms.returns.repository.returns import RETURNS
from oms.returns.services import exchanges, refunds
from oms.returns.services.refunds import (
    Resolved,
    decide_refund,
    lock_return,
    pay_decided,
    unit_refunds,
    valued_units,
)
from oms.shared.errors import Conflict, FieldProblem, Invalid
from oms.shared.money import Money


class ClaimKind(StrEnum):
    ITEM_MISSING = "item_missing"
    ARRIVED_DAMAGED = "arrived_damaged"
    WRONG_ITEM = "wrong_item"


class ClaimResolution(StrEnum):
    REFUND = "refund"
    RESHIP = "reship"


@dataclass(frozen=True, kw_only=True)
class FileClaim:
    order_id: UUID
    kind: ClaimKind
    units: Mapping[UUID, int]
    """Claimed units per order line, in the request's order."""
    evidence: tuple[str, ...]
    resolution: ClaimResolution
    destination: payments.RefundDestination = payments.RefundDestination.ORIGINAL
    actor: str
    decides: bool
    """The caller may decide claims (``returns:decide``): filed approved and resolved."""


def file_claim(
    cmd: FileClaim,
    *,
    uow: UnitOfWork,
    providers: payments.Providers,
    visible_to: str | None = None,
) -> Resolved:
    """File a claim; resolved at once when the caller may decide, else left ``requested``."""
    with uow.begin() as tx:
        order = orders.order_for_payment(cmd.order_id, uow=uow, visible_to=visible_to)
        returns = tx.repo(RETURNS)
        _check_units(order, cmd.units, returns.for_order(order.id))
        claim = ReturnRequest.request(_new_claim(order, cmd), at=tx.now)
        returns.add(claim)
        _note(claim, f"Claim ({cmd.kind.value}) filed: {_units_text(claim)}", cmd.actor, uow)
        if cmd.decides:
            claim.approve(
                rma=returns.next_rma(),
                receiving_location=None,
                automatic=False,
                actor=cmd.actor,
                at=tx.now,
            )
            decided = _resolve(claim, order, cmd.resolution, cmd.destination, cmd.actor, tx, uow)
        else:
            decided = None
        returns.save(claim)
        tx.record(*claim.drain_events())
    refund = pay_decided(decided, uow=uow, providers=providers) if decided else None
    return Resolved(request=claim, decided=decided, refund=refund)


def resolve_claim(
    return_id: UUID,
    *,
    resolution: ClaimResolution,
    destination: payments.RefundDestination,
    actor: str,
    uow: UnitOfWork,
    providers: payments.Providers,
    visible_to: str | None = None,
) -> Resolved:
    """Resolve an approved claim by a refund or a reship; a resolved claim answers as it was
    resolved (nothing is refunded or reshipped twice)."""
    with uow.begin() as tx:
        claim = lock_return(return_id, uow=uow, tx=tx, visible_to=visible_to)
        if claim.kind is not ReturnKind.CLAIM:
            raise Conflict(f"{claim.reference} is a {claim.kind.value}, not a claim")
        decided = tx.repo(RETURN_REFUNDS).get(claim.id, RESOLUTION)
        if claim.status is not ReturnStatus.COMPLETED:
            order = orders.get_order(claim.order_id, uow=uow)
            decided = _resolve(claim, order, resolution, destination, actor, tx, uow)
            tx.repo(RETURNS).save(claim)
            tx.record(*claim.drain_events())
    refund = pay_decided(decided, uow=uow, providers=providers) if decided else None
    return Resolved(request=claim, decided=decided, refund=refund)


def _resolve(
    claim: ReturnRequest,
    order: orders.Order,
    resolution: ClaimResolution,
    destination: payments.RefundDestination,
    actor: str,
    tx: Transaction,
    uow: UnitOfWork,
) -> DecidedRefund | None:
    """Complete the claim (already approved and locked, its order locked first) by a refund
    decided now or a reship placed now."""
    if resolution is ClaimResolution.RESHIP:
        reship = orders.place_linked_order(
            order.id,
            kind="reship",
            return_id=claim.id,
            lines=[
                orders.LinkedLine(
                    sku=line.sku, quantity=line.quantity, unit_price=Money.zero(order.currency)
                )
                for line in claim.lines
            ],
            hold_until_return_received=False,
            actor=actor,
            uow=uow,
            rma=claim.number,
        )
        claim.link_exchange(reship.id, at=tx.now)
        claim.complete(Resolution.RESHIP, refund=None, at=tx.now)
        _note(claim, f"Claim {claim.reference} reshipped as {reship.number}", actor, uow)
        return None
    earlier = [r for r in tx.repo(RETURNS).for_order(order.id) if r.id != claim.id]
    amount = refund_for(
        _claimed(claim, order, valued_units(earlier)),
        shipping=Money.zero(order.currency),
        currency=order.currency,
    )
    decided = decide_refund(claim, amount.total, destination, actor=actor, tx=tx)
    claim.complete(
        Resolution.STORE_CREDIT
        if destination is payments.RefundDestination.STORE_CREDIT
        else Resolution.REFUND,
        refund=amount.total,
        unit_refunds=unit_refunds(amount),
        at=tx.now,
    )
    _note(claim, f"Claim {claim.reference} refunded {amount.total}", actor, uow)
    return decided


def _claimed(
    claim: ReturnRequest, order: orders.Order, before: Mapping[UUID, int]
) -> list[KeptUnits]:
    lines = {line.id: line for line in order.lines}
    return [
        KeptUnits(
            line_id=line.line_id,
            line_total=lines[line.line_id].total,
            billed_quantity=lines[line.line_id].billed_quantity,
            refunded_before=before.get(line.line_id, 0),
            quantity=line.quantity,
            fee=NO_FEE,
        )
        for line in claim.lines
    ]


def _check_units(
    order: orders.Order, units: Mapping[UUID, int], others: Sequence[ReturnRequest]
) -> None:
    """Every claimed line is the order's, with at least one unit and no more than its shipped
    units that no return or claim holds; one problem per bad line (``lines.0.quantity``)."""
    if not units:
        raise Invalid("name at least one line", field="lines")
    held: dict[UUID, int] = {}
    for other in others:
        if other.kind is ReturnKind.CLAIM and other.status not in (
            ReturnStatus.DECLINED,
            ReturnStatus.CANCELLED,
        ):
            for claimed in other.lines:
                held[claimed.line_id] = held.get(claimed.line_id, 0) + claimed.quantity
    lines = {line.id: line for line in order.lines}
    problems: list[FieldProblem] = []
    for index, (line_id, quantity) in enumerate(units.items()):
        line = lines.get(line_id)
        if line is None:
            problems.append(
                FieldProblem(f"lines.{index}.line_id", f"{order.number} has no such line")
            )
            continue
        left = (
            line.fulfilled_quantity
            - line.returned_quantity
            - line.return_requested_quantity
            - held.get(line_id, 0)
        )
        if quantity < 1 or quantity > left:
            problems.append(
                FieldProblem(
                    f"lines.{index}.quantity",
                    f"{quantity} of {line.sku} claimed, {max(left, 0)} shipped units can be",
                )
            )
    if problems:
        raise Invalid("the claim cannot be accepted", problems=problems)


def _new_claim(order: orders.Order, cmd: FileClaim) -> NewReturn:
    skus = {line.id: line.sku for line in order.lines}
    return NewReturn(
        order_id=order.id,
        order_number=order.number,
        channel=order.channel,
        currency=order.currency,
        kind=ReturnKind.CLAIM,
        source=ReturnSource.STAFF,
        return_shipping_paid_by=ShippingPayer.MERCHANT,
        lines=tuple(
            ReturnLine(
                line_id=line_id,
                sku=skus[line_id],
                quantity=quantity,
                reason=ReturnReason(cmd.kind.value),
            )
            for line_id, quantity in cmd.units.items()
        ),
        evidence=cmd.evidence,
        note=f"resolution asked: {cmd.resolution.value}",
        actor=cmd.actor,
    )


def _units_text(claim: ReturnRequest) -> str:
    return ", ".join(f"{line.quantity} × {line.sku}" for line in claim.lines)


def _note(claim: ReturnRequest, summary: str, actor: str, uow: UnitOfWork) -> None:
    orders.note_on_timeline(
        claim.order_id,
        kind="claim",
        summary=summary,
        details={"return_id": str(claim.id), "rma": claim.number},
        actor=actor,
        uow=uow,
    )


def resolve(
    return_id: UUID,
    *,
    resolution: ClaimResolution,
    destination: payments.RefundDestination,
    actor: str,
    uow: UnitOfWork,
    providers: payments.Providers,
    visible_to: str | None = None,
) -> Resolved:
    """The desk's resolve: a claim by ``resolution``, an exchange by its replacement
    (``exchanges.resolve_exchange``), any other return by its refund
    (``refunds.resolve_return``; ``resolution`` is for claims only)."""
    with uow.read() as tx:
        kind = tx.repo(RETURNS).get(return_id, visible_to=visible_to).kind
    if kind is ReturnKind.EXCHANGE:
        return exchanges.resolve_exchange(
            return_id, actor=actor, uow=uow, providers=providers, visible_to=visible_to
        )
    if kind is ReturnKind.CLAIM:
        return resolve_claim(
            return_id,
            resolution=resolution,
            destination=destination,
            actor=actor,
            uow=uow,
            providers=providers,
            visible_to=visible_to,
        )
    return refunds.resolve_return(
        return_id,
        destination=destination,
        actor=actor,
        uow=uow,
        providers=providers,
        visible_to=visible_to,
    )
