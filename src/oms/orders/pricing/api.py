"""HTTP routes of order pricing: tax rates, shipping zones, and quotes (price previews)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from oms.orders.pricing import services
from oms.orders.pricing.schemas import (
    QuoteIn,
    QuoteOut,
    ShippingZoneIn,
    ShippingZoneOut,
    TaxRateIn,
    TaxRateOut,
)
from oms.platform.http import UoW
from oms.platform.pagination import BY_CODE, BY_TWO_CODES, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["pricing"])

Reader = Annotated[Principal, Depends(Requires(Permission.ORDERS_READ))]
Configurer = Annotated[Principal, Depends(Requires(Permission.ORDERS_CONFIGURE))]
Quoter = Annotated[Principal, Depends(Requires(Permission.ORDERS_PLACE))]
Country = Annotated[str, Path(min_length=2, max_length=2, description="ISO 3166-1 alpha-2.")]
TaxCategory = Annotated[str, Path(max_length=20, description="`standard` or `reduced`.")]
ZoneCode = Annotated[str, Path(max_length=40)]


@router.get("/tax-rates", responses=responses(401, 403, 422))
def list_tax_rates(
    _: Reader,
    uow: UoW,
    country: Annotated[
        str | None, Query(min_length=2, max_length=2, description="Only this country.")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[TaxRateOut]:
    """Tax rates by country, then tax category."""
    found = services.list_tax_rates(
        uow=uow, country=country, after=read_cursor(cursor, BY_TWO_CODES), limit=limit + 1
    )
    return Page.of(found, limit, lambda rate: (rate.country, rate.tax_category), TaxRateOut.of)


@router.put("/tax-rates/{country}/{tax_category}", responses=responses(401, 403, 422))
def set_tax_rate(
    country: Country, tax_category: TaxCategory, body: TaxRateIn, _: Configurer, uow: UoW
) -> TaxRateOut:
    """Set the rate taxing goods of a category sent to a country; new orders use it at once.

    Zero-rated and exempt goods are always taxed at 0 and take no rate.
    """
    command = services.SetTaxRate(country=country, tax_category=tax_category, rate=body.rate)
    return TaxRateOut.of(services.set_tax_rate(command, uow=uow))


@router.delete(
    "/tax-rates/{country}/{tax_category}",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
def remove_tax_rate(
    country: Country, tax_category: TaxCategory, _: Configurer, uow: UoW
) -> Response:
    """Remove a rate; goods of that category can then no longer be priced for that country."""
    command = services.RemoveTaxRate(country=country, tax_category=tax_category)
    services.remove_tax_rate(command, uow=uow)
    return Response(status_code=204)


@router.get("/shipping-zones", responses=responses(401, 403, 422))
def list_shipping_zones(
    _: Reader, uow: UoW, limit: Limit = 50, cursor: Cursor = None
) -> Page[ShippingZoneOut]:
    """Shipping zones by code, with their countries and rates."""
    key = read_cursor(cursor, BY_CODE)
    found = services.list_shipping_zones(uow=uow, after=key[0] if key else None, limit=limit + 1)
    return Page.of(found, limit, lambda zone: (zone.code,), ShippingZoneOut.of)


@router.get("/shipping-zones/{code}", responses=responses(401, 403, 404, 422))
def get_shipping_zone(code: ZoneCode, _: Reader, uow: UoW) -> ShippingZoneOut:
    """One shipping zone with its countries and rates."""
    return ShippingZoneOut.of(services.get_shipping_zone(code, uow=uow))


@router.put("/shipping-zones/{code}", responses=responses(401, 403, 409, 422))
def put_shipping_zone(
    code: ZoneCode, body: ShippingZoneIn, _: Configurer, uow: UoW
) -> ShippingZoneOut:
    """Create a shipping zone, or replace its name, countries and rates.

    A country belongs to one zone at most (409 names those already in another). Countries in no
    zone cannot be shipped to.
    """
    command = services.PutShippingZone(
        code=code,
        name=body.name,
        countries=tuple(body.countries),
        rates=tuple(rate.to_domain() for rate in body.rates),
    )
    return ShippingZoneOut.of(services.put_shipping_zone(command, uow=uow))


@router.delete(
    "/shipping-zones/{code}",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
)
def delete_shipping_zone(code: ZoneCode, _: Configurer, uow: UoW) -> Response:
    """Delete a zone; its countries cannot be shipped to until another zone takes them."""
    services.delete_shipping_zone(services.DeleteShippingZone(code=code), uow=uow)
    return Response(status_code=204)


@router.post("/quotes", responses=responses(401, 403, 404, 422))
def preview_quote(body: QuoteIn, principal: Quoter, uow: UoW) -> QuoteOut:
    """Price a prospective order on a channel: lines, discounts, shipping, tax and total.

    Changes nothing, so it takes no Idempotency-Key. Every bad field is named at once (unknown
    SKU, SKU not sold on the channel, quantity below 1, unsupported country, shipping method not
    offered there). A channel key may quote only its own channel.
    """
    quote = services.preview_quote(body.to_command(), uow=uow, visible_to=principal.channel_scope)
    return QuoteOut.of(quote)
