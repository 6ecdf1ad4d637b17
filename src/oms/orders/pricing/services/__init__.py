"""Use cases of order pricing: configuration, and pricing orders."""

from oms.orders.pricing.services.configuration import (
    DeleteShippingZone,
    PutShippingZone,
    RemoveTaxRate,
    SetTaxRate,
    delete_shipping_zone,
    get_shipping_zone,
    list_shipping_zones,
    list_tax_rates,
    put_shipping_zone,
    remove_tax_rate,
    set_tax_rate,
)
from oms.orders.pricing.services.quotes import (
    PreviewQuote,
    QuoteLine,
    load_rates,
    preview_quote,
    quote,
)

__all__ = [
    "DeleteShippingZone",
    "PreviewQuote",
    "PutShippingZone",
    "QuoteLine",
    "RemoveTaxRate",
    "SetTaxRate",
    "delete_shipping_zone",
    "get_shipping_zone",
    "list_shipping_zones",
    "list_tax_rates",
    "load_rates",
    "preview_quote",
    "put_shipping_zone",
    "quote",
    "remove_tax_rate",
    "set_tax_rate",
]
