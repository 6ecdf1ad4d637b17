"""Editing an order: the form builds an order change, the preview shows its new totals, the
money difference and the stock it needs, and confirming applies that very preview.

The confirm form carries the preview's id and the order version it was made from (the API's
``If-Match``), so a preview the order has moved past since is refused with a clear message
instead of applying something nobody saw; it also carries what was typed, so the refusal
shows the same form again, ready to preview anew.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms import channels, orders
from oms.console.pages.order_actions.edit_form import (
    ADD_ROWS,
    ADDRESS_FIELDS,
    Draft,
    defaults,
    editable_lines,
    read_draft,
)
from oms.console.pages.order_actions.lookup import (
    find_order,
    form_errors,
    order_path,
    problems_error,
    run,
    typed,
)
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.forms import text
from oms.console.shell.guard import uow_of
from oms.orders.domain import NotEditable
from oms.orders.pricing import ShippingMethod
from oms.platform.security import Permission

router = APIRouter(prefix="/console", include_in_schema=False)

Editor = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_EDIT))]
Form = Annotated[FormData, Depends(form_data)]
TEMPLATE = "console/orders/actions/edit.html"
CONFIRM_FIELDS = frozenset({"change_id", "version"})


@router.get("/orders/{number}/edit")
def edit_form(request: Request, number: str, staff: Editor) -> Response:
    order = find_order(request, staff, number)
    return _page(request, order, defaults(order))


@router.post("/orders/{number}/edit")
def preview_edit(request: Request, number: str, staff: Editor, form: Form) -> Response:
    """Preview the change the form asks for (nothing changes until it is confirmed)."""
    order = find_order(request, staff, number)
    values = typed(form)
    draft = read_draft(order, form)
    if draft.problems:
        errors = problems_error(draft.problems, "Some fields are not valid.")
        return _page(request, order, values, errors=errors, status=422)
    command = orders.PreviewChange(
        order_id=order.id, operations=tuple(draft.operations), actor=staff.principal.actor
    )
    change, error = run(
        lambda: orders.preview_change(
            command, uow=uow_of(request), visible_to=staff.principal.channel_scope
        )
    )
    if error is not None:
        errors, status = form_errors(error, draft.field_for)
        return _page(request, order, values, errors=errors, status=status)
    return _page(request, order, values, change=change, draft=draft)


@router.post("/orders/{number}/edit/confirm")
def confirm_edit(request: Request, number: str, staff: Editor, form: Form) -> Response:
    """Confirm the previewed change while the order is at the version it was previewed from."""
    order = find_order(request, staff, number)
    values = {k: v for k, v in typed(form).items() if k not in CONFIRM_FIELDS}
    try:
        change_id = UUID(text(form, "change_id"))
    except ValueError:
        refused = FormErrors("Preview the change first.", code="no-preview")
        return _page(request, order, values, errors=refused, status=422)
    command = orders.ConfirmChange(
        order_id=order.id,
        change_id=change_id,
        if_match=text(form, "version") or None,
        actor=staff.principal.actor,
    )
    _, error = run(
        lambda: orders.confirm_change(
            command, uow=uow_of(request), visible_to=staff.principal.channel_scope
        )
    )
    if error is not None:
        errors, status = form_errors(error, lambda _: None)
        fresh = find_order(request, staff, number)
        return _page(request, fresh, values, errors=errors, status=status)
    return RedirectResponse(f"{order_path(order)}?done=edited", status_code=303)


def _page(
    request: Request,
    order: orders.Order,
    values: dict[str, str],
    *,
    errors: FormErrors | None = None,
    change: orders.OrderChange | None = None,
    draft: Draft | None = None,
    status: int = 200,
) -> Response:
    blocked = None
    try:
        order.check_editable()
    except NotEditable as refused:
        blocked, status = refused.detail, 409 if status == 200 else status
    context: dict[str, Any] = {
        "order": order,
        "values": values,
        "errors": errors,
        "change": change,
        "operations": len(draft.operations) if draft else 0,
        "blocked": blocked,
        "lines": editable_lines(order),
        "add_rows": range(ADD_ROWS),
        "address_fields": ADDRESS_FIELDS,
        "methods": [method.value for method in ShippingMethod],
        "stores": _pickup_stores(request, order),
        "hidden": {k: v for k, v in values.items() if k not in CONFIRM_FIELDS},
    }
    return render(request, TEMPLATE, context, status=status)


def _pickup_stores(request: Request, order: orders.Order) -> list[tuple[str, str]]:
    """The stores serving the order's channel that offer pickup, as (code, name)."""
    uow = uow_of(request)
    channel = channels.get_channel(order.channel, uow=uow)
    found = channels.locations_by_codes(list(channel.location_codes), uow=uow)
    return sorted(
        (code, location.name)
        for code, location in found.items()
        if location.offers_pickup and location.active
    )
