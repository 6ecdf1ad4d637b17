"""Deciding a return: approve (an RMA, the location it goes back to, then its label), decline,
or cancel it before its goods arrive.

Each decision locks the order first, then the return (the system's lock order), changes the
return through its aggregate, writes the order's side in the same transaction (a declined or
cancelled return's units are no longer asked back on the order; an approval goes on the order's
timeline) and records the return's events. The label is made after the commit: it may buy one
from a carrier, and no transaction stays open around a network call. A carrier that fails
leaves the return approved without a label (``POST /v1/returns/{id}/label`` tries again).

Deciding is the returns desk's: a key bound to a location (a warehouse's) receives and
inspects returns but never decides them, whatever its role.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import structlog

from oms import fulfilment, orders, sourcing
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.lifecycle import ReturnKind
from oms.returns.domain.returns import ReturnRequest
from oms.returns.repository.returns import RETURNS
from oms.returns.services.keeping import keep_if_allowed
from oms.returns.services.labels import make_return_label
from oms.returns.services.replacements import place_exchange_order
from oms.shared.errors import Forbidden

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class DecideReturn:
    return_id: UUID
    actor: str
    reason: str = ""
    """Why it was declined (a decline needs one); a note for the other decisions."""
    visible_to: str | None = None
    """A channel key's channel: another channel's return does not exist for it."""
    location_scope: str | None = None
    """A location-bound key's location: such a key may not decide."""


def approve_return(
    command: DecideReturn, *, uow: UnitOfWork, carriers: fulfilment.Carriers | None = None
) -> ReturnRequest:
    """Approve a requested return: its RMA and receiving location, then its label."""
    with uow.begin() as tx:
        request, order = _locked(command, uow)
        approve(request, order, actor=command.actor, automatic=False, uow=uow)
        tx.repo(RETURNS).save(request)
        tx.record(*request.drain_events())
    label_approved(request, uow=uow, carriers=carriers, actor=command.actor)
    return request


def decline_return(command: DecideReturn, *, uow: UnitOfWork) -> ReturnRequest:
    """Decline a requested return (with a reason); its units are no longer asked back."""
    with uow.begin() as tx:
        request, order = _locked(command, uow)
        units = request.decline(command.reason, actor=command.actor, at=tx.now)
        orders.withdraw_return_units(order.id, units, actor=command.actor, uow=uow)
        tx.repo(RETURNS).save(request)
        tx.record(*request.drain_events())
    return request


def cancel_return(command: DecideReturn, *, uow: UnitOfWork) -> ReturnRequest:
    """Cancel a return before its goods arrived; the units not received are no longer asked
    back on the order."""
    with uow.begin() as tx:
        request, order = _locked(command, uow)
        units = request.cancel(actor=command.actor, at=tx.now)
        if units:
            orders.withdraw_return_units(order.id, units, actor=command.actor, uow=uow)
        tx.repo(RETURNS).save(request)
        tx.record(*request.drain_events())
    return request


def approve(
    request: ReturnRequest,
    order: orders.Order,
    *,
    actor: str,
    automatic: bool,
    uow: UnitOfWork,
) -> None:
    """The approval itself, in the caller's transaction with the order locked: the next RMA,
    the location the goods go back to (none for a claim: nothing comes back) and the order's
    timeline; an exchange's replacement order is placed (its stock held now), and a return
    whose goods the customer keeps under the policy's threshold is completed with its refund
    decided. The caller saves the return and records its events."""
    location = None
    if request.kind is not ReturnKind.CLAIM:
        location = sourcing.choose_return_location(
            order.channel, order.shipping_address, uow=uow
        ).code
    with uow.begin() as tx:
        rma = tx.repo(RETURNS).next_rma()
        request.approve(
            rma=rma, receiving_location=location, automatic=automatic, actor=actor, at=tx.now
        )
    how = "automatically" if automatic else "by the returns desk"
    orders.note_on_timeline(
        order.id,
        kind="return_approved",
        summary=f"Return {rma} approved {how}"
        + (f", to be sent back to {location}" if location else ""),
        details={"return_id": str(request.id), "rma": rma, "receiving_location": location},
        actor=actor,
        uow=uow,
    )
    place_exchange_order(request, order, actor=actor, uow=uow)
    keep_if_allowed(request, order, actor=actor, uow=uow)


def label_approved(
    request: ReturnRequest,
    *,
    uow: UnitOfWork,
    carriers: fulfilment.Carriers | None,
    actor: str,
) -> None:
    """After the approval's commit: the return's label (none for a claim). A carrier that
    refuses leaves the return approved and unlabelled; the label route tries again."""
    if request.kind is ReturnKind.CLAIM or not request.open:
        return  # a claim, or goods the customer keeps: nothing travels
    try:
        make_return_label(
            request.id, uow=uow, carriers=carriers or fulfilment.karrio_carriers, actor=actor
        )
    except fulfilment.CarrierFailed as failed:
        log.warning("return label not made", rma=request.number, error=str(failed))


def _locked(command: DecideReturn, uow: UnitOfWork) -> tuple[ReturnRequest, orders.Order]:
    """The return and its order, the order locked first, then the return."""
    if command.location_scope is not None:
        raise Forbidden(f"a key bound to location {command.location_scope} does not decide returns")
    with uow.begin() as tx:
        repo = tx.repo(RETURNS)
        seen = repo.get(command.return_id, visible_to=command.visible_to)
        order = orders.order_for_fulfilment(seen.order_id, uow=uow)
        return repo.get(seen.id, lock=True), order
