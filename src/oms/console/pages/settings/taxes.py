"""Tax rates (``/v1/tax-rates``): the rate taxing each category of goods sent to a country,
listed by country then category (keyset paging), set (created or changed) and removed. Staff
type a percentage (19 or 7.5); the API's rate is the fraction (0.19), to six places."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from oms.console.pages.settings.fields import FormReader, attempt_form, redirect
from oms.console.shell import ConsoleRequires, FormErrors, Staff, form_data, render
from oms.console.shell.guard import uow_of
from oms.orders import pricing
from oms.orders.pricing.domain.rates import TAXED_CATEGORIES
from oms.platform.security import Permission
from oms.shared.errors import Invalid

router = APIRouter(prefix="/console/settings", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_READ))]
Configurer = Annotated[Staff, Depends(ConsoleRequires(Permission.ORDERS_CONFIGURE))]
Form = Annotated[FormData, Depends(form_data)]

PAGE = 100
PERCENT_PLACES = 4
"""A fraction has six places, so a percentage has four (19.1234 %)."""
HUNDRED = Decimal(100)


def percent_of(rate: Decimal) -> str:
    """``0.19`` as ``19``, ``0.075`` as ``7.5``."""
    return format((rate * HUNDRED).normalize(), "f")


def _after(raw: str | None) -> tuple[str, str] | None:
    """The keyset cursor ``DE:standard`` (the last row shown)."""
    if not raw:
        return None
    country, _, category = raw.partition(":")
    if not country or not category:
        raise Invalid("after must be country:category", field="after")
    return country, category


def _page(
    request: Request,
    staff: Staff,
    *,
    country: str | None = None,
    after: str | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    found = pricing.list_tax_rates(
        uow=uow_of(request), country=country or None, after=_after(after), limit=PAGE + 1
    )
    shown = found[:PAGE]
    next_url = None
    if len(found) > PAGE:
        last = shown[-1]
        query = f"&country={country}" if country else ""
        next_url = f"/console/settings/taxes?after={last.country}:{last.tax_category}{query}"
    context = {
        "rates": [(rate, percent_of(rate.rate)) for rate in shown],
        "country": country or "",
        "next_url": next_url,
        "values": values if values is not None else {"tax_category": "standard"},
        "errors": errors,
        "categories": TAXED_CATEGORIES,
        "can": staff.can(Permission.ORDERS_CONFIGURE),
        "done": done,
    }
    return render(request, "console/settings/taxes.html", context, status=status)


@router.get("/taxes")
def tax_rates(
    request: Request,
    staff: Reader,
    country: str | None = None,
    after: str | None = None,
    edit: str | None = None,
    done: str | None = None,
) -> Response:
    """The rates (``?country=DE`` for one country); ``?edit=DE:standard`` fills the form with
    that rate to change it."""
    values = None
    if edit:
        edited_country, _, category = edit.partition(":")
        values = {"country": edited_country, "tax_category": category}
        for rate in pricing.list_tax_rates(uow=uow_of(request), country=edited_country):
            if rate.tax_category == category:
                values["rate"] = percent_of(rate.rate)
    return _page(request, staff, country=country, after=after, values=values, done=done)


def read_percent(read: FormReader, name: str) -> Decimal | None:
    """A percentage at least 0, below 100, with at most four decimal places, as a fraction."""
    percent = read.decimal(name)
    if percent is None:
        if not read.values.get(name):
            read.problem(name, "enter a percentage such as 19 or 7.5")
        return None
    if not Decimal(0) <= percent < HUNDRED:
        read.problem(name, "must be a percentage from 0 to below 100")
        return None
    if percent != round(percent, PERCENT_PLACES):
        read.problem(name, f"allows at most {PERCENT_PLACES} decimal places")
        return None
    return percent / HUNDRED


@router.post("/taxes")
def set_tax_rate(request: Request, staff: Configurer, form: Form) -> Response:
    """Create or change the rate of a country and category; new orders use it at once."""
    read = FormReader(form)
    country = read.text("country", required=True).upper()
    category = read.text("tax_category", required=True)
    rate = read_percent(read, "rate")

    def save() -> pricing.TaxRate:
        read.done("the tax rate is not valid")
        assert rate is not None
        command = pricing.SetTaxRate(country=country, tax_category=category, rate=rate)
        return pricing.set_tax_rate(command, uow=uow_of(request))

    saved, errors, status = attempt_form(save)
    if errors is not None or saved is None:
        return _page(request, staff, values=read.values, errors=errors, status=status)
    return redirect("/console/settings/taxes", "saved", country=saved.country)


@router.post("/taxes/{country}/{tax_category}/remove")
def remove_tax_rate(
    request: Request, _staff: Configurer, country: str, tax_category: str
) -> Response:
    """Remove a rate: goods of that category can no longer be priced for that country."""
    command = pricing.RemoveTaxRate(country=country, tax_category=tax_category)
    pricing.remove_tax_rate(command, uow=uow_of(request))
    return redirect("/console/settings/taxes", "removed", country=country.upper())
