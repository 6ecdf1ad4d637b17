"""Asking for a return, an exchange or a claim for an order, line by line.

Each goes through the returns context's own request as the API's routes do: a return or an
exchange is refused per line when its units cannot come back (too many, the window closed,
not returnable), each message next to its line; the channel's policy may approve it at once.
A claim (nothing comes back) by staff who may decide returns is approved and resolved at
once (refund or reship), as the claims route does. Success opens the return on the returns
desk.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms import fulfilment, orders, payments
from oms.console.pages.order_actions.lookup import (
    find_order,
    form_errors,
    problems_error,
    providers_of,
    run,
    typed,
)
from oms.console.pages.order_actions.return_form import (
    AskKind,
    ReturnAsk,
    claim_choice,
    claimed_units,
    read_ask,
    reasons,
    replacements,
    shipped_lines,
)
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.platform.security import Permission
from oms.returns.domain.returns import RETURN_REASONS, ReturnRequest
from oms.returns.services import claims, exchanges, requests
from oms.returns.services.policies import get_return_policy

router = APIRouter(prefix="/console", include_in_schema=False)

Requester = Annotated[Staff, Depends(ConsoleRequires(Permission.RETURNS_REQUEST))]
Form = Annotated[FormData, Depends(form_data)]
TEMPLATE = "console/orders/actions/return.html"
STORE_CREDIT_WISH = "The customer asks for store credit."


@router.get("/orders/{number}/return")
def return_form(request: Request, number: str, staff: Requester) -> Response:
    order = find_order(request, staff, number)
    values = {"kind": "return", "refund_to": "original", "claim_resolution": "refund"}
    return _page(request, staff, order, values)


@router.post("/orders/{number}/return")
def ask_return(request: Request, number: str, staff: Requester, form: Form) -> Response:
    """File the return, exchange or claim; every refused line says why next to it."""
    order = find_order(request, staff, number)
    values = typed(form)
    ask = read_ask(order, values)
    made, error = None, None
    if not ask.problems:
        made, error = run(lambda: _file(request, staff, order, ask, values))
    if ask.problems:
        errors = problems_error(ask.problems, "Some fields are not valid.")
        return _page(request, staff, order, values, errors=errors, status=422)
    if error is not None:
        errors, status = form_errors(error, ask.field_for)
        if errors.fields and error.code == "return-refused":
            errors = FormErrors("Some lines cannot come back; see each line.", errors.fields)
        return _page(request, staff, order, values, errors=errors, status=status)
    assert made is not None
    return RedirectResponse(f"/console/returns/{made.id}?done=created", status_code=303)


def _file(
    request: Request, staff: Staff, order: orders.Order, ask: ReturnAsk, values: dict[str, str]
) -> ReturnRequest | None:
    """The request the form asks for, or None when the form's own checks failed."""
    uow, principal = uow_of(request), staff.principal
    carriers: fulfilment.Carriers = (
        getattr(request.app.state, "carriers", None) or fulfilment.karrio_carriers
    )
    note = values.get("note", "")
    if ask.kind is AskKind.CLAIM:
        choice = claim_choice(ask, values)
        if choice is None:
            return None
        evidence = values.get("evidence", "")
        command = claims.FileClaim(
            order_id=order.id,
            kind=choice.kind,
            units=claimed_units(ask),
            evidence=(evidence,) if evidence else (),
            resolution=choice.resolution,
            destination=choice.destination,
            actor=principal.actor,
            decides=principal.can(Permission.RETURNS_DECIDE),
        )
        resolved = claims.file_claim(
            command, uow=uow, providers=providers_of(request), visible_to=principal.channel_scope
        )
        return resolved.request
    asked = reasons(ask, values)
    if ask.kind is AskKind.EXCHANGE:
        swaps = replacements(ask, asked, values)
        if ask.problems:
            return None
        lines = tuple(exchanges.ExchangedLine(asked=a, sku=s, quantity=q) for a, s, q in swaps)
        exchange = exchanges.RequestExchange(
            order_id=order.id,
            lines=lines,
            note=note,
            actor=principal.actor,
            visible_to=principal.channel_scope,
        )
        return exchanges.request_exchange(exchange, uow=uow, carriers=carriers)
    if ask.problems:
        return None
    if values.get("refund_to") == payments.RefundDestination.STORE_CREDIT.value:
        note = f"{STORE_CREDIT_WISH} {note}".strip()
    wanted = requests.RequestReturn(
        order_id=order.id,
        lines=tuple(asked),
        note=note,
        actor=principal.actor,
        visible_to=principal.channel_scope,
    )
    return requests.request_return(wanted, uow=uow, carriers=carriers)


def _page(
    request: Request,
    staff: Staff,
    order: orders.Order,
    values: dict[str, str],
    *,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    policy = get_return_policy(
        order.channel, uow=uow_of(request), visible_to=staff.principal.channel_scope
    )
    context: dict[str, Any] = {
        "order": order,
        "values": values,
        "errors": errors,
        "lines": shipped_lines(order),
        "policy": policy,
        "reasons": [reason.value for reason in RETURN_REASONS],
        "claim_kinds": [kind.value for kind in claims.ClaimKind],
        "decides": staff.can(Permission.RETURNS_DECIDE),
    }
    return render(request, TEMPLATE, context, status=status)
