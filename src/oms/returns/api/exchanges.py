"""HTTP route: a csr asks for an exchange (goods back, something else out in their place)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends

from oms.platform.http import UoW
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.returns.api.receiving import CarrierFactory
from oms.returns.schemas.exchanges import ExchangeIn, ExchangeOut
from oms.returns.services import exchanges, requests

router = APIRouter(prefix="/v1", tags=["returns"])

Requester = Annotated[Principal, Depends(Requires(Permission.RETURNS_REQUEST))]


@router.post(
    "/orders/{order_id}/exchanges",
    status_code=201,
    response_model=ExchangeOut,
    responses=responses(401, 403, 404, 409, 422),
)
def request_exchange(
    order_id: UUID,
    body: ExchangeIn,
    principal: Requester,
    uow: UoW,
    carrier_factory: CarrierFactory,
) -> ExchangeOut:
    """Ask for an exchange: delivered units sent back, each line with a reason and its
    replacement (another size or colour, or another product, at the channel's price).

    Lines are refused (422) as a return's are (units left, the window, returnable SKUs), and a
    replacement the channel does not sell (`lines.0.replacement.sku`). When the policy approves
    every reason, the exchange comes back approved with its RMA and label, and its replacement
    order placed (`exchange_order_id`, its stock held): it charges the price difference of a
    dearer replacement (held until paid) and waits for the returned goods unless the channel
    ships exchanges at once; a cheaper replacement's difference is refunded once the goods
    arrived. 409 when the replacement is not in stock.
    """
    request = exchanges.request_exchange(
        exchanges.RequestExchange(
            order_id=order_id,
            lines=tuple(line.exchanged() for line in body.lines),
            note=body.note,
            actor=principal.actor,
            visible_to=principal.channel_scope,
        ),
        uow=uow,
        carriers=carrier_factory,
    )
    stored = requests.get_return(request.id, uow=uow, visible_to=principal.channel_scope)
    return ExchangeOut.of_exchange(stored, exchanges.replacements_of(stored.id, uow=uow))
