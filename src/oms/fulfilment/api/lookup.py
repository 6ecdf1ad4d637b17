"""The customer's order lookup (``GET /v1/orders/lookup``, no API key): the order, where each
part of it is fulfilled, and its parcels' tracking.

Mounted before orders' router, whose ``/v1/orders/{order_id}`` would otherwise take the path.
It stays throttled as it was in orders: each client address and each order number has a budget
of attempts (429 with ``Retry-After``), and a wrong number and a wrong email answer alike.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from oms import orders
from oms.fulfilment.schemas.lookup import TrackedOrderOut
from oms.fulfilment.services.lookup import track_order
from oms.platform.http import UoW
from oms.platform.inputs import Email
from oms.platform.problems import responses
from oms.platform.throttling import Budget, client_address, spend

router = APIRouter(prefix="/v1", tags=["orders"])

LOOKUPS_PER_CLIENT = Budget("orders.lookup.client", burst=30, period=60.0)
"""30 lookups a minute from one address: a tracking page refreshed now and then, not guessing."""
LOOKUPS_PER_NUMBER = Budget("orders.lookup.number", burst=10, period=600.0)
"""10 lookups of one order number per 10 minutes, whatever the email: guessing the buyer's
email of a known number stops after ten tries."""
ERASED_DOMAIN = "invalid"
"""Erased buyers' pseudonyms end in ``@invalid`` (RFC 2606): no one looks an order up by one."""


@router.get("/orders/lookup", responses=responses(404, 422, 429))
def lookup_order(
    request: Request,
    uow: UoW,
    number: Annotated[str, Query(max_length=20, examples=["SO-10001"])],
    email: Annotated[Email, Query()],
) -> TrackedOrderOut:
    """The customer's view of one order, by its number and the buyer's email (no API key).

    The basis of the tracking page: status and items, each fulfilment order (status, where it
    is sourced or collected, its promise) and each parcel with its carrier, tracking number
    and link and every tracking event; no street address or contact details. A wrong number
    and a wrong email answer alike, in the same time. Each client address and each order
    number has a budget of attempts (429 with `Retry-After` beyond it).
    """
    spend(request, LOOKUPS_PER_CLIENT, client_address(request))
    spend(request, LOOKUPS_PER_NUMBER, number.strip().upper())
    if email.rpartition("@")[2].lower() == ERASED_DOMAIN:
        raise orders.OrderNotFound(number)
    return TrackedOrderOut.of(track_order(number, email, uow=uow))
