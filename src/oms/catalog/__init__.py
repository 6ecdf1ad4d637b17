"""The catalog: products, their variants (SKU, GTIN), translations and prices per channel.

Public interface for other contexts; everything else in this package is private. Order capture
needs ``find_variants`` (what a SKU is) and ``prices_for`` (what it costs in a channel); both
match SKUs in any case and key their answers as the caller spelled them.
"""

from oms.catalog.domain import (
    ChannelPrice,
    Dimensions,
    GtinTaken,
    HandleTaken,
    PriceChanged,
    PriceNotFound,
    Product,
    ProductChanged,
    ProductCreated,
    ProductNotFound,
    SkuTaken,
    TaxCategory,
    Translation,
    Variant,
    VariantDetail,
    VariantNotFound,
    VariantRef,
    gtin_problem,
)
from oms.catalog.services import (
    AddVariant,
    CreateProduct,
    NewVariant,
    RemovePrice,
    SetPrice,
    UpdateProduct,
    UpdateVariant,
    add_variant,
    create_product,
    find_variants,
    get_product,
    get_variant,
    list_products,
    preload_prices,
    preload_variants,
    prices_for,
    remove_price,
    set_price,
    update_product,
    update_variant,
)
from oms.shared.events import Event

__all__ = [
    "EVENTS",
    "AddVariant",
    "ChannelPrice",
    "CreateProduct",
    "Dimensions",
    "GtinTaken",
    "HandleTaken",
    "NewVariant",
    "PriceNotFound",
    "Product",
    "ProductNotFound",
    "RemovePrice",
    "SetPrice",
    "SkuTaken",
    "TaxCategory",
    "Translation",
    "UpdateProduct",
    "UpdateVariant",
    "Variant",
    "VariantDetail",
    "VariantNotFound",
    "VariantRef",
    "add_variant",
    "create_product",
    "find_variants",
    "get_product",
    "get_variant",
    "gtin_problem",
    "list_products",
    "preload_prices",
    "preload_variants",
    "prices_for",
    "remove_price",
    "set_price",
    "update_product",
    "update_variant",
]

EVENTS: tuple[type[Event], ...] = (ProductCreated, ProductChanged, PriceChanged)
"""The event types this context publishes (the composition root registers them)."""
