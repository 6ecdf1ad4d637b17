"""Order pricing: tax rates per country and category, shipping zones and rates, quotes.

Public interface for the rest of the orders context (other contexts reach pricing through
``oms.orders``). Order capture builds a ``QuoteRequest`` from the channel (currency,
``prices_include_tax``), the catalog (unit prices, tax categories) and the destination, then calls
``quote``; ``price`` is the same maths on rates already loaded, with no I/O. Both raise one
``Invalid`` naming every field that prevents pricing (``UnsupportedDestination`` when no zone
serves the country). See ``oms.orders.pricing.domain.quote`` for the rounding rules.

The pure parts (everything but the services) also live in ``oms.orders.pricing.domain``, which
imports no framework, for the orders domain to use.
"""

from oms.orders.pricing.domain import (
    COUNTRY_FIELD,
    CountryInAnotherZone,
    LineQuote,
    PricedLine,
    PricingRates,
    Quote,
    QuoteRequest,
    ShippingMethod,
    ShippingRate,
    ShippingZone,
    ShippingZoneChanged,
    ShippingZoneNotFound,
    ShippingZonesChangedConcurrently,
    TaxRate,
    TaxRateChanged,
    TaxRateNotFound,
    UnsupportedDestination,
    ZoneRate,
    is_country,
    price,
    pricing_problems,
    refuse_pricing,
)
from oms.orders.pricing.services import (
    DeleteShippingZone,
    PreviewQuote,
    PutShippingZone,
    QuoteLine,
    RemoveTaxRate,
    SetTaxRate,
    delete_shipping_zone,
    get_shipping_zone,
    list_shipping_zones,
    list_tax_rates,
    load_rates,
    preview_quote,
    put_shipping_zone,
    quote,
    remove_tax_rate,
    set_tax_rate,
)

__all__ = [
    "COUNTRY_FIELD",
    "CountryInAnotherZone",
    "DeleteShippingZone",
    "LineQuote",
    "PreviewQuote",
    "PricedLine",
    "PricingRates",
    "PutShippingZone",
    "Quote",
    "QuoteLine",
    "QuoteRequest",
    "RemoveTaxRate",
    "SetTaxRate",
    "ShippingMethod",
    "ShippingRate",
    "ShippingZone",
    "ShippingZoneChanged",
    "ShippingZoneNotFound",
    "ShippingZonesChangedConcurrently",
    "TaxRate",
    "TaxRateChanged",
    "TaxRateNotFound",
    "UnsupportedDestination",
    "ZoneRate",
    "delete_shipping_zone",
    "get_shipping_zone",
    "is_country",
    "list_shipping_zones",
    "list_tax_rates",
    "load_rates",
    "preview_quote",
    "price",
    "pricing_problems",
    "put_shipping_zone",
    "quote",
    "refuse_pricing",
    "remove_tax_rate",
    "set_tax_rate",
]
