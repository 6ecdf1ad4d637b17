"""Use cases of the catalog context: products and variants, and channel prices."""

from oms.catalog.services.prices import (
    RemovePrice,
    SetPrice,
    preload_prices,
    prices_for,
    remove_price,
    set_price,
)
from oms.catalog.services.products import (
    AddVariant,
    CreateProduct,
    NewVariant,
    UpdateProduct,
    UpdateVariant,
    add_variant,
    create_product,
    find_variants,
    get_product,
    get_variant,
    list_products,
    preload_variants,
    update_product,
    update_variant,
)

__all__ = [
    "AddVariant",
    "CreateProduct",
    "NewVariant",
    "RemovePrice",
    "SetPrice",
    "UpdateProduct",
    "UpdateVariant",
    "add_variant",
    "create_product",
    "find_variants",
    "get_product",
    "get_variant",
    "list_products",
    "preload_prices",
    "preload_variants",
    "prices_for",
    "remove_price",
    "set_price",
    "update_product",
    "update_variant",
]
