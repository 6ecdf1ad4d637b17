"""The orders desk: find an order as you type, read everything about it on one page, and act on
it (hold and release, cancel units, add a note) as the role allows.

Each route takes the permission of the API route for the same act and passes the staff user's
channel scope and actor as the API does. The order page reads every context's part of the
order through that context's services (payments, fulfilment, returns, invoices, mail), each
shown only to roles with the API's read permission for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms import invoicing, orders
from oms.console.pages.orders_sections import order_sections, parse_list_query
from oms.console.shell import N_, ConsoleRequires, FormErrors, Staff, attempt, form_data, render
from oms.console.shell.forms import integer, optional, text
from oms.console.shell.guard import uow_of
from oms.invoicing.views import pdf_filename
from oms.orders import HoldReason, Order
from oms.orders.services.desk import AddNote, add_note, search_orders
from oms.orders.services.references import order_by_reference
from oms.platform.pagination import encode_cursor
from oms.platform.security import Permission
from oms.shared.errors import FieldProblem, Invalid

router = APIRouter(prefix="/console", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_READ))]
Holder = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_HOLD))]
Canceller = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_CANCEL))]
Noter = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_EDIT))]
"""A note is written by those who change orders (the API has no route for notes)."""
Form = Annotated[FormData, Depends(form_data)]

PAGE = 50
TEXT_LENGTH = 500
DONE = {
    "held": N_("The order is on hold."),
    "released": N_("The hold is released."),
    "cancelled": N_("The units are cancelled."),
    "noted": N_("Your note is on the timeline."),
    "edited": N_("The change is confirmed."),
    "resent": N_("The notification is queued again for the customer."),
}


@router.get("/orders")
def order_list(request: Request, staff: Reader) -> Response:
    query, errors = parse_list_query(request.query_params, uow=uow_of(request), staff=staff)
    found: list[Order] = []
    if errors is None:
        found = search_orders(
            query.filters,
            uow=uow_of(request),
            after=query.after,
            limit=PAGE + 1,
            sees_contacts=staff.principal.sees_contacts,
            visible_to=staff.principal.channel_scope,
        )
    shown = found[:PAGE]
    next_url = None
    if len(found) > PAGE:
        last = shown[-1]
        carried = {k: v for k, v in query.values.items() if v and k != "after"}
        carried["after"] = encode_cursor((last.placed_at, last.id))
        next_url = "/console/orders?" + urlencode(carried)
    context = {
        "orders": shown,
        "next_url": next_url,
        "values": query.values,
        "errors": errors,
        "choices": query.choices,
        "filtered": query.filtered,
    }
    htmx = request.headers.get("HX-Request") == "true"
    template = "console/orders/_rows.html" if htmx else "console/orders/list.html"
    return render(request, template, context, status=200 if errors is None else 422)


def _order(request: Request, staff: Staff, number: str) -> Order:
    return order_by_reference(number, uow=uow_of(request), visible_to=staff.principal.channel_scope)


def _order_page(
    request: Request,
    staff: Staff,
    order: Order,
    *,
    failed: str | None = None,
    errors: FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
) -> Response:
    """The order page; after a refused form, that form shows its errors and typed values."""
    context = order_sections(request, staff, order, uow=uow_of(request))
    done = request.query_params.get("done")
    context |= {
        "done": DONE.get(done or ""),
        "failed": failed,
        "errors": errors,
        "values": dict(values or {}),
        "hold_choices": [
            (r.value, r.value.replace("_", " "))
            for r in HoldReason
            if r is not HoldReason.RETURN_PENDING
        ],
    }
    status = 200 if errors is None else 422
    return render(request, "console/orders/order.html", context, status=status)


@router.get("/orders/{number}")
def order_page(request: Request, staff: Reader, number: str) -> Response:
    return _order_page(request, staff, _order(request, staff, number))


@router.get("/orders/{number}/invoices/{invoice_id}.pdf")
def invoice_pdf(request: Request, staff: Reader, number: str, invoice_id: UUID) -> Response:
    """The invoice or credit note as PDF, read with the staff session (the API's rules:
    ``orders:read``; a document whose buyer was erased only with ``customers:contacts``)."""
    order = _order(request, staff, number)
    document, pdf = invoicing.document_pdf(
        invoice_id,
        uow=uow_of(request),
        visible_to=staff.principal.channel_scope,
        sees_restricted=staff.can(Permission.CUSTOMERS_CONTACTS),
    )
    if document.order_id != order.id:
        raise invoicing.DocumentNotFound(str(invoice_id))
    disposition = f'inline; filename="{pdf_filename(document)}"'
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


def _done(order: Order, what: str) -> Response:
    return RedirectResponse(f"/console/orders/{order.number}?done={what}", status_code=303)


def _act(
    request: Request,
    staff: Staff,
    order: Order,
    form: FormData,
    name: str,
    action: Callable[[], object],
    renamed: Mapping[str, str] | None = None,
) -> Response:
    """Run the act; on a refusal show the page again with this form's errors and values (a
    domain error's field named as the form names it: ``renamed``)."""
    _, errors = attempt(action)
    if errors is not None:
        if renamed:
            fields = {renamed.get(k, k): message for k, message in errors.fields.items()}
            errors = FormErrors(errors.message, fields, errors.code)
        values = {key: value for key, value in form.multi_items() if isinstance(value, str)}
        values.pop("csrf", None)
        return _order_page(request, staff, order, failed=name, errors=errors, values=values)
    return _done(order, DONE_KEYS[name])


