"""What every order action page does first and last: find the order as staff name it, run one
service call turning a domain error into form errors with the status the API would answer,
and point each problem the service names at the form field that caused it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from fastapi import Request
from starlette.datastructures import FormData

from oms import orders, payments
from oms.console.shell import FormErrors, Staff
from oms.console.shell.forms import text
from oms.console.shell.guard import CSRF_FIELD, uow_of
from oms.orders.services.references import order_by_reference
from oms.platform.problems import status_for
from oms.shared.errors import DomainError, FieldProblem

T = TypeVar("T")


def find_order(request: Request, staff: Staff, number: str) -> orders.Order:
    """The order named in the path (its number, or its id); 404 when there is none to see."""
    return order_by_reference(number, uow=uow_of(request), visible_to=staff.principal.channel_scope)


def order_path(order: orders.Order) -> str:
    return f"/console/orders/{order.number}"


def run(action: Callable[[], T]) -> tuple[T | None, DomainError | None]:
    """Run a service call; a domain error comes back (for the form) instead of a page."""
    try:
        return action(), None
    except DomainError as error:
        return None, error


def form_errors(
    error: DomainError,
    to_field: Callable[[str], str | None],
    *,
    whole: Mapping[str, str] | None = None,
) -> tuple[FormErrors, int]:
    """The error as messages next to the form's fields (``to_field`` maps a service's field
    path to a field name, or None), problems no field takes in the form's own message, and
    the status to answer. ``whole`` names the field an error code without fields belongs to
    (a refund above the caller's limit: the amount)."""
    found = FormErrors.of(error)
    fields: dict[str, str] = {}
    loose: list[str] = []
    for problem in getattr(error, "problems", []):
        assert isinstance(problem, FieldProblem)
        name = to_field(problem.field)
        if name is None:
            loose.append(problem.message)
        else:
            fields.setdefault(name, problem.message)
    if whole and error.code in whole:
        fields.setdefault(whole[error.code], error.detail)
    message = found.message if not loose else f"{found.message} ({'; '.join(loose)})"
    return FormErrors(message, fields, error.code), status_for(error)


def typed(form: FormData) -> dict[str, str]:
    """Every text field as typed (trimmed), to put back into the form (not the CSRF token)."""
    return {
        name: text(form, name)
        for name in form
        if name != CSRF_FIELD and isinstance(form.get(name), str)
    }


def too_long(values: Mapping[str, str], limits: Mapping[str, int]) -> list[FieldProblem]:
    """Fields longer than the API allows (the database would refuse them)."""
    return [
        FieldProblem(name, f"must be at most {limit} characters")
        for name, limit in limits.items()
        if len(values.get(name, "")) > limit
    ]


def problems_error(problems: list[FieldProblem], message: str) -> FormErrors:
    """Problems found in the form itself, before any service ran."""
    fields: dict[str, str] = {}
    for problem in problems:
        fields.setdefault(problem.field, problem.message)
    return FormErrors(message, fields)


def providers_of(request: Request) -> payments.Providers:
    """As the API's routes have them: the app's when it was given some, else this
    deployment's, built for the request."""
    given: payments.Providers | None = getattr(request.app.state, "payment_providers", None)
    if given is not None:
        return given
    return payments.build_providers(request.app.state.settings, uow_of(request))
