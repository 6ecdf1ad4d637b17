"""Pricing an order: lines, discounts, shipping and tax, all exact in the order's currency.

How the figures are made (every amount is ``Money``, so quantized half-even to the currency's
minor unit: cents for EUR, yen for JPY, fils for BHD):

- A line's subtotal is ``unit_price * quantity``; its discount (what a marketplace or promotion
  took off the line) may not exceed it, so no line ever goes negative.
- Tax is computed **per line and rounded per line, half-even**, then summed: the figure each line
  shows is the one that adds up, and a line's tax never changes because another line was added.
  With prices including tax, ``tax = round(gross_after_discount * rate / (1 + rate))``; otherwise
  ``tax = round(net_after_discount * rate)``.
- Shipping is the destination zone's rate for the method in the order's currency, free when the
  lines after discounts reach the rate's ``free_over``; pickup is always free. The fee is stated
  like the channel's prices (gross when they include tax) and taxed at the destination's
  standard rate, rounded on its own. A request may waive it (``waive_shipping``: linked orders).
- ``total`` is the amount due: ``subtotal - discount + shipping`` when prices include tax (the
  tax is inside), else ``subtotal - discount + shipping + tax``.

Every reason a request cannot be priced is collected and raised at once, each naming the field of
the caller's request (``lines.2.discount``); the caller says where the destination country sits
in its request (``shipping_address.country`` for orders) and which index each line had there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from oms.orders.pricing.domain.errors import UnsupportedDestination
from oms.orders.pricing.domain.rates import PricingRates, ShippingMethod, ShippingZone
from oms.shared.errors import FieldProblem, Invalid
from oms.shared.money import Money

COUNTRY_FIELD = "shipping_address.country"
"""Where an order request carries its destination country."""


@dataclass(frozen=True, kw_only=True)
class PricedLine:
    """One order line to price."""

    sku: str
    quantity: int
    unit_price: Money
    """As the channel sells it: gross if its prices include tax, else net."""
    tax_category: str
    """The catalog's tax category: ``standard``, ``reduced``, ``zero`` or ``exempt``."""
    discount: Money | None = None
    """Total discount on the line; None means none."""


@dataclass(frozen=True, kw_only=True)
class QuoteRequest:
    currency: str
    prices_include_tax: bool
    country: str
    """Destination ISO 3166-1 alpha-2 code (the pickup store's country for pickup)."""
    shipping_method: ShippingMethod
    lines: tuple[PricedLine, ...]
    waive_shipping: bool = False
    """No shipping fee whatever the zone's rates (an exchange or reship order ships at the
    merchant's cost); the lines are taxed as ever."""


@dataclass(frozen=True, kw_only=True)
class LineQuote:
    sku: str
    quantity: int
    unit_price: Money
    subtotal: Money
    """``unit_price * quantity``."""
    discount: Money
    tax_rate: Decimal
    tax: Money
    total: Money
    """What the customer pays for the line, tax included."""


@dataclass(frozen=True, kw_only=True)
class Quote:
    """A priced order. ``tax`` includes the shipping tax; ``total`` is the amount due."""

    lines: tuple[LineQuote, ...]
    subtotal: Money
    shipping: Money
    shipping_tax: Money
    discount: Money
    tax: Money
    total: Money
    prices_include_tax: bool
    currency: str
    shipping_zone: str | None
    country: str
    shipping_method: ShippingMethod


def pricing_problems(
    request: QuoteRequest,
    rates: PricingRates,
    *,
    country_field: str = COUNTRY_FIELD,
    positions: Sequence[int] | None = None,
) -> list[FieldProblem]:
    """Every reason ``request`` cannot be priced with ``rates``; empty when it can.

    ``positions`` gives each line's index in the caller's request (default: 0, 1, 2...), so a
    caller that priced only some of its lines still names the right ones.
    """
    indexes = _indexes(request, positions)
    zone = rates.zone_for(request.country)
    if zone is None:
        problems = [_unsupported(request.country, country_field)]
    else:
        problems = _shipping_problems(request, zone, rates, country_field)
    for index, line in zip(indexes, request.lines, strict=True):
        problems.extend(
            _line_problems(line, request, rates, at=f"lines.{index}", taxed=zone is not None)
        )
    return problems


def refuse_pricing(problems: Sequence[FieldProblem], *, country: str, country_field: str) -> None:
    """Raise one error naming every problem, if there are any.

    It is ``UnsupportedDestination`` when the destination is among them, else ``Invalid``.
    """
    if not problems:
        return
    destination = _unsupported(country, country_field)
    if destination in problems:
        others = [p for p in problems if p != destination]
        raise UnsupportedDestination(country, field=country_field, problems=others)
    raise Invalid("the order cannot be priced", problems=list(problems))


