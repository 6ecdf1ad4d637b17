"""The refund policy (``/v1/refund-reasons``, ``/v1/refund-limits``): the reason codes a
goodwill refund may give, and how much each role may refund at once per currency. Those who
refund read it; changing it is order configuration. Each table is replaced whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from oms.auth import Role
from oms.console.pages.settings.fields import FormReader, attempt_form, redirect
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.payments.domain.refund_policy import RefundLimit, RefundPolicy, RefundReason
from oms.payments.services import goodwill
from oms.platform.inputs import exact_money
from oms.platform.security import Permission
from oms.shared.errors import Invalid

router = APIRouter(prefix="/console/settings", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.PAYMENTS_REFUND))]
Configurer = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_CONFIGURE))]
Form = Annotated[FormData, Depends(form_data)]

BLANK_ROWS = 2
MAX_REASONS = 100
MAX_LIMITS = 200
LIMITED_ROLES = [role.value for role in Role if role is not Role.ADMIN]
"""Admins refund without a limit."""


def reason_values(policy: RefundPolicy) -> dict[str, Any]:
    values: dict[str, Any] = {"reason_rows": len(policy.reasons) + BLANK_ROWS}
    for index, reason in enumerate(policy.reasons):
        values[f"reasons.{index}.code"] = reason.code
        values[f"reasons.{index}.description"] = reason.description
    return values


def limit_values(policy: RefundPolicy) -> dict[str, Any]:
    values: dict[str, Any] = {"limit_rows": len(policy.limits) + BLANK_ROWS}
    for index, row in enumerate(policy.limits):
        values[f"limits.{index}.role"] = row.role
        values[f"limits.{index}.currency"] = row.limit.currency
        values[f"limits.{index}.amount"] = str(row.limit.amount)
    return values


def _page(
    request: Request,
    staff: Staff,
    *,
    typed: tuple[str, dict[str, Any], FormErrors | None] | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    policy = goodwill.refund_policy(uow=uow_of(request))
    shown: dict[str, tuple[dict[str, Any], FormErrors | None]] = {
        "reasons": (reason_values(policy), None),
        "limits": (limit_values(policy), None),
    }
    if typed is not None:
        shown[typed[0]] = (typed[1], typed[2])
    context = {
        "reasons": {"values": shown["reasons"][0], "errors": shown["reasons"][1]},
        "limits": {"values": shown["limits"][0], "errors": shown["limits"][1]},
        "roles": LIMITED_ROLES,
        "can": staff.can(Permission.ORDERS_CONFIGURE),
        "done": done,
    }
    return render(request, "console/settings/refunds.html", context, status=status)


@router.get("/refunds")
def refund_policy(request: Request, staff: Reader, done: str | None = None) -> Response:
    return _page(request, staff, done=done)


def _by_row(prefix: str, rows: list[int]) -> Callable[[str], str]:
    """The service names rows by their place in the list; the form by their row."""

    def rename(field: str) -> str:
        parts = field.split(".")
        if parts[0] == prefix and len(parts) > 1 and parts[1].isdigit():
            row = rows[int(parts[1])] if int(parts[1]) < len(rows) else 0
            return ".".join([prefix, str(row), *(parts[2:] or ["currency"])])
        return field

    return rename


@router.post("/refunds/reasons")
def save_reasons(request: Request, staff: Configurer, form: Form) -> Response:
    """Replace the reason codes (refunds already made keep theirs)."""
    read = FormReader(form)
    count = read.whole("reason_rows", minimum=0, maximum=MAX_REASONS + BLANK_ROWS) or 0
    reasons: list[RefundReason] = []
    rows: list[int] = []
    for index in range(count):
        code = read.text(f"reasons.{index}.code", max_length=40)
        description = read.text(f"reasons.{index}.description", max_length=200)
        if code or description:
            reasons.append(RefundReason(code=code, description=description))
            rows.append(index)

    def save() -> RefundPolicy:
        read.done("the refund reasons are not valid")
        return goodwill.set_refund_reasons(reasons, uow=uow_of(request))

    _, errors, status = attempt_form(save, rename=_by_row("reasons", rows))
    if errors is not None:
        return _page(request, staff, typed=("reasons", read.values, errors), status=status)
    return redirect("/console/settings/refunds", "reasons")


@router.post("/refunds/limits")
def save_limits(request: Request, staff: Configurer, form: Form) -> Response:
    """Replace the table of limits per role and currency."""
    read = FormReader(form)
    count = read.whole("limit_rows", minimum=0, maximum=MAX_LIMITS + BLANK_ROWS) or 0
    limits: list[RefundLimit] = []
    rows: list[int] = []
    for index in range(count):
        at = f"limits.{index}"
        role = read.text(f"{at}.role")
        currency = read.text(f"{at}.currency").upper()
        amount = read.decimal(f"{at}.amount")
        if not currency and amount is None:
            continue
        if amount is None:
            read.problem(f"{at}.amount", "enter an amount")
            continue
        try:
            limits.append(RefundLimit(role=role, limit=exact_money(amount, currency, field=at)))
            rows.append(index)
        except Invalid as error:
            read.problems.extend(error.problems)

    def save() -> RefundPolicy:
        read.done("the refund limits are not valid")
        return goodwill.set_refund_limits(limits, uow=uow_of(request))

    _, errors, status = attempt_form(save, rename=_by_row("limits", rows))
    if errors is not None:
        return _page(request, staff, typed=("limits", read.values, errors), status=status)
    return redirect("/console/settings/refunds", "limits")
