"""Pricing orders: the rates order capture reads, the quote it asks for, and the price preview.

``load_rates`` runs on every order placement, so it reads only what pricing to one destination
needs, in three small statements (tax rates, the zone with its rates, the zone's countries), and
keeps them per destination in the process's reference-data cache, which the version of reference
data invalidates exactly across processes (docs/decisions/0008-reference-data-cache.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from oms import catalog, channels
from oms.orders.pricing.domain import (
    COUNTRY_FIELD,
    PricedLine,
    PricingRates,
    Quote,
    QuoteRequest,
    ShippingMethod,
    price,
    pricing_problems,
    refuse_pricing,
)
from oms.orders.pricing.repository import SHIPPING_ZONES, TAX_RATES
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import FieldProblem
from oms.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class QuoteLine:
    sku: str
    quantity: int
    unit_price: Money | None = None
    """The caller's own price (marketplaces send one); None takes the channel's price list."""
    discount: Money | None = None


@dataclass(frozen=True, kw_only=True)
class PreviewQuote:
    channel: str
    country: str
    shipping_method: ShippingMethod
    lines: tuple[QuoteLine, ...]


def load_rates(*, uow: UnitOfWork, country: str | None = None) -> PricingRates:
    """Everything needed to price orders: for every country, or only for ``country``."""
    with uow.read() as tx:
        return tx.reference.get(
            ("pricing.rates", country),
            lambda: PricingRates(
                tax_rates=tuple(tx.repo(TAX_RATES).page(country=country)),
                zones=tuple(tx.repo(SHIPPING_ZONES).for_pricing(country)),
            ),
        )


def quote(
    request: QuoteRequest,
    *,
    uow: UnitOfWork,
    country_field: str = COUNTRY_FIELD,
    positions: Sequence[int] | None = None,
) -> Quote:
    """Price an order request with the rates configured now (see ``price`` for the fields)."""
    rates = load_rates(uow=uow, country=request.country)
    return price(request, rates, country_field=country_field, positions=positions)


def preview_quote(cmd: PreviewQuote, *, uow: UnitOfWork, visible_to: str | None = None) -> Quote:
    """What an order would cost on a channel, storing nothing; every bad field named at once.

    A caller bound to another channel is told the channel does not exist.
    """
    country = cmd.country.strip().upper()
    skus = [line.sku for line in cmd.lines]
    with uow.read():
        channel = channels.get_channel(cmd.channel, uow=uow, visible_to=visible_to)
        variants = catalog.find_variants(skus, uow=uow)
        prices = catalog.prices_for(skus, channel.code, uow=uow, currency=channel.currency)
        rates = load_rates(uow=uow, country=country)
    problems = [] if channel.active else [FieldProblem("channel", "the channel is not active")]
    priced: list[PricedLine] = []
    positions: list[int] = []
    for index, line in enumerate(cmd.lines):
        found = _priced_line(line, variants.get(line.sku), prices.get(line.sku), channel.code)
        if isinstance(found, PricedLine):
            priced.append(found)
            positions.append(index)
        else:
            problems.extend(FieldProblem(f"lines.{index}.{f}", m) for f, m in found.items())
    request = QuoteRequest(
        currency=channel.currency,
        prices_include_tax=channel.prices_include_tax,
        country=country,
        shipping_method=cmd.shipping_method,
        lines=tuple(priced),
    )
    problems.extend(pricing_problems(request, rates, country_field="country", positions=positions))
    refuse_pricing(problems, country=country, country_field="country")
    return price(request, rates, country_field="country", positions=positions)


def _priced_line(
    line: QuoteLine,
    variant: catalog.VariantRef | None,
    listed: Money | None,
    channel: str,
) -> PricedLine | Mapping[str, str]:
    """The line ready to price, or what is wrong with it by field."""
    problems = {} if line.quantity >= 1 else {"quantity": "must be at least 1"}
    if variant is None:
        return {"sku": f"unknown SKU {line.sku!r}", **problems}
    unit_price = line.unit_price if line.unit_price is not None else listed
    if not variant.active:
        return {"sku": f"SKU {variant.sku!r} is not active", **problems}
    if unit_price is None:
        return {"sku": f"not sold on channel {channel!r}", **problems}
    return PricedLine(
        sku=variant.sku,
        quantity=line.quantity,
        unit_price=unit_price,
        tax_category=variant.tax_category.value,
        discount=line.discount,
    )