def price(
    request: QuoteRequest,
    rates: PricingRates,
    *,
    country_field: str = COUNTRY_FIELD,
    positions: Sequence[int] | None = None,
) -> Quote:
    """Price ``request`` with ``rates``, or raise naming every field that prevents it."""
    problems = pricing_problems(request, rates, country_field=country_field, positions=positions)
    refuse_pricing(problems, country=request.country, country_field=country_field)
    zone = rates.zone_for(request.country)
    assert zone is not None  # pricing_problems() named unsupported destinations
    currency = request.currency
    lines = tuple(_line_quote(line, request, rates) for line in request.lines)
    subtotal = sum((line.subtotal for line in lines), Money.zero(currency))
    discount = sum((line.discount for line in lines), Money.zero(currency))
    shipping = _shipping(request, zone, subtotal - discount)
    shipping_rate = rates.tax_rate(request.country, "standard") or Decimal(0)
    shipping_tax = _tax(shipping, shipping_rate, included=request.prices_include_tax)
    tax = sum((line.tax for line in lines), shipping_tax)
    total = subtotal - discount + shipping
    if not request.prices_include_tax:
        total += tax
    return Quote(
        lines=lines,
        subtotal=subtotal,
        shipping=shipping,
        shipping_tax=shipping_tax,
        discount=discount,
        tax=tax,
        total=total,
        prices_include_tax=request.prices_include_tax,
        currency=currency,
        shipping_zone=zone.code,
        country=request.country,
        shipping_method=request.shipping_method,
    )


def _indexes(request: QuoteRequest, positions: Sequence[int] | None) -> Sequence[int]:
    if positions is None:
        return range(len(request.lines))
    if len(positions) != len(request.lines):
        raise ValueError("positions must give one index per line")
    return positions


def _unsupported(country: str, field: str) -> FieldProblem:
    return FieldProblem(field, f"no shipping zone serves {country!r}")


def _shipping_problems(
    request: QuoteRequest, zone: ShippingZone, rates: PricingRates, country_field: str
) -> list[FieldProblem]:
    method = request.shipping_method
    if method is ShippingMethod.PICKUP or request.waive_shipping:
        return []
    rate = zone.rate_for(method, request.currency)
    if rate is None:
        message = f"{method} shipping to {request.country} in {request.currency} is not offered"
        return [FieldProblem("shipping_method", message)]
    if rate.price.amount > 0 and rates.tax_rate(request.country, "standard") is None:
        message = f"no standard tax rate is configured for {request.country} to tax shipping"
        return [FieldProblem(country_field, message)]
    return []


def _line_problems(
    line: PricedLine, request: QuoteRequest, rates: PricingRates, *, at: str, taxed: bool
) -> list[FieldProblem]:
    problems = []
    if line.quantity < 1:
        problems.append(FieldProblem(f"{at}.quantity", "must be at least 1"))
    if line.unit_price.currency != request.currency:
        problems.append(FieldProblem(f"{at}.unit_price", f"must be in {request.currency}"))
    elif line.unit_price.is_negative():
        problems.append(FieldProblem(f"{at}.unit_price", "must not be negative"))
    elif line.discount is not None:
        problems.extend(_discount_problems(line, request.currency, at))
    if taxed and rates.tax_rate(request.country, line.tax_category) is None:
        message = (
            f"{line.sku} is taxed at the {line.tax_category} rate, "
            f"but no {line.tax_category} tax rate is configured for {request.country}"
        )
        problems.append(FieldProblem(f"{at}.sku", message))
    return problems


def _discount_problems(line: PricedLine, currency: str, at: str) -> list[FieldProblem]:
    discount = line.discount
    assert discount is not None
    if discount.currency != currency:
        return [FieldProblem(f"{at}.discount", f"must be in {currency}")]
    if discount.is_negative():
        return [FieldProblem(f"{at}.discount", "must not be negative")]
    if line.quantity >= 1 and line.unit_price * line.quantity < discount:
        return [FieldProblem(f"{at}.discount", "must not exceed the line's subtotal")]
    return []


def _tax(amount: Money, rate: Decimal, *, included: bool) -> Money:
    if included:
        return Money(amount.amount * rate / (1 + rate), amount.currency)
    return Money(amount.amount * rate, amount.currency)


def _line_quote(line: PricedLine, request: QuoteRequest, rates: PricingRates) -> LineQuote:
    rate = rates.tax_rate(request.country, line.tax_category)
    assert rate is not None  # pricing_problems() named lines without a rate
    subtotal = line.unit_price * line.quantity
    discount = line.discount or Money.zero(request.currency)
    after_discount = subtotal - discount
    tax = _tax(after_discount, rate, included=request.prices_include_tax)
    return LineQuote(
        sku=line.sku,
        quantity=line.quantity,
        unit_price=line.unit_price,
        subtotal=subtotal,
        discount=discount,
        tax_rate=rate,
        tax=tax,
        total=after_discount if request.prices_include_tax else after_discount + tax,
    )


def _shipping(request: QuoteRequest, zone: ShippingZone, order_value: Money) -> Money:
    if request.shipping_method is ShippingMethod.PICKUP or request.waive_shipping:
        return Money.zero(request.currency)
    rate = zone.rate_for(request.shipping_method, request.currency)
    assert rate is not None  # pricing_problems() named methods the zone does not offer
    return rate.charge(order_value)
