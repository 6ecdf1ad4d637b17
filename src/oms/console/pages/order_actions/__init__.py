"""The order actions that need a page of their own: an edit previewed then confirmed, a
goodwill refund, a return, exchange or claim, and resending a notification. The order page
(``pages.orders``) links here; each act uses the permission of the API route for it and acts
as the signed-in staff user."""

from fastapi import APIRouter

from oms.console.pages.order_actions import editing, refunding, resending, return_requests

router = APIRouter(include_in_schema=False)
for _desk in (editing, refunding, return_requests, resending):
    router.include_router(_desk.router)

__all__ = ["router"]
