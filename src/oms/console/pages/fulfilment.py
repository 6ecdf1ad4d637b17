"""The fulfilment desk: each location's queue of fulfilment orders (FOs), its printable pick
list, and (``fulfilment_orders``) one FO with the work its status allows (pick, pack for
pickup, ship with a carrier label or a tracking number, reject, hand over with the customer's
code) and its labels.

Warehouse and store staff bound to a location see and work what a key bound to it sees through
the API (``visible_location``): their location's FOs, and the pickups waiting at their store.
Another location's queue and FOs do not exist for them (404), as the API answers.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request, Response
from fastapi.responses import RedirectResponse

from oms import channels
from oms.console.pages import fulfilment_orders
from oms.console.pages.fulfilment_orders import scope_of
from oms.console.shell import ConsoleRequires, Staff, render
from oms.console.shell.guard import uow_of
from oms.fulfilment.domain.lifecycle import ACTIVE, FulfilmentOrderStatus
from oms.fulfilment.services import queues, workbench
from oms.orders.services.references import order_by_reference
from oms.platform.pagination import BY_TIME, encode_cursor, read_cursor
from oms.platform.security import Permission
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid, NotFound

router = fulfilment_orders.router
"""One router for the desk: the FO pages' and these."""

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.FULFILMENT_READ))]

PAGE = 50
S = FulfilmentOrderStatus


def _location(code: str, staff: Staff, uow: UnitOfWork) -> channels.Location:
    """The location, if the reader may see its queue (a bound user: only its own; 404 else)."""
    scope = scope_of(staff)
    if scope is not None and code != scope:
        raise channels.LocationNotFound(code)
    return channels.get_location(code, uow=uow)


def _status(raw: str | None) -> FulfilmentOrderStatus | None:
    if not raw:
        return None
    try:
        return FulfilmentOrderStatus(raw)
    except ValueError:
        raise Invalid(f"{raw!r} is not a fulfilment order status", field="status") from None


# -- locations and queues ---------------------------------------------------------------------


@router.get("/fulfilment")
def choose_location(
    request: Request, staff: Reader, late: bool = False, after: str | None = None
) -> Response:
    """Every location to choose from, or the late FOs of all of them (``?late=true``); a user
    bound to a location goes straight to its queue."""
    scope = scope_of(staff)
    if scope is not None:
        target = f"/console/fulfilment/{scope}" + ("?late=true" if late else "")
        return RedirectResponse(target, status_code=303)
    uow = uow_of(request)
    context: dict[str, Any] = {"late": late, "rows": [], "next_url": None}
    if late:
        found = queues.late_fulfilment_orders(
            uow=uow, limit=PAGE + 1, after=read_cursor(after, BY_TIME)
        )
        context.update(_page_of(found, "/console/fulfilment", {"late": "true"}))
    context["locations"] = channels.list_locations(uow=uow, after=None, limit=200)
    return render(request, "console/fulfilment/locations.html", context)


def _page_of(found: list[Any], path: str, query: dict[str, str]) -> dict[str, Any]:
    rows = found[:PAGE]
    next_url = None
    if len(found) > PAGE and rows:
        cursor = encode_cursor((rows[-1].ship_by, rows[-1].id))
        next_url = f"{path}?{urlencode({**query, 'after': cursor})}"
    return {"rows": rows, "next_url": next_url}


@router.get("/fulfilment/{location}")
def location_queue(
    request: Request,
    location: str,
    staff: Reader,
    status: str | None = None,
    late: bool = False,
    after: str | None = None,
    q: str | None = None,
) -> Response:
    """A location's FOs, oldest promise first (the order to work them in), late ones marked:
    the active ones, one status (``?status=``), or the late ones (``?late=true``); or, by the
    order number a customer gives at the counter (``?q=``), that order's FOs here (a pickup
    sent from a warehouse to this store included)."""
    uow = uow_of(request)
    place = _location(location, staff, uow)
    chosen = _status(status)
    cursor = read_cursor(after, BY_TIME)
    reference = (q or "").strip()[:60]
    if reference:
        found = _at_counter(reference, place.code, staff, uow)
    elif late:
        found = queues.late_fulfilment_orders(
            uow=uow,
            location=place.code,
            limit=PAGE + 1,
            after=cursor,
            visible_to_location=scope_of(staff),
        )
    else:
        found = queues.list_fulfilment_orders(
            uow=uow,
            location=place.code,
            statuses=(chosen,) if chosen else (),
            limit=PAGE + 1,
            after=cursor,
            visible_to_location=scope_of(staff),
        )
    query = {k: v for k, v in {"status": status or "", "late": "true" if late else ""}.items() if v}
    context = {
        "location": place,
        "q": reference,
        "status": chosen.value if chosen else "",
        "late": late,
        "statuses": [s.value for s in S],
        "active": sorted(s.value for s in ACTIVE),
        **_page_of(found, f"/console/fulfilment/{place.code}", query),
    }
    htmx = request.headers.get("HX-Request") == "true"
    template = "_queue_rows.html" if htmx else "queue.html"
    return render(request, "console/fulfilment/" + template, context)


def _at_counter(reference: str, location: str, staff: Staff, uow: UnitOfWork) -> list[Any]:
    try:
        order = order_by_reference(reference, uow=uow, visible_to=staff.principal.channel_scope)
    except NotFound:
        return []
    return workbench.fulfilment_orders_at(
        order.id, location, uow=uow, location_scope=scope_of(staff)
    )


@router.get("/fulfilment/{location}/pick-list")
def location_pick_list(request: Request, location: str, staff: Reader) -> Response:
    """What to take from the shelves for the location's waiting FOs, by bin (or SKU), with the
    order numbers each unit is for; printable."""
    uow = uow_of(request)
    place = _location(location, staff, uow)
    picks = workbench.location_pick_list(place.code, uow=uow, location_scope=scope_of(staff))
    return render(request, "console/fulfilment/pick_list.html", {"picks": picks})
