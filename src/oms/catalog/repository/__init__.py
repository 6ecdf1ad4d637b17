"""The catalog behind the ``PRODUCTS`` port: what catalog services may ask of storage.

The product is the aggregate: its variants and their prices are read and changed with it, and
every change raises the product's one version (``revise``), written only over the version it was
read at. ``Products`` is the protocol (an in-memory double serves it in unit tests);
``SqlProducts`` in ``products.py`` is the SQL behind ``tx.repo(PRODUCTS)``.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol
from uuid import UUID

from oms.catalog.domain import Product, Variant, VariantRef
from oms.catalog.repository.products import ProductFilter, SqlProducts
from oms.platform.unit_of_work import Port
from oms.shared.money import Money

__all__ = ["PRODUCTS", "ProductFilter", "Products", "SqlProducts"]


class Products(Protocol):
    """The catalog's products with their variants and channel prices."""

    def by_id(
        self, product_id: UUID, *, channel: str | None = None, lock: bool = False
    ) -> Product | None:
        """One product with the prices ``channel`` may see (all when None); ``lock`` holds
        the product row until commit, so every change to the aggregate queues behind it."""
        ...

    def by_sku(self, sku: str, *, channel: str | None = None, lock: bool = False) -> Product | None:
        """The product one of whose variants has ``sku`` (any case), as ``by_id``."""
        ...

    def page(
        self, *, where: ProductFilter, after: UUID | None, limit: int, channel: str | None
    ) -> list[Product]:
        """Products in creation order (ids are time-ordered), after the id ``after``."""
        ...

    def handle_taken(self, handle: str) -> bool: ...

    def taken_skus(self, skus: Collection[str]) -> set[str]:
        """The upper-cased keys among ``skus`` that some variant already uses."""
        ...

    def taken_gtins(self, gtins: Collection[str], *, besides: UUID | None = None) -> set[str]:
        """The 14-digit keys among ``gtins`` used by a variant other than ``besides``."""
        ...

    def variant_refs(self, skus: Collection[str]) -> dict[str, VariantRef]:
        """References keyed by upper-cased SKU, with what they need from their product."""
        ...

    def all_variant_refs(self, bound: int) -> dict[str, VariantRef] | None:
        """Every variant's reference as ``variant_refs`` keys them; None if more than ``bound``."""
        ...

    def prices_for(self, skus: Collection[str], channel: str) -> dict[str, Money]:
        """Prices in ``channel`` keyed by upper-cased SKU; SKUs without one are absent."""
        ...

    def all_prices(self, channel: str, bound: int) -> dict[str, Money] | None:
        """Every price in ``channel`` keyed by upper-cased SKU; None if more than ``bound``."""
        ...

    def add(self, product: Product, now: datetime) -> None:
        """Store a new product with its first variants."""
        ...

    def add_variant(self, product: Product, variant: Variant, now: datetime) -> None:
        """Store a new variant after the product's others (the product row is locked)."""
        ...

    def update_variant(self, variant: Variant, now: datetime) -> None:
        """Store a variant's columns; its product and position never change."""
        ...

    def save_price(
        self, variant_id: UUID, channel: str, price: Money, *, exists_now: bool, now: datetime
    ) -> None:
        """Insert or replace a variant's price in a channel."""
        ...

    def delete_price(self, variant_id: UUID, channel: str) -> None: ...

    def revise(self, product: Product, now: datetime) -> Product:
        """Store the product's own columns one version up from the one read; every change to
        the aggregate ends here."""
        ...


PRODUCTS: Port[Products] = Port("catalog.products", SqlProducts)
