"""HTTP routes: resolving returns (refund or store credit), exchanges and claims.

A resolution moves money after the transaction that decides it (ADR 0010's two-step rule): the
decision and the refund's id commit together, payments is asked after, keyed by that id, so a
repeated or concurrent request refunds nothing more (it answers with the same refund). No
Idempotency-Key is needed for that: the return's own state bounds it.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from oms import payments
from oms.platform.http import UoW
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.schemas.resolutions import ClaimIn, ResolutionOut, ResolveIn
from oms.returns.services import claims
from oms.shared.errors import FieldProblem, Invalid

router = APIRouter(prefix="/v1", tags=["returns"])

Decider = Annotated[Principal, Depends(Requires(Permission.RETURNS_DECIDE))]
Requester = Annotated[Principal, Depends(Requires(Permission.RETURNS_REQUEST))]


async def payment_providers(request: Request) -> payments.Providers:
    """As payments' routes build them: the app's when given, else this deployment's."""
    given: payments.Providers | None = getattr(request.app.state, "payment_providers", None)
    if given is not None:
        return given
    state = request.app.state
    return payments.build_providers(state.settings, UnitOfWork(state.engine, state.clock))


PaymentProviders = Annotated[payments.Providers, Depends(payment_providers)]


@router.post(
    "/returns/{return_id}/resolve",
    response_model=ResolutionOut,
    responses=responses(403, 404, 409, 422),
)
def resolve_return(
    return_id: UUID,
    body: ResolveIn,
    principal: Decider,
    uow: UoW,
    providers: PaymentProviders,
) -> ResolutionOut:
    """Refund an inspected return and complete it: the units the merchant keeps (restocked,
    damaged, written off; not those returned to the customer) at what their order line cost,
    less the policy's restocking fee (waived by reasons such as `damaged`), plus the original
    shipping when the policy gives it back and the whole order came back. The money goes to the
    original tenders or to store credit, once: asking again answers with the same refund. A
    credit note follows. 409 when the return is not inspected yet. An approved claim is
    resolved by `resolution`: `refund` (its units' value, no fee) or `reship`."""
    resolved = claims.resolve(
        return_id,
        resolution=body.resolution,
        destination=body.destination,
        actor=principal.actor,
        uow=uow,
        providers=providers,
        visible_to=principal.channel_scope,
    )
    return ResolutionOut.of(resolved)


@router.post(
    "/orders/{order_id}/claims",
    status_code=201,
    response_model=ResolutionOut,
    responses=responses(403, 404, 409, 422),
)
def file_claim(
    order_id: UUID,
    body: ClaimIn,
    principal: Requester,
    uow: UoW,
    providers: PaymentProviders,
) -> ResolutionOut:
    """File a claim: an item missing, arrived damaged or the wrong item sent; nothing comes
    back. Staff who may decide claims (`returns:decide`) get it approved and resolved at once:
    `refund` pays the units' value back (to `destination`), `reship` places a zero-priced
    order for the same units, allocated now. Anyone else leaves it `requested` for the desk
    (`POST /v1/returns/{id}/approve`, then `/resolve`). Units: at most the line's shipped units
    no return or claim holds (422 per line)."""
    units: dict[UUID, int] = {}
    for index, line in enumerate(body.lines):
        if line.line_id in units:
            raise Invalid(
                "a line is named twice",
                problems=[FieldProblem(f"lines.{index}.line_id", "is named twice")],
            )
        units[line.line_id] = line.quantity
    resolved = claims.file_claim(
        claims.FileClaim(
            order_id=order_id,
            kind=body.kind,
            units=units,
            evidence=tuple(e.note for e in body.evidence),
            resolution=body.resolution,
            destination=body.destination,
            actor=principal.actor,
            decides=principal.can(Permission.RETURNS_DECIDE),
        ),
        uow=uow,
        providers=providers,
        visible_to=principal.channel_scope,
    )
    return ResolutionOut.of(resolved)
