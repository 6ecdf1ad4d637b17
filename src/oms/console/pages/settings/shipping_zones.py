"""Shipping zones (``/v1/shipping-zones``): countries grouped in zones, each shipping method's
price per currency (free from an order value up). Listed by code, created, replaced whole on
the zone's page and deleted; a country is in one zone at most (409 names those taken)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from oms.console.pages.settings.fields import FormReader, attempt_form, redirect, refuse
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.orders import pricing
from oms.orders.pricing import ShippingMethod, ShippingZone, ZoneRate
from oms.platform.security import Permission
from oms.platform.unit_of_work import UnitOfWork

router = APIRouter(prefix="/console/settings", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_READ))]
Configurer = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_CONFIGURE))]
Form = Annotated[FormData, Depends(form_data)]

PAGE = 50
BLANK_ROWS = 2
MAX_RATES = 100
NAME_LENGTH = 200
PRICED = [method.value for method in ShippingMethod if method is not ShippingMethod.PICKUP]
"""Pickup is always free: it takes no rate."""


def values_of(zone: ShippingZone) -> dict[str, Any]:
    values: dict[str, Any] = {"name": zone.name, "countries": ", ".join(zone.countries)}
    for index, rate in enumerate(zone.rates):
        at = f"rates.{index}"
        values[f"{at}.method"] = rate.method.value
        values[f"{at}.currency"] = rate.currency
        values[f"{at}.amount"] = str(rate.price.amount)
        values[f"{at}.free_over"] = "" if rate.free_over is None else str(rate.free_over.amount)
    values["rate_rows"] = len(zone.rates) + BLANK_ROWS
    return values


NEW_ZONE: dict[str, Any] = {"rate_rows": BLANK_ROWS + 1}


def read_zone(read: FormReader) -> tuple[str, tuple[str, ...], list[ZoneRate], list[int]]:
    """Name, countries and rates as typed (blank rate rows skipped), and each rate's row."""
    name = read.text("name", required=True, max_length=NAME_LENGTH)
    countries = tuple(c for c in read.text("countries").replace(",", " ").split() if c)
    count = read.whole("rate_rows", minimum=0, maximum=MAX_RATES + BLANK_ROWS) or 0
    rates: list[ZoneRate] = []
    rows: list[int] = []
    for index in range(count):
        at = f"rates.{index}"
        method = read.text(f"{at}.method")
        currency = read.text(f"{at}.currency").upper()
        amount = read.decimal(f"{at}.amount")
        free_over = read.decimal(f"{at}.free_over")
        if not currency and amount is None and free_over is None:
            continue
        if method not in PRICED:
            read.problem(f"{at}.method", "must be standard or express")
        if amount is None:
            read.problem(f"{at}.amount", "enter the price")
        if method in PRICED and amount is not None:
            kind = ShippingMethod(method)
            rates.append(
                ZoneRate(method=kind, currency=currency, amount=amount, free_over=free_over)
            )
            rows.append(index)
    return name, countries, rates, rows


def rename_for(rows: list[int]) -> Callable[[str], str]:
    """Services name rates by their place in the list; the form by their row."""

    def rename(field: str) -> str:
        parts = field.split(".")
        if parts[0] == "countries":
            return "countries"
        if parts[0] == "rates" and len(parts) > 1 and parts[1].isdigit():
            row = rows[int(parts[1])] if int(parts[1]) < len(rows) else 0
            return ".".join(["rates", str(row), *(parts[2:] or ["method"])])
        return field

    return rename


def _list_page(
    request: Request,
    staff: Staff,
    *,
    after: str | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    found = pricing.list_shipping_zones(uow=uow_of(request), after=after, limit=PAGE + 1)
    shown = found[:PAGE]
    more = len(found) > PAGE
    context = {
        "zones": shown,
        "next_url": f"/console/settings/shipping-zones?after={shown[-1].code}" if more else None,
        "values": values if values is not None else NEW_ZONE,
        "errors": errors,
        "methods": PRICED,
        "can": staff.can(Permission.ORDERS_CONFIGURE),
        "done": done,
    }
    return render(request, "console/settings/shipping_zones.html", context, status=status)


@router.get("/shipping-zones")
def shipping_zones(
    request: Request, staff: Reader, after: str | None = None, done: str | None = None
) -> Response:
    return _list_page(request, staff, after=after, done=done)


@router.post("/shipping-zones")
def create_shipping_zone(request: Request, staff: Configurer, form: Form) -> Response:
    """A new zone under a code no zone has (the API's PUT would replace one: the page asks
    for a new code instead, so a typo never overwrites a zone)."""
    read = FormReader(form)
    code = read.text("code", required=True)
    name, countries, rates, rows = read_zone(read)
    uow = uow_of(request)
    if code and _exists(code, uow=uow):
        taken = refuse("code", f"a shipping zone with code {code!r} exists already")
        return _list_page(request, staff, values=read.values, errors=taken, status=409)
    command = pricing.PutShippingZone(code=code, name=name, countries=countries, rates=tuple(rates))

    def save() -> ShippingZone:
        read.done("the shipping zone is not valid")
        return pricing.put_shipping_zone(command, uow=uow)

    created, errors, status = attempt_form(
        save, rename=rename_for(rows), fields={"country-in-another-zone": "countries"}
    )
    if errors is not None or created is None:
        return _list_page(request, staff, values=read.values, errors=errors, status=status)
    return redirect(f"/console/settings/shipping-zones/{created.code}", "created")


def _exists(code: str, *, uow: UnitOfWork) -> bool:
    try:
        pricing.get_shipping_zone(code, uow=uow)
    except pricing.ShippingZoneNotFound:
        return False
    return True


def _zone_page(
    request: Request,
    staff: Staff,
    zone: ShippingZone,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    context = {
        "zone": zone,
        "values": values if values is not None else values_of(zone),
        "errors": errors,
        "methods": PRICED,
        "can": staff.can(Permission.ORDERS_CONFIGURE),
        "done": done,
    }
    return render(request, "console/settings/shipping_zone.html", context, status=status)


@router.get("/shipping-zones/{code}")
def shipping_zone(request: Request, staff: Reader, code: str, done: str | None = None) -> Response:
    zone = pricing.get_shipping_zone(code, uow=uow_of(request))
    return _zone_page(request, staff, zone, done=done)


@router.post("/shipping-zones/{code}")
def replace_shipping_zone(request: Request, staff: Configurer, code: str, form: Form) -> Response:
    """Replace the zone's name, countries and rates."""
    uow = uow_of(request)
    zone = pricing.get_shipping_zone(code, uow=uow)
    read = FormReader(form)
    name, countries, rates, rows = read_zone(read)
    command = pricing.PutShippingZone(
        code=zone.code, name=name, countries=countries, rates=tuple(rates)
    )

    def save() -> ShippingZone:
        read.done("the shipping zone is not valid")
        return pricing.put_shipping_zone(command, uow=uow)

    _, errors, status = attempt_form(
        save, rename=rename_for(rows), fields={"country-in-another-zone": "countries"}
    )
    if errors is not None:
        return _zone_page(request, staff, zone, values=read.values, errors=errors, status=status)
    return redirect(f"/console/settings/shipping-zones/{zone.code}", "saved")


@router.post("/shipping-zones/{code}/delete")
def delete_shipping_zone(request: Request, _staff: Configurer, code: str) -> Response:
    """Delete the zone: its countries cannot be shipped to until another zone takes them."""
    pricing.delete_shipping_zone(pricing.DeleteShippingZone(code=code), uow=uow_of(request))
    return redirect("/console/settings/shipping-zones", "deleted")
