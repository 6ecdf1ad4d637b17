"""Routes of return requests and decisions: a csr asks for a return of an order's delivered
lines, the returns desk lists, reads, approves, declines or cancels them.

A request needs no ``Idempotency-Key``: a retried request finds its units asked back already and
is refused for them, so it can never make a second return. Approval makes the label after its
commit (it may call a carrier), so it answers with the return as approved and labelled.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from oms.platform.http import UoW
from oms.platform.pagination import BY_TIME, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.returns.api.receiving import CarrierFactory
from oms.returns.domain.lifecycle import ReturnStatus
from oms.returns.domain.returns import ReturnReason, ReturnRequest
from oms.returns.repository.returns import ReturnFilter
from oms.returns.schemas.returns import DeclineIn, ReturnOut, ReturnRequestIn
from oms.returns.services import decisions, requests

router = APIRouter(prefix="/v1", tags=["returns"])

Reader = Annotated[Principal, Depends(Requires(Permission.RETURNS_READ))]
Requester = Annotated[Principal, Depends(Requires(Permission.RETURNS_REQUEST))]
Decider = Annotated[Principal, Depends(Requires(Permission.RETURNS_DECIDE))]


@router.post(
    "/orders/{order_id}/returns", status_code=201, responses=responses(401, 403, 404, 409, 422)
)
def request_return(
    order_id: UUID,
    body: ReturnRequestIn,
    principal: Requester,
    uow: UoW,
    carrier_factory: CarrierFactory,
) -> ReturnOut:
    """Ask for the return of delivered units, line by line with a reason.

    Each line that cannot come back is refused (422) with why, all at once: more units than
    delivered − returned − already asked back (`lines.0.quantity`), the return window closed
    (`lines.0.line_id`: "the return window closed on 2026-11-30 (30 days from delivery)"), or
    a SKU that is not returnable. When the channel's policy approves every line's reason, the
    return comes back approved, with its RMA, receiving location and label.
    """
    request = requests.request_return(
        requests.RequestReturn(
            order_id=order_id,
            lines=body.asked(),
            note=body.note,
            actor=principal.actor,
            visible_to=principal.channel_scope,
        ),
        uow=uow,
        carriers=carrier_factory,
    )
    return _fresh(request, principal, uow)


@router.get("/returns", responses=responses(401, 403, 422))
def list_returns(
    principal: Reader,
    uow: UoW,
    status: Annotated[ReturnStatus | None, Query()] = None,
    location: Annotated[str | None, Query(max_length=40)] = None,
    reason: Annotated[ReturnReason | None, Query()] = None,
    order_id: Annotated[UUID | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ReturnOut]:
    """Returns for the returns desk, newest first: by status, receiving location, a line's
    reason or order. A location-bound key sees the returns coming back to its location."""
    found = requests.list_returns(
        ReturnFilter(
            status=status,
            location=location,
            reason=reason,
            order_id=order_id,
            channel=principal.channel_scope,
        ),
        uow=uow,
        after=read_cursor(cursor, BY_TIME),
        limit=limit + 1,
        location_scope=principal.location_scope,
    )
    return Page.of(found, limit, lambda r: (r.created_at, r.id), ReturnOut.of)


@router.get("/returns/{return_id}", responses=responses(401, 403, 404))
def get_return(return_id: UUID, principal: Reader, uow: UoW) -> ReturnOut:
    """One return with its lines."""
    return _fresh(requests.get_return(return_id, uow=uow), principal, uow)


@router.post("/returns/{return_id}/approve", responses=responses(401, 403, 404, 409))
def approve_return(
    return_id: UUID, principal: Decider, uow: UoW, carrier_factory: CarrierFactory
) -> ReturnOut:
    """Approve a requested return: its RMA (`RMA-000001`), the location it goes back to (by
    the channel's rules) and its label; 409 from any other status."""
    request = decisions.approve_return(
        _decision(return_id, principal), uow=uow, carriers=carrier_factory
    )
    return _fresh(request, principal, uow)


@router.post("/returns/{return_id}/decline", responses=responses(401, 403, 404, 409, 422))
def decline_return(return_id: UUID, body: DeclineIn, principal: Decider, uow: UoW) -> ReturnOut:
    """Decline a requested return, saying why; its units may be asked back again."""
    command = _decision(return_id, principal, reason=body.reason)
    return ReturnOut.of(decisions.decline_return(command, uow=uow))


@router.post("/returns/{return_id}/cancel", responses=responses(401, 403, 404, 409))
def cancel_return(return_id: UUID, principal: Decider, uow: UoW) -> ReturnOut:
    """Cancel a return before its goods arrived (requested, approved or in transit)."""
    return ReturnOut.of(decisions.cancel_return(_decision(return_id, principal), uow=uow))


def _decision(return_id: UUID, principal: Principal, *, reason: str = "") -> decisions.DecideReturn:
    return decisions.DecideReturn(
        return_id=return_id,
        actor=principal.actor,
        reason=reason,
        visible_to=principal.channel_scope,
        location_scope=principal.location_scope,
    )


def _fresh(request: ReturnRequest, principal: Principal, uow: UoW) -> ReturnOut:
    """The return as stored now: an approval's label, made after its commit, is on it."""
    stored = requests.get_return(
        request.id,
        uow=uow,
        visible_to=principal.channel_scope,
        location_scope=principal.location_scope,
    )
    return ReturnOut.of(stored)
