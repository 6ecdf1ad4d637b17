"""API schemas of order pricing: tax rates, shipping zones and quotes."""

from __future__ import annotations

from pydantic import Field

from oms.orders.pricing.domain import (
    LineQuote,
    Quote,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    TaxRate,
    ZoneRate,
)
from oms.orders.pricing.services import PreviewQuote, QuoteLine
from oms.platform.schemas import (
    DecimalAmount,
    DecimalString,
    Input,
    MoneyIn,
    MoneyOut,
    Output,
    Quantity,
)
from oms.shared.errors import Invalid
from oms.shared.money import Money, exponent, is_currency

COUNTRY = Field(min_length=2, max_length=2, examples=["DE"], description="ISO 3166-1 alpha-2.")


class TaxRateIn(Input):
    rate: DecimalAmount = Field(
        examples=["0.19"],
        description="A decimal fraction as a string (`0.19` for 19 %): at least 0, below 1, "
        "at most 6 decimal places.",
    )


class TaxRateOut(Output):
    country: str
    tax_category: str
    rate: DecimalString = Field(description="A decimal fraction (`0.19` for 19 %).")

    @classmethod
    def of(cls, rate: TaxRate) -> TaxRateOut:
        return cls(country=rate.country, tax_category=rate.tax_category, rate=rate.rate)


class ShippingRateIn(Input):
    method: ShippingMethod = Field(description="`standard` or `express`; pickup is always free.")
    currency: str = Field(min_length=3, max_length=3, examples=["EUR"])
    amount: DecimalAmount = Field(
        examples=["4.90"],
        description="The fee as a decimal string, stated like the ordering channel's prices: "
        "tax included when they include tax, net otherwise.",
    )
    free_over: DecimalAmount | None = Field(
        default=None,
        examples=["60.00"],
        description="Orders whose lines after discounts reach this value ship free.",
    )

    def to_domain(self) -> ZoneRate:
        return ZoneRate(
            method=self.method,
            currency=self.currency,
            amount=self.amount,
            free_over=self.free_over,
        )


class ShippingZoneIn(Input):
    name: str = Field(min_length=1, max_length=200)
    countries: list[str] = Field(
        min_length=1, max_length=300, examples=[["DE", "FR"]], description="ISO country codes."
    )
    rates: list[ShippingRateIn] = Field(default_factory=list, max_length=100)


class ShippingRateOut(Output):
    method: ShippingMethod
    price: MoneyOut
    free_over: MoneyOut | None

    @classmethod
    def of(cls, rate: ShippingRate) -> ShippingRateOut:
        free_over = rate.free_over
        return cls(
            method=rate.method,
            price=MoneyOut.of(rate.price),
            free_over=MoneyOut.of(free_over) if free_over is not None else None,
        )


class ShippingZoneOut(Output):
    code: str
    name: str
    countries: list[str]
    rates: list[ShippingRateOut]

    @classmethod
    def of(cls, zone: ShippingZone) -> ShippingZoneOut:
        return cls(
            code=zone.code,
            name=zone.name,
            countries=list(zone.countries),
            rates=[ShippingRateOut.of(rate) for rate in zone.rates],
        )


def _money(money: MoneyIn | None, at: str) -> Money | None:
    """The caller's amount as money; a malformed one is refused here, before any look-up."""
    if money is None:
        return None
    if not is_currency(money.currency):
        raise Invalid("is not an ISO 4217 currency", field=f"{at}.currency")
    exact = Money(money.amount, money.currency)
    if exact.amount != money.amount:
        places = exponent(money.currency)
        raise Invalid(f"{money.currency} allows {places} decimal places", field=f"{at}.amount")
    return exact


class QuoteLineIn(Input):
    sku: str = Field(min_length=1, max_length=64)
    quantity: Quantity
    unit_price: MoneyIn | None = Field(
        default=None, description="The caller's own price; omitted, the channel's price applies."
    )
    discount: MoneyIn | None = Field(default=None, description="Total discount on the line.")


class QuoteIn(Input):
    channel: str = Field(min_length=1, max_length=40, examples=["web"])
    country: str = COUNTRY
    shipping_method: ShippingMethod
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=500)

    def to_command(self) -> PreviewQuote:
        return PreviewQuote(
            channel=self.channel,
            country=self.country,
            shipping_method=self.shipping_method,
            lines=tuple(
                QuoteLine(
                    sku=line.sku,
                    quantity=line.quantity,
                    unit_price=_money(line.unit_price, f"lines.{index}.unit_price"),
                    discount=_money(line.discount, f"lines.{index}.discount"),
                )
                for index, line in enumerate(self.lines)
            ),
        )


class LineQuoteOut(Output):
    sku: str
    quantity: int
    unit_price: MoneyOut
    subtotal: MoneyOut = Field(description="`unit_price * quantity`.")
    discount: MoneyOut
    tax_rate: DecimalString
    tax: MoneyOut
    total: MoneyOut = Field(description="What the customer pays for the line, tax included.")

    @classmethod
    def of(cls, line: LineQuote) -> LineQuoteOut:
        return cls(
            sku=line.sku,
            quantity=line.quantity,
            unit_price=MoneyOut.of(line.unit_price),
            subtotal=MoneyOut.of(line.subtotal),
            discount=MoneyOut.of(line.discount),
            tax_rate=line.tax_rate,
            tax=MoneyOut.of(line.tax),
            total=MoneyOut.of(line.total),
        )


class QuoteOut(Output):
    currency: str
    prices_include_tax: bool
    country: str
    shipping_method: ShippingMethod
    shipping_zone: str | None
    lines: list[LineQuoteOut]
    subtotal: MoneyOut
    discount: MoneyOut
    shipping: MoneyOut
    shipping_tax: MoneyOut
    tax: MoneyOut = Field(description="All tax, shipping tax included.")
    total: MoneyOut = Field(
        description="The amount due: subtotal - discount + shipping, plus tax unless prices "
        "include it."
    )

    @classmethod
    def of(cls, quote: Quote) -> QuoteOut:
        return cls(
            currency=quote.currency,
            prices_include_tax=quote.prices_include_tax,
            country=quote.country,
            shipping_method=quote.shipping_method,
            shipping_zone=quote.shipping_zone,
            lines=[LineQuoteOut.of(line) for line in quote.lines],
            subtotal=MoneyOut.of(quote.subtotal),
            discount=MoneyOut.of(quote.discount),
            shipping=MoneyOut.of(quote.shipping),
            shipping_tax=MoneyOut.of(quote.shipping_tax),
            tax=MoneyOut.of(quote.tax),
            total=MoneyOut.of(quote.total),
        )
