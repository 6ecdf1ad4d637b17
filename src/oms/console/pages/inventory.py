"""Console pages: inventory. Find a SKU as you type (SKU prefix or product name) or list low
stock; a SKU's page shows its stock per location, what each channel may promise and why, and
its ledger; receipts, adjustments and cycle counts are booked there, and its unit cost (which
the inventory report values stock at) is set there.

Reading needs ``inventory:read`` and moving stock ``inventory:write``, as in the API; the forms
call the same services with the same commands. A warehouse user bound to a location moves stock
only there: the forms offer only that location and a post naming another is refused (403).

Low stock is the inventory context's own notion: a location whose available stock (on hand less
allocated less unavailable) is at or below the SKU's low-stock threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms import catalog, channels, inventory
from oms.catalog.services.search import search_variants
from oms.console.shell import ConsoleRequires, Staff, attempt, form_data, render
from oms.console.shell.forms import FormErrors, text
from oms.console.shell.guard import uow_of
from oms.inventory.services.overview import level_settings, stock_totals
from oms.platform.inputs import exact_money
from oms.platform.pagination import BY_CODE_AND_ID, BY_TIME, encode_cursor, read_cursor
from oms.platform.security import Permission
from oms.shared.money import Money

router = APIRouter(prefix="/console", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.INVENTORY_READ))]
Writer = Annotated[Staff, Depends(ConsoleRequires(Permission.INVENTORY_WRITE))]
Form = Annotated[FormData, Depends(form_data)]

PAGE = 50
MOVEMENTS_PAGE = 25
LOCATION_LIMIT = 200
"""Locations offered in the forms (a merchant has tens, not hundreds)."""

FORMS = ("receipt", "adjustment", "count")
DONE = {"receipt": "received", "adjustment": "adjusted", "count": "counted"}
FIELDS = ("location", "quantity", "delta", "counted", "reason", "reference")
MAIN_FIELD = {"receipt": "quantity", "adjustment": "delta", "count": "counted"}
"""Where a refusal that names no field is shown (not enough stock, a stale count)."""


# -- the stock list --------------------------------------------------------------------------


@router.get("/inventory")
def stock_list(
    request: Request,
    staff: Reader,
    q: str = "",
    low: bool = False,
    location: str = "",
    after: str | None = None,
) -> Response:
    """SKU search as you type, or the low-stock list (``low=true``)."""
    uow = uow_of(request)
    htmx = request.headers.get("HX-Request") == "true"
    context: dict[str, Any] = {"q": q, "low": low, "location": location, "rows": [], "low_rows": []}
    if low:
        chosen = location or staff.principal.location_code or ""
        context |= _low_stock(request, chosen, after)
        context["location"] = chosen
        context["locations"] = _location_codes(uow)
    else:
        hits = search_variants(q, uow=uow, after=after, limit=PAGE + 1)
        shown = hits[:PAGE]
        totals = stock_totals([hit.variant_id for hit in shown], uow=uow)
        context["rows"] = [(hit, totals[hit.variant_id]) for hit in shown]
        more = {"q": q, "after": shown[-1].sku} if len(hits) > PAGE else None
        context["next_url"] = _url("/console/inventory", more) if more else None
    template = "console/inventory/_results.html" if htmx else "console/inventory/list.html"
    return render(request, template, context)


def _low_stock(request: Request, location: str, after: str | None) -> dict[str, Any]:
    uow = uow_of(request)
    found = inventory.list_low_stock(
        uow=uow,
        after=read_cursor(after, BY_CODE_AND_ID),
        limit=PAGE + 1,
        location=location or None,
    )
    shown = found[:PAGE]
    next_url = None
    if len(found) > PAGE:
        last = shown[-1]
        cursor = encode_cursor((last.sku, last.location_id))
        query = {"low": "true", "location": location, "after": cursor}
        next_url = _url("/console/inventory", query)
    return {"low_rows": shown, "next_url": next_url}


def _url(path: str, query: Mapping[str, str] | None) -> str:
    kept = {key: value for key, value in (query or {}).items() if value}
    return f"{path}?{urlencode(kept)}" if kept else path


def _location_codes(uow: Any) -> list[str]:
    return [loc.code for loc in channels.list_locations(uow=uow, after=None, limit=LOCATION_LIMIT)]


# -- one SKU ---------------------------------------------------------------------------------


@router.get("/inventory/{sku}")
def stock_page(
    request: Request, staff: Reader, sku: str, before: str | None = None, done: str = ""
) -> Response:
    """A SKU's stock per location, ATP per channel with its breakdown, and its ledger."""
    context = _sku_context(request, staff, sku, before)
    context["done"] = done
    return render(request, "console/inventory/sku.html", context)


