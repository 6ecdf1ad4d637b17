"""The returns context's routes. ``lookup_router`` (the customer's own return request,
``/v1/orders/lookup/returns``) is mounted before orders' router, whose ``/v1/orders/{order_id}``
paths would otherwise take it; ``router`` holds the rest."""

from fastapi import APIRouter

from oms.returns.api import exchanges, lookup, policies, receiving, resolutions, returns

lookup_router = lookup.router
router = APIRouter()
for _part in (policies, returns, exchanges, receiving, resolutions):
    router.include_router(_part.router)
