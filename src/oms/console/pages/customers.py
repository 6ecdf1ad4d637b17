"""Customers: search as you type, the customer 360 page, notes, GDPR export and erasure.

Each act uses the API's permission for the same act: reading ``customers:read`` (a role
without ``customers:contacts`` sees the reduced profile the API gives it: no phone, addresses
or notes, the email only with marketing consent), notes ``customers:write``, the export
``customers:export`` and erasure ``customers:erase`` (admin only). The page's other sections
come from the contexts that own them, each shown only to roles that may read it: orders and
the buying figures (orders), store credit (payments). The Value block (lifetime value and
churn from the latest scoring run, ``oms.customer_value``) and the search's value and churn
filters read scores with ``customers:read``, as ``GET /v1/customers/{id}/value`` does.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms import customer_value, customers
from oms.console.shell import ConsoleRequires, FormErrors, Staff, attempt, form_data, render
from oms.console.shell.forms import text
from oms.console.shell.guard import uow_of
from oms.customers import Customer, CustomerNotFound
from oms.customers.schemas import CustomerExportOut
from oms.orders.services.insight import customer_figures, customer_orders
from oms.payments.services.credit import store_credit_statement
from oms.platform.pagination import BY_TIME, Code, SortKey, encode_cursor, read_cursor
from oms.platform.security import Permission
from oms.shared.errors import Invalid

router = APIRouter(prefix="/console", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.CUSTOMERS_READ))]
Writer = Annotated[Staff, Depends(ConsoleRequires(Permission.CUSTOMERS_WRITE))]
Exporter = Annotated[Staff, Depends(ConsoleRequires(Permission.CUSTOMERS_EXPORT))]
Eraser = Annotated[Staff, Depends(ConsoleRequires(Permission.CUSTOMERS_ERASE))]
Form = Annotated[FormData, Depends(form_data)]
Search = Annotated[str, Query(max_length=200)]
After = Annotated[str | None, Query(max_length=512)]
Threshold = Annotated[str, Query(max_length=40)]
BY_VALUE: SortKey[tuple[float, UUID, str]] = SortKey(tuple[float, UUID, Code])
"""The value list's keyset: (CLV in minor units or P(alive), customer id, currency)."""

PAGE = 25
ORDERS_PAGE = 20
NOTES_PAGE = 20
CREDIT_ENTRIES = 5

DONE = frozenset({"noted", "erased"})
"""The flash messages a redirect may ask for (``?done=``); the template words them."""


def found_customer(customer_id: str, request: Request) -> Customer:
    """The customer of the path; an id that is no UUID is as unknown as a missing one."""
    try:
        key = UUID(customer_id)
    except ValueError:
        raise CustomerNotFound(UUID(int=0)) from None
    return customers.get_customer(key, uow=uow_of(request))