def _sku_context(request: Request, staff: Staff, sku: str, before: str | None) -> dict[str, Any]:
    uow = uow_of(request)
    scope = staff.principal.channel_scope
    stock = inventory.get_stock(sku, uow=uow, visible_to=scope)
    variant = catalog.find_variants([stock.sku], uow=uow).get(stock.sku)
    history = inventory.list_movements(
        stock.sku,
        uow=uow,
        before=read_cursor(before, BY_TIME),
        limit=MOVEMENTS_PAGE + 1,
        visible_to=scope,
    )
    movements = history.movements[:MOVEMENTS_PAGE]
    older = None
    if len(history.movements) > MOVEMENTS_PAGE:
        last = movements[-1]
        older = _url(
            f"/console/inventory/{stock.sku}",
            {"before": encode_cursor((last.occurred_at, last.id))},
        )
    bound = staff.principal.location_code
    codes = [bound] if bound else _location_codes(uow)
    on_hand = {level.location: level.on_hand for level in stock.locations}
    return {
        "stock": stock,
        "product_name": variant.name if variant else "",
        "settings": level_settings(stock.variant_id, uow=uow),
        "movements": movements,
        "labels": history.labels,
        "older_url": older,
        "first_page": before is None,
        "location_options": [(code, code) for code in codes],
        "seen": {code: on_hand.get(code, 0) for code in codes},
        "bound": bound,
        "can_move": staff.can(Permission.INVENTORY_WRITE),
        "form": None,
        "errors": None,
        "values": {},
        "done": "",
    }


# -- moving stock ----------------------------------------------------------------------------


def _number(form: FormData, name: str, problems: dict[str, str]) -> int:
    raw = text(form, name)
    try:
        return int(raw)
    except ValueError:
        problems[name] = "must be a whole number" if raw else "is required"
        return 0


def _command(kind: str, sku: str, form: FormData, staff: Staff, problems: dict[str, str]) -> Any:
    """The service call a form asks for, as the API builds it (field names without prefix)."""
    field = {name: f"{kind}_{name}" for name in FIELDS}
    location = text(form, field["location"])
    reference = text(form, field["reference"])
    actor = staff.principal.actor
    if kind == "receipt":
        quantity = _number(form, field["quantity"], problems)
        return inventory.ReceiveStock(
            sku=sku, location=location, quantity=quantity, reference=reference, actor=actor
        )
    if kind == "adjustment":
        delta = _number(form, field["delta"], problems)
        reason = text(form, field["reason"])
        return inventory.AdjustStock(
            sku=sku, location=location, delta=delta, reason=reason, reference=reference, actor=actor
        )
    counted = _number(form, field["counted"], problems)
    expected = _number(form, f"count_seen_{location}", {}) if location else 0
    return inventory.CountStock(
        sku=sku,
        location=location,
        counted=counted,
        expected_on_hand=expected,
        reference=reference,
        actor=actor,
    )


SERVICES: Mapping[str, Callable[..., inventory.StockChange]] = {
    "receipt": inventory.receive_stock,
    "adjustment": inventory.adjust_stock,
    "count": inventory.count_stock,
}


def _prefixed(kind: str, errors: FormErrors) -> FormErrors:
    """The service's field names as the form names them; a refusal naming no field goes next
    to the form's quantity."""
    fields = {f"{kind}_{name}": message for name, message in errors.fields.items()}
    if not fields:
        fields[f"{kind}_{MAIN_FIELD[kind]}"] = errors.message
    return replace(errors, fields=fields)


