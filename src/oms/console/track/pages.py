"""The customer's pages: look an order up by its number and email, then follow it.

``POST /track`` spends the order lookup API's own budgets (the same names, so the same buckets:
one per client address and one per order number, whichever door a guesser knocks on) and
answers a wrong number and a wrong email alike. A found order sends the browser on to
``/track/{number}?t=<token>`` (``links``): the signed link, never the bare number, opens the
order page, its invoices' PDFs and the return form.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from oms import invoicing, orders
from oms.console.pages.session import same_origin
from oms.console.shell import render
from oms.console.shell.forms import text
from oms.console.shell.guard import uow_of
from oms.console.track import links, returning
from oms.console.track.access import (
    Anyone,
    Form,
    LinkInvalid,
    link_invalid_page,
    linked_order,
    order_context,
    order_url,
    remember_language,
)
from oms.fulfilment.api.lookup import ERASED_DOMAIN, LOOKUPS_PER_CLIENT, LOOKUPS_PER_NUMBER
from oms.invoicing.views import pdf_filename
from oms.platform.problems import HTTPProblem
from oms.platform.throttling import client_address, spend

router = APIRouter(include_in_schema=False)

NUMBER_LENGTH = 20
EMAIL_LENGTH = 320


def lookup_page(
    request: Request, values: dict[str, str], *, problem: str | None = None, status: int = 200
) -> Response:
    context = {"values": values, "problem": problem, "field_problems": {}}
    return remember_language(request, render(request, "track/lookup.html", context, status=status))


@router.get("/track")
def lookup_form(request: Request, _visitor: Anyone, number: str = "") -> Response:
    return lookup_page(request, {"number": number[:NUMBER_LENGTH], "email": ""})


@router.post("/track")
def look_up(request: Request, _visitor: Anyone, form: Form) -> Response:
    """Find the order by number and email; on to its page through a signed link."""
    same_origin(request)
    number, email = text(form, "number").upper(), text(form, "email")
    values = {"number": number, "email": email}
    if not number or not email or len(number) > NUMBER_LENGTH or len(email) > EMAIL_LENGTH:
        return render_missing(request, values)
    try:
        spend(request, LOOKUPS_PER_CLIENT, client_address(request))
        spend(request, LOOKUPS_PER_NUMBER, number)
    except HTTPProblem as refused:
        return throttled_page(request, values, refused)
    try:
        if email.rpartition("@")[2].lower() == ERASED_DOMAIN:
            raise orders.OrderNotFound(number)
        order = orders.lookup_order(number, email, uow=uow_of(request))
    except orders.OrderNotFound:
        return lookup_page(request, values, problem="not_found", status=404)
    more = {"lang": request.query_params["lang"]} if "lang" in request.query_params else {}
    return RedirectResponse(order_url(order.number, links.issue(request, order), **more), 303)


def render_missing(request: Request, values: dict[str, str]) -> Response:
    response = render(
        request,
        "track/lookup.html",
        {
            "values": values,
            "problem": "missing",
            "field_problems": {
                name: True
                for name, limit in (("number", NUMBER_LENGTH), ("email", EMAIL_LENGTH))
                if not values[name] or len(values[name]) > limit
            },
        },
        status=422,
    )
    return remember_language(request, response)


def throttled_page(request: Request, values: dict[str, str], refused: HTTPProblem) -> Response:
    """429 in the reader's language, with the API's ``Retry-After``."""
    wait = int((refused.headers or {}).get("Retry-After", "60"))
    context = {"values": values, "problem": "throttled", "minutes": max(1, -(-wait // 60))}
    context["field_problems"] = {}
    html = render(request, "track/lookup.html", context, status=429, headers=refused.headers)
    return remember_language(request, html)


@router.get("/track/{number}")
def order_page(
    request: Request, number: str, _visitor: Anyone, t: str | None = None, done: str = ""
) -> Response:
    """The order: status, items, parcels and their tracking, invoices, returns."""
    try:
        order = linked_order(request, number, t)
    except LinkInvalid:
        return remember_language(request, link_invalid_page(request))
    assert t is not None
    context = order_context(request, order, t) | {"done": done}
    return remember_language(request, render(request, "track/order.html", context))


@router.get("/track/{number}/invoices/{document_id}")
def invoice_pdf(
    request: Request, number: str, document_id: UUID, _visitor: Anyone, t: str | None = None
) -> Response:
    """One of the order's invoices or credit notes as PDF, for the holder of the link."""
    try:
        order = linked_order(request, number, t)
    except LinkInvalid:
        return link_invalid_page(request)
    uow = uow_of(request)
    if invoicing.get_document(document_id, uow=uow).order_id != order.id:
        raise invoicing.DocumentNotFound(str(document_id))
    document, pdf = invoicing.document_pdf(document_id, uow=uow)
    disposition = f'inline; filename="{pdf_filename(document)}"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


router.include_router(returning.router)
