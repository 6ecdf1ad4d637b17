"""The fulfilment context's routes. ``lookup_router`` (the customer's order lookup,
``/v1/orders/lookup``) is mounted before orders' router, whose ``/v1/orders/{order_id}`` would
otherwise take the path; ``router`` holds the rest."""

from fastapi import APIRouter

from oms.fulfilment.api import fulfilment_orders, lookup, pickups, shipments

lookup_router = lookup.router
router = APIRouter()
for _part in (fulfilment_orders, shipments, pickups):
    router.include_router(_part.router)
