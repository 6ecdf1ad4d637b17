"""The customer asks for a return from their order page (``/track/{number}/return``).

The form offers each line's units the channel's policy still lets come back, with the reasons
the policy knows and the resolution the customer would like (refund to the original payment or
store credit; the returns desk settles it when the goods are in). The request is the returns
API's customer request: the same service, the same lookup budgets, the same per-line refusals,
shown next to their line in the reader's language where oms knows the sentence.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms import fulfilment, orders, returns
from oms.console.pages.session import same_origin
from oms.console.shell import attempt
from oms.console.shell.forms import FormErrors, text
from oms.console.shell.guard import uow_of
from oms.console.shell.templating import render
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
from oms.fulfilment.api.lookup import LOOKUPS_PER_CLIENT, LOOKUPS_PER_NUMBER
from oms.platform.problems import HTTPProblem
from oms.platform.throttling import client_address, spend
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.errors import ReturnNotFound
from oms.returns.domain.returns import ReturnReason
from oms.returns.services import requests

router = APIRouter(include_in_schema=False)

RESOLUTIONS = ("refund", "store_credit")
NOTE_LENGTH = 800


def carriers_of(request: Request) -> fulfilment.Carriers:
    """As the returns API's routes find them: the app's when given, else karrio's."""
    given: fulfilment.Carriers | None = getattr(request.app.state, "carriers", None)
    return given if given is not None else fulfilment.karrio_carriers


def return_page(
    request: Request,
    order: orders.Order,
    token: str,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    context: dict[str, Any] = order_context(request, order, token)
    context |= {"values": values or {"resolution": "refund"}, "errors": errors}
    return remember_language(request, render(request, "track/return.html", context, status=status))


@router.get("/track/{number}/return")
def return_form(request: Request, number: str, _visitor: Anyone, t: str | None = None) -> Response:
    """What may come back, line by line, and the form to ask for it."""
    try:
        order = linked_order(request, number, t)
    except LinkInvalid:
        return remember_language(request, link_invalid_page(request))
    assert t is not None
    return return_page(request, order, t)


def asked_lines(form: FormData, order: orders.Order) -> tuple[list[AskedLine], dict[str, str]]:
    """The lines with a quantity above 0, and per field what is wrong with the form itself."""
    asked: list[AskedLine] = []
    problems: dict[str, str] = {}
    for line in order.lines:
        raw = text(form, f"quantity.{line.id}") or "0"
        if not raw.isdigit():
            problems[f"quantity.{line.id}"] = "quantity"
            continue
        if int(raw) == 0:
            continue
        reason = text(form, f"reason.{line.id}")
        if reason not in {r.value for r in ReturnReason}:
            problems[f"reason.{line.id}"] = "reason"
            continue
        asked.append(AskedLine(line_id=line.id, quantity=int(raw), reason=ReturnReason(reason)))
    return asked, problems


def line_errors(error: FormErrors, asked: list[AskedLine]) -> FormErrors:
    """The service names ``lines.0.quantity``; the form names fields by order line."""
    fields: dict[str, str] = {}
    for name, message in error.fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(asked):
                where = "reason" if parts[2] == "reason" else "quantity"
                fields.setdefault(f"{where}.{asked[index].line_id}", message)
                continue
        fields.setdefault(name, message)
    return FormErrors(error.message, fields, error.code)


@router.post("/track/{number}/return")
def ask_for_return(
    request: Request, number: str, _visitor: Anyone, form: Form, t: str | None = None
) -> Response:
    """Ask for the return; the policy may approve it at once."""
    same_origin(request)
    try:
        order = linked_order(request, number, t)
    except LinkInvalid:
        return remember_language(request, link_invalid_page(request))
    assert t is not None
    values = {name: value for name, value in form.items() if isinstance(value, str)}
    asked, problems = asked_lines(form, order)
    resolution = text(form, "resolution")
    note = text(form, "note")
    if resolution not in RESOLUTIONS:
        problems["resolution"] = "resolution"
    if len(note) > NOTE_LENGTH:
        problems["note"] = "note"
    if problems or not asked:
        errors = FormErrors("form", problems if asked or problems else {"lines": "none"}, "form")
        return return_page(request, order, t, values=values, errors=errors, status=422)
    try:
        spend(request, LOOKUPS_PER_CLIENT, client_address(request))
        spend(request, LOOKUPS_PER_NUMBER, order.number)
    except HTTPProblem as refused:
        errors = FormErrors("throttled", {}, "too-many-requests")
        page = return_page(request, order, t, values=values, errors=errors, status=429)
        page.headers.update(refused.headers or {})
        return page
    command = requests.RequestCustomerReturn(
        number=order.number,
        email=order.buyer.email,
        lines=tuple(asked),
        note=_note(resolution, note),
    )
    made, error = attempt(
        lambda: requests.request_customer_return(
            command, uow=uow_of(request), carriers=carriers_of(request)
        )
    )
    if error is not None or made is None:
        assert error is not None
        errors = line_errors(error, asked)
        return return_page(request, order, t, values=values, errors=errors, status=422)
    return RedirectResponse(order_url(order.number, t, done="return") + "#returns", 303)


def _note(resolution: str, note: str) -> str:
    """The customer's wish for the desk, in the desk's language, then their own words."""
    wish = "Customer prefers: " + ("store credit" if resolution == "store_credit" else "refund")
    return f"{wish}\n{note}" if note else wish


@router.get("/track/{number}/returns/{return_id}/label")
def return_label(
    request: Request, number: str, return_id: UUID, _visitor: Anyone, t: str | None = None
) -> Response:
    """The return's label or slip (PDF) to stick on the parcel, for the holder of the link."""
    try:
        order = linked_order(request, number, t)
    except LinkInvalid:
        return link_invalid_page(request)
    uow = uow_of(request)
    if returns.get_return(return_id, uow=uow).order_id != order.id:
        raise ReturnNotFound(str(return_id))
    rma, pdf = returns.return_label(return_id, uow=uow)
    disposition = f'inline; filename="{rma}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})