def _move(request: Request, staff: Staff, sku: str, form: FormData, kind: str) -> Response:
    values = {name: text(form, name) for name in form if name.startswith(f"{kind}_")}
    location = text(form, f"{kind}_location")
    bound = staff.principal.location_code
    status = 422
    problems: dict[str, str] = {}
    command = _command(kind, sku, form, staff, problems)
    if bound and location != bound:
        message = f"you may move stock only at {bound}"
        errors: FormErrors | None = FormErrors(message, {f"{kind}_location": message}, "forbidden")
        status = 403
    elif problems:
        errors = FormErrors("the form has invalid fields", problems)
    else:
        uow = uow_of(request)
        _, errors = attempt(lambda: SERVICES[kind](command, uow=uow))
        if errors is not None:
            errors = _prefixed(kind, errors)
    if errors is None:
        target = f"/console/inventory/{sku}?done={DONE[kind]}"
        return RedirectResponse(target, status_code=303)
    context = _sku_context(request, staff, sku, None)
    context |= {"form": kind, "errors": errors, "values": values}
    return render(request, "console/inventory/sku.html", context, status=status)


@router.post("/inventory/{sku}/receipts")
def receive(request: Request, staff: Writer, sku: str, form: Form) -> Response:
    """Book goods received at a location (``inventory.receive_stock``)."""
    return _move(request, staff, sku, form, "receipt")


@router.post("/inventory/{sku}/adjustments")
def adjust(request: Request, staff: Writer, sku: str, form: Form) -> Response:
    """Correct on-hand stock by a signed amount with a reason (``inventory.adjust_stock``)."""
    return _move(request, staff, sku, form, "adjustment")


@router.post("/inventory/{sku}/counts")
def count(request: Request, staff: Writer, sku: str, form: Form) -> Response:
    """Record a cycle count against the on-hand the page showed (``inventory.count_stock``)."""
    return _move(request, staff, sku, form, "count")


# -- the unit cost ---------------------------------------------------------------------------


def _cost(form: FormData, problems: dict[str, str]) -> Money | None:
    """The cost the form sets: an amount and its currency; None (with no problem) when the
    amount is left empty, to forget it."""
    raw = text(form, "cost_amount").replace(",", ".")
    currency = text(form, "cost_currency").upper()
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        problems["cost_amount"] = "must be an amount such as 1.25"
        return None
    if not amount.is_finite() or amount < 0:
        problems["cost_amount"] = "must be zero or more"
        return None
    cost, errors = attempt(lambda: exact_money(amount, currency, field="cost"))
    if errors is not None:
        named = {f"cost_{name.rpartition('.')[2]}": m for name, m in errors.fields.items()}
        problems.update(named or {"cost_amount": errors.message})
    return cost


@router.post("/inventory/{sku}/cost")
def set_cost(request: Request, staff: Writer, sku: str, form: Form) -> Response:
    """Set or forget what one unit cost (``inventory.change_stock_settings``, as the API's
    ``unit_cost``). The cost is the SKU's, not a location's: a user bound to a location may not
    set it (403)."""
    values = {name: text(form, name) for name in ("cost_amount", "cost_currency")}
    problems: dict[str, str] = {}
    cost = _cost(form, problems)
    status = 422
    errors: FormErrors | None = None
    if staff.principal.location_code:
        message = "the unit cost is set by staff not bound to a location"
        errors, status = FormErrors(message, {"cost_amount": message}, "forbidden"), 403
    elif problems:
        errors = FormErrors("the form has invalid fields", problems)
    else:
        command = inventory.ChangeStockSettings(
            sku=sku,
            unit_cost=cost,
            cleared=frozenset() if cost else frozenset({"unit_cost"}),
        )
        uow = uow_of(request)
        _, errors = attempt(lambda: inventory.change_stock_settings(command, uow=uow))
    if errors is None:
        return RedirectResponse(f"/console/inventory/{sku}?done=costed", status_code=303)
    context = _sku_context(request, staff, sku, None)
    context |= {"form": "cost", "errors": errors, "values": values}
    return render(request, "console/inventory/sku.html", context, status=status)
