"""A goodwill refund of an order: money back not tied to a return, within the caller's limit.

The page shows what the order's tenders captured, what went back already (and how much of it
as goodwill), what they can still give back and the caller's own limit; the form names the
amount, a configured reason, where the money goes and a note for the team. It runs the
payments context's refund (limits, reasons, spreading over the tenders, the providers) as the
API's route does. The form carries the refund's id, chosen when the form was shown, so sending
the same form twice (a double click, the back button) refunds once.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms import orders, payments
from oms.console.pages.order_actions.lookup import (
    find_order,
    form_errors,
    problems_error,
    providers_of,
    run,
    too_long,
    typed,
)
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.payments.domain.refund_policy import refundable_now
from oms.payments.services import goodwill
from oms.platform.inputs import exact_money
from oms.platform.security import Permission
from oms.shared.errors import FieldProblem
from oms.shared.ids import new_id
from oms.shared.money import Money

router = APIRouter(prefix="/console", include_in_schema=False)

Refunder = Annotated[Staff, Depends(ConsoleRequires(Permission.PAYMENTS_REFUND))]
Form = Annotated[FormData, Depends(form_data)]
TEMPLATE = "console/orders/actions/refund.html"
LIMITS = {"note": 1000, "reason": 40}
AMOUNT_FIELDS = frozenset({"amount", "amount.amount", "amount.currency"})
OUTCOMES = frozenset({"completed", "pending", "failed"})


@router.get("/orders/{number}/refund")
def refund_form(request: Request, number: str, staff: Refunder, done: str = "") -> Response:
    order = find_order(request, staff, number)
    values = {"destination": payments.RefundDestination.ORIGINAL.value, "refund_id": str(new_id())}
    return _page(request, staff, order, values, done=done if done in OUTCOMES else None)


@router.post("/orders/{number}/refund")
def refund(request: Request, number: str, staff: Refunder, form: Form) -> Response:
    """Refund the amount as goodwill; above the caller's limit the amount says so (403)."""
    order = find_order(request, staff, number)
    values = typed(form)
    problems = too_long(values, LIMITS)
    amount = _amount(values.get("amount", ""), order.currency, problems)
    if not values.get("reason"):
        problems.append(FieldProblem("reason", "choose a reason"))
    try:
        destination = payments.RefundDestination(values.get("destination", ""))
    except ValueError:
        problems.append(FieldProblem("destination", "choose where the money goes"))
    if problems or amount is None:
        errors = problems_error(problems, "Some fields are not valid.")
        return _page(request, staff, order, values, errors=errors, status=422)
    refund_id = _refund_id(values)
    values["refund_id"] = str(refund_id)
    done, error = run(
        lambda: payments.refund_order(
            order.id,
            amount,
            values["reason"],
            destination,
            actor=staff.principal.actor,
            role=staff.principal.role,
            note=values.get("note", ""),
            uow=uow_of(request),
            providers=providers_of(request),
            visible_to=staff.principal.channel_scope,
            refund_id=refund_id,
        )
    )
    if error is not None:
        errors, status = form_errors(
            error,
            lambda path: "amount" if path in AMOUNT_FIELDS else path,
            whole={"refund-above-limit": "amount"},
        )
        return _page(request, staff, order, values, errors=errors, status=status)
    assert done is not None
    target = f"/console/orders/{order.number}/refund?done={done.status}"
    return RedirectResponse(target, status_code=303)


def _amount(raw: str, currency: str, problems: list[FieldProblem]) -> Money | None:
    """The typed amount in the order's currency, exact (``12.345 EUR`` is refused)."""
    try:
        amount = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        problems.append(FieldProblem("amount", "must be an amount such as 12.50"))
        return None
    if not amount.is_finite() or amount <= 0:
        problems.append(FieldProblem("amount", "must be positive"))
        return None
    money, error = run(lambda: exact_money(amount, currency, field="amount"))
    if error is not None:
        problems.extend(FieldProblem("amount", p.message) for p in getattr(error, "problems", []))
    return money


def _refund_id(values: dict[str, str]) -> UUID:
    """The id the form was shown with (a resent form refunds once), else a new one."""
    try:
        return UUID(values.get("refund_id", ""))
    except ValueError:
        return new_id()


def _page(
    request: Request,
    staff: Staff,
    order: orders.Order,
    values: dict[str, str],
    *,
    errors: FormErrors | None = None,
    done: str | None = None,
    status: int = 200,
) -> Response:
    uow, scope = uow_of(request), staff.principal.channel_scope
    tenders = payments.list_payments(order.id, uow=uow, visible_to=scope)
    policy = goodwill.refund_policy(uow=uow)
    context: dict[str, Any] = {
        "order": order,
        "values": values,
        "errors": errors,
        "done": done,
        "summary": payments.order_payments(order.id, uow=uow, visible_to=scope),
        "tenders": [(tender, refundable_now(tender)) for tender in tenders],
        "refundable": sum(
            (refundable_now(tender) for tender in tenders), Money.zero(order.currency)
        ),
        "refunds": goodwill.list_refunds(order.id, uow=uow, visible_to=scope),
        "reasons": [(reason.code, reason.description) for reason in policy.reasons],
        "limit": policy.limit_for(staff.principal.role, order.currency),
    }
    return render(request, TEMPLATE, context, status=status)