def _next(path: str, params: dict[str, str], cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return f"{path}?{urlencode({**{k: v for k, v in params.items() if v}, 'after': cursor})}"


def _threshold(raw: str, field: str, *, percent: bool = False) -> Decimal | None:
    """A filter's number as typed (``250``, ``250.00``; a percentage for churn), or None."""
    raw = raw.strip().rstrip("%").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise Invalid(f"{field} must be a number", field=field) from None
    if not value.is_finite() or value < 0 or (percent and value > 100):
        limit = "from 0 to 100" if percent else "of 0 or more"
        raise Invalid(f"{field} must be a number {limit}", field=field)
    return value


def _value_results(
    request: Request, clv_min: Decimal | None, churn_min: Decimal | None, after: str | None
) -> dict[str, Any]:
    """Customers whose latest scores pass the value and churn filters (highest CLV first when a
    minimum value is given, else most at risk first), keyset paged."""
    order = (
        customer_value.ValueOrder.CLV if clv_min is not None else customer_value.ValueOrder.CHURN
    )
    found = customer_value.list_customer_values(
        uow=uow_of(request),
        clv_min=clv_min,
        churn_min=float(churn_min / 100) if churn_min is not None else None,
        order=order,
        after=read_cursor(after, BY_VALUE),
        limit=PAGE + 1,
    )
    shown = found[:PAGE]
    more = None
    if len(found) > PAGE:
        last = shown[-1]
        first = last.clv_minor if clv_min is not None else last.probability_alive
        more = encode_cursor((first, last.customer_id, last.currency))
    params = {"clv_min": str(clv_min or ""), "churn_min": str(churn_min or "")}
    return {"valued": shown, "next_url": _next("/console/customers", params, more)}


@router.get("/customers")
def search_customers(
    request: Request,
    staff: Reader,
    q: Search = "",
    after: After = None,
    clv_min: Threshold = "",
    churn_min: Threshold = "",
) -> Response:
    """Customers newest first, narrowed as the user types (name, email start, phone digits or
    customer number); a role without contact details cannot search by them. With a minimum
    lifetime value or churn risk, the scored customers that pass them instead."""
    value_min = _threshold(clv_min, "clv_min")
    risk_min = _threshold(churn_min, "churn_min", percent=True)
    context: dict[str, Any] = {
        "q": q,
        "clv_min": clv_min.strip(),
        "churn_min": churn_min.strip(),
        "contacts": staff.principal.sees_contacts,
        "valued": None,
    }
    if value_min is not None or risk_min is not None:
        context.update(found=[], **_value_results(request, value_min, risk_min, after))
    else:
        found = customers.list_customers(
            uow=uow_of(request),
            q=q.strip() or None,
            after=read_cursor(after, BY_TIME),
            limit=PAGE + 1,
            sees_contacts=staff.principal.sees_contacts,
        )
        shown = found[:PAGE]
        more = encode_cursor((shown[-1].created_at, shown[-1].id)) if len(found) > PAGE else None
        context.update(found=shown, next_url=_next("/console/customers", {"q": q.strip()}, more))
    if request.headers.get("HX-Request") == "true":
        return render(request, "console/customers/_results.html", context)
    return render(request, "console/customers/index.html", context)


def _orders_section(request: Request, customer: Customer, after: str | None) -> dict[str, Any]:
    uow = uow_of(request)
    found = customer_orders(
        customer.id, uow=uow, after=read_cursor(after, BY_TIME), limit=ORDERS_PAGE + 1
    )
    shown = found[:ORDERS_PAGE]
    more = encode_cursor((shown[-1].placed_at, shown[-1].id)) if len(found) > ORDERS_PAGE else None
    return {
        "orders": shown,
        "figures": customer_figures(customer.id, uow=uow),
        "orders_next": _next(f"/console/customers/{customer.id}", {}, more),
    }


def _notes_section(request: Request, customer: Customer, after: str | None) -> dict[str, Any]:
    found = customers.list_customer_notes(
        customer.id, uow=uow_of(request), before=read_cursor(after, BY_TIME), limit=NOTES_PAGE + 1
    )
    shown = found[:NOTES_PAGE]
    more = encode_cursor((shown[-1].created_at, shown[-1].id)) if len(found) > NOTES_PAGE else None
    path = f"/console/customers/{customer.id}"
    return {
        "notes": shown,
        "notes_next": f"{path}?{urlencode({'notes_after': more})}#notes" if more else None,
    }


def _profile_context(
    request: Request,
    staff: Staff,
    customer: Customer,
    *,
    after: str | None = None,
    notes_after: str | None = None,
) -> dict[str, Any]:
    """Everything the 360 page shows that this role may read."""
    uow = uow_of(request)
    contacts = staff.principal.sees_contacts
    context: dict[str, Any] = {
        "customer": customer,
        "contacts": contacts,
        "shows_email": contacts or customer.marketing_consent,
        "consents": customers.consent_history(customer.id, uow=uow),
        "orders": None,
        "figures": None,
        "orders_next": None,
        "credit": None,
        "notes": None,
        "notes_next": None,
        "errors": None,
        "values": {},
        "done": done if (done := request.query_params.get("done")) in DONE else None,
    }
    if staff.can(Permission.ORDERS_READ):
        context.update(_orders_section(request, customer, after))
    if staff.can(Permission.PAYMENTS_READ):
        context["credit"] = store_credit_statement(customer.id, uow=uow, limit=CREDIT_ENTRIES)
    if contacts:
        context.update(_notes_section(request, customer, notes_after))
    try:
        context["value_scores"] = customer_value.customer_value(customer.id, uow=uow)
    except customer_value.NoCustomerValue:
        context["value_scores"] = []
    return context


@router.get("/customers/{customer_id}")
def customer_page(
    request: Request,
    staff: Reader,
    customer_id: str,
    after: After = None,
    notes_after: After = None,
) -> Response:
    """The customer 360: profile, addresses, consent, orders in every channel with the buying
    figures, lifetime value and churn, store credit and notes. ``after`` pages the orders (an
    htmx request gets the rows), ``notes_after`` the notes (keyset paging, newest first, both)."""
    customer = found_customer(customer_id, request)
    context = _profile_context(request, staff, customer, after=after, notes_after=notes_after)
    if request.headers.get("HX-Request") == "true":
        return render(request, "console/customers/_orders.html", context)
    return render(request, "console/customers/show.html", context)


@router.post("/customers/{customer_id}/notes")
def add_note(request: Request, staff: Writer, customer_id: str, form: Form) -> Response:
    """Write a note on the customer's record (who and when are recorded with it)."""
    customer = found_customer(customer_id, request)
    body = text(form, "body")
    command = customers.AddCustomerNote(
        customer_id=customer.id, body=body, author=staff.principal.actor
    )
    _, errors = attempt(lambda: customers.add_customer_note(command, uow=uow_of(request)))
    if errors is not None:
        if not errors.fields:
            errors = FormErrors(errors.message, {"body": errors.message}, errors.code)
        context = _profile_context(request, staff, customer)
        context.update(errors=errors, values={"body": body})
        return render(request, "console/customers/show.html", context, status=422)
    return RedirectResponse(f"/console/customers/{customer.id}?done=noted#notes", status_code=303)


@router.get("/customers/{customer_id}/export")
def export_customer(request: Request, staff: Exporter, customer_id: str) -> Response:
    """The GDPR export as the API gives it (a JSON attachment); the export is recorded with
    the staff user who asked."""
    customer = found_customer(customer_id, request)
    command = customers.ExportCustomer(customer_id=customer.id, requested_by=staff.principal.key_id)
    data = customers.export_customer(command, uow=uow_of(request))
    return Response(
        CustomerExportOut.of(data).model_dump_json(),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="customer-{data.customer.number}.json"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/customers/{customer_id}/erase")
def erase_form(request: Request, _staff: Eraser, customer_id: str) -> Response:
    """Erasure asks first: the user types the customer's email to confirm."""
    customer = found_customer(customer_id, request)
    context: dict[str, Any] = {"customer": customer, "errors": None, "values": {}}
    return render(request, "console/customers/erase.html", context)


@router.post("/customers/{customer_id}/erase")
def erase_customer(request: Request, staff: Eraser, customer_id: str, form: Form) -> Response:
    """Pseudonymise the customer with the API's erasure service, once the typed email matches."""
    customer = found_customer(customer_id, request)
    typed = text(form, "email")
    if customer.erased:
        errors = FormErrors("this customer is already erased")
    elif typed.casefold() != customer.email.casefold():
        message = "type the customer's email exactly as shown to confirm"
        errors = FormErrors("the email does not match the customer's", {"email": message})
    else:
        command = customers.EraseCustomer(
            customer_id=customer.id, requested_by=staff.principal.key_id
        )
        customers.erase_customer(command, uow=uow_of(request))
        return RedirectResponse(f"/console/customers/{customer.id}?done=erased", status_code=303)
    context: dict[str, Any] = {"customer": customer, "errors": errors, "values": {"email": typed}}
    return render(request, "console/customers/erase.html", context, status=422)
