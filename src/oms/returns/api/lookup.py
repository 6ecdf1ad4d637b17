"""The customer's own return request (``POST /v1/orders/lookup/returns``, no API key): the order
by its number and the buyer's email, as the order lookup finds it.

Mounted before orders' router, whose ``/v1/orders/{order_id}`` paths would otherwise take it.
It spends the order lookup's own budgets (the same names: one bucket per client address and one
per order number, whichever of the two routes is called), so alternating between them gives a
guesser no more attempts; a wrong number and a wrong email answer alike (404). The answer is
the customer's cut of the return: no actors, no internal notes.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from oms import orders
from oms.platform.http import UoW
from oms.platform.problems import responses
from oms.platform.throttling import Budget, client_address, spend
from oms.returns.api.receiving import CarrierFactory
from oms.returns.schemas.returns import CustomerReturnOut, CustomerReturnRequestIn
from oms.returns.services import requests

router = APIRouter(prefix="/v1", tags=["returns"])

LOOKUPS_PER_CLIENT = Budget("orders.lookup.client", burst=30, period=60.0)
"""The order lookup's budget per client address (the same name: the same bucket)."""
LOOKUPS_PER_NUMBER = Budget("orders.lookup.number", burst=10, period=600.0)
"""The order lookup's budget per order number (the same name: the same bucket)."""
ERASED_DOMAIN = "invalid"
"""Erased buyers' pseudonyms end in ``@invalid``: no one requests a return with one."""


@router.post("/orders/lookup/returns", status_code=201, responses=responses(404, 409, 422, 429))
def request_customer_return(
    request: Request, body: CustomerReturnRequestIn, uow: UoW, carrier_factory: CarrierFactory
) -> CustomerReturnOut:
    """The customer asks for a return of their order's delivered units (no API key): the order
    number and the buyer's email, then line by line the units and why.

    Refused per line as a csr's request is (422: too many units, the window closed, not
    returnable); approved at once with its RMA when the channel's policy says so. A wrong
    number and a wrong email answer alike (404); each client address and each order number
    has a budget of attempts shared with the order lookup (429 with `Retry-After` beyond it).
    """
    spend(request, LOOKUPS_PER_CLIENT, client_address(request))
    spend(request, LOOKUPS_PER_NUMBER, body.number.strip().upper())
    if body.email.rpartition("@")[2].lower() == ERASED_DOMAIN:
        raise orders.OrderNotFound(body.number)
    made = requests.request_customer_return(
        requests.RequestCustomerReturn(
            number=body.number, email=body.email, lines=body.asked(), note=body.note
        ),
        uow=uow,
        carriers=carrier_factory,
    )
    return CustomerReturnOut.of(requests.get_return(made.id, uow=uow))
