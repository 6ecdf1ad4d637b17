"""Automatic hold rules (``GET /v1/hold-rules``, ``PUT /v1/hold-rules/{rule}``): each rule on
or off and, for the amount rules, a threshold per currency. Those who hold orders read them;
changing them is order configuration."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.datastructures import FormData

from oms.console.pages.settings.fields import FormReader, attempt_form, redirect
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.orders import services as orders
from oms.orders.domain import HoldRule, HoldRuleSetting
from oms.platform.inputs import exact_money
from oms.platform.security import Permission
from oms.shared.errors import Invalid
from oms.shared.money import Money

router = APIRouter(prefix="/console/settings", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_HOLD))]
Configurer = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_CONFIGURE))]
Form = Annotated[FormData, Depends(form_data)]

AMOUNT_RULES = (HoldRule.TOTAL_ABOVE, HoldRule.FIRST_ORDER_ABOVE)
BLANK_ROWS = 2
MAX_ROWS = 200


def values_of(setting: HoldRuleSetting) -> dict[str, Any]:
    values: dict[str, Any] = {"enabled": setting.enabled}
    rows = sorted(setting.thresholds.items())
    for index, (currency, money) in enumerate(rows):
        values[f"thresholds.{index}.currency"] = currency
        values[f"thresholds.{index}.amount"] = str(money.amount)
    values["threshold_rows"] = len(rows) + BLANK_ROWS
    return values


def _page(
    request: Request,
    staff: Staff,
    *,
    typed: tuple[HoldRule, dict[str, Any], FormErrors | None] | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    rules = []
    for setting in orders.hold_rule_settings(uow=uow_of(request)):
        values, errors = values_of(setting), None
        if typed is not None and typed[0] is setting.rule:
            values, errors = typed[1], typed[2]
        rules.append({"rule": setting.rule.value, "values": values, "errors": errors})
    context = {
        "rules": rules,
        "amount_rules": [rule.value for rule in AMOUNT_RULES],
        "can": staff.can(Permission.ORDERS_CONFIGURE),
        "done": done,
    }
    return render(request, "console/settings/hold_rules.html", context, status=status)


@router.get("/hold-rules")
def hold_rules(request: Request, staff: Reader, done: str | None = None) -> Response:
    return _page(request, staff, done=done)


def read_thresholds(read: FormReader) -> dict[str, Money]:
    """The thresholds typed (blank rows skipped), each exact in its currency; problems are
    named by row (``thresholds.2.amount``)."""
    count = read.whole("threshold_rows", minimum=0, maximum=MAX_ROWS) or 0
    found: dict[str, Money] = {}
    for index in range(count):
        at = f"thresholds.{index}"
        currency = read.text(f"{at}.currency").upper()
        amount = read.decimal(f"{at}.amount")
        if not currency and amount is None:
            continue
        if amount is None:
            read.problem(f"{at}.amount", "enter an amount")
            continue
        try:
            money = exact_money(amount, currency, field=at)
        except Invalid as error:
            read.problems.extend(error.problems)
            continue
        if money.currency in found:
            read.problem(f"{at}.currency", f"{money.currency} has a row already")
            continue
        found[money.currency] = money
    return found


@router.post("/hold-rules/{rule}")
def save_hold_rule(request: Request, staff: Configurer, rule: str, form: Form) -> Response:
    """Turn one rule on or off and set its thresholds."""
    try:
        chosen = HoldRule(rule)
    except ValueError:
        raise HTTPException(404, f"no hold rule {rule!r}") from None
    read = FormReader(form)
    enabled = read.flag("enabled")
    thresholds: dict[str, Money] = {}
    if chosen in AMOUNT_RULES:
        thresholds = read_thresholds(read)
    command = orders.SetHoldRule(rule=chosen, enabled=enabled, thresholds=thresholds)

    def save() -> HoldRuleSetting:
        read.done("the hold rule is not valid")
        return orders.set_hold_rule(command, uow=uow_of(request))

    _, errors, status = attempt_form(save)
    if errors is not None:
        values = dict(read.values)
        values.setdefault("threshold_rows", BLANK_ROWS)
        return _page(request, staff, typed=(chosen, values, errors), status=status)
    return redirect("/console/settings/hold-rules", chosen.value)