DONE_KEYS = {"hold": "held", "release": "released", "cancel": "cancelled", "note": "noted"}


def _instant(raw: str) -> datetime:
    """A ``datetime-local`` field's value, read as UTC (the console shows times in UTC)."""
    try:
        found = datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid("auto_release_at is not a date and time", field="auto_release_at") from None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _bounded(value: str, field: str) -> str:
    if len(value) > TEXT_LENGTH:
        raise Invalid(f"{field} holds at most {TEXT_LENGTH} characters", field=field)
    return value


@router.post("/orders/{number}/hold")
def hold_order(request: Request, staff: Holder, number: str, form: Form) -> Response:
    order = _order(request, staff, number)

    def hold() -> Order:
        reason = text(form, "reason")
        if reason not in {r.value for r in HoldReason}:
            raise Invalid("choose why the order is held", field="reason")
        release_at = optional(form, "auto_release_at")
        command = orders.PlaceHold(
            order_id=order.id,
            reason=HoldReason(reason),
            note=_bounded(text(form, "hold_note"), "note"),
            auto_release_at=_instant(release_at) if release_at else None,
            actor=staff.principal.actor,
        )
        return orders.place_hold(
            command, uow=uow_of(request), visible_to=staff.principal.channel_scope
        )

    return _act(request, staff, order, form, "hold", hold, {"note": "hold_note"})


@router.post("/orders/{number}/release")
def release_hold(request: Request, staff: Holder, number: str, form: Form) -> Response:
    order = _order(request, staff, number)

    def release() -> Order:
        try:
            hold_id = UUID(text(form, "hold_id"))
        except ValueError:
            raise Invalid("choose the hold to release", field="hold_id") from None
        command = orders.ReleaseHold(
            order_id=order.id,
            hold_id=hold_id,
            note=_bounded(text(form, "release_note"), "note"),
            actor=staff.principal.actor,
        )
        return orders.release_hold(
            command, uow=uow_of(request), visible_to=staff.principal.channel_scope
        )

    return _act(request, staff, order, form, "release", release, {"note": "release_note"})


def _cancelled_units(order: Order, form: FormData) -> dict[UUID, int] | None:
    """The units to cancel per line (None: the whole order), every bad field named at once."""
    if text(form, "whole") == "yes":
        return None
    units: dict[UUID, int] = {}
    problems: list[FieldProblem] = []
    for line in order.lines:
        name = f"qty-{line.id}"
        try:
            quantity = integer(form, name, default=0)
        except Invalid as error:
            problems.extend(error.problems)
            continue
        if quantity < 0 or quantity > line.open_quantity:
            problems.append(FieldProblem(name, f"between 0 and {line.open_quantity}"))
        elif quantity:
            units[line.id] = quantity
    if problems:
        raise Invalid("some quantities cannot be cancelled", problems=problems)
    if not units:
        raise Invalid("enter the units to cancel, or cancel the whole order", field="whole")
    return units


@router.post("/orders/{number}/cancel")
def cancel_order(request: Request, staff: Canceller, number: str, form: Form) -> Response:
    order = _order(request, staff, number)

    def cancel() -> Order:
        reason = _bounded(text(form, "cancel_reason"), "reason")
        units = _cancelled_units(order, form)
        if not reason:
            raise Invalid("say why the units are cancelled", field="reason")
        command = orders.CancelOrder(
            order_id=order.id, reason=reason, actor=staff.principal.actor, lines=units
        )
        return orders.cancel_order(
            command, uow=uow_of(request), visible_to=staff.principal.channel_scope
        )

    return _act(request, staff, order, form, "cancel", cancel, {"reason": "cancel_reason"})


@router.post("/orders/{number}/notes")
def note_order(request: Request, staff: Noter, number: str, form: Form) -> Response:
    order = _order(request, staff, number)
    command = AddNote(order_id=order.id, text=text(form, "note"), actor=staff.principal.actor)

    def note() -> None:
        add_note(command, uow=uow_of(request), visible_to=staff.principal.channel_scope)

    return _act(request, staff, order, form, "note", note)
