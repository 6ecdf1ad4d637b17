"""Doubles of the catalog port: products with their variants and prices over a dict."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

from oms.catalog.domain import (
    GtinTaken,
    HandleTaken,
    Product,
    SkuTaken,
    Variant,
    VariantRef,
    gtin_key,
    sku_key,
    variant_name,
)
from oms.catalog.repository import PRODUCTS, ProductFilter, Products
from oms.shared.money import Money
from oms.shared.versions import StaleVersion

_OWN_FIELDS = (
    "name",
    "description",
    "handle",
    "default_locale",
    "translations",
    "tax_category",
    "returnable",
    "option_names",
    "active",
)
"""What ``revise`` writes: the product's own columns (variants and prices are written apart)."""


class InMemoryProducts:
    """``Products`` over a dict by id, keeping SKUs, GTINs and handles unique as the indexes do."""

    def __init__(self, *products: Product) -> None:
        self.stored: dict[UUID, Product] = {p.id: p for p in products}

    def _variants(self) -> list[Variant]:
        return [v for p in self.stored.values() for v in p.variants]

    def _seen_by(self, product: Product, channel: str | None) -> Product:
        if channel is None:
            return product
        return dataclasses.replace(
            product,
            variants=tuple(
                dataclasses.replace(v, prices={c: m for c, m in v.prices.items() if c == channel})
                for v in product.variants
            ),
        )

    def by_id(
        self, product_id: UUID, *, channel: str | None = None, lock: bool = False
    ) -> Product | None:
        found = self.stored.get(product_id)
        return None if found is None else self._seen_by(found, channel)

    def by_sku(self, sku: str, *, channel: str | None = None, lock: bool = False) -> Product | None:
        owner = next(
            (v.product_id for v in self._variants() if sku_key(v.sku) == sku_key(sku)), None
        )
        return None if owner is None else self.by_id(owner, channel=channel)

    def page(
        self, *, where: ProductFilter, after: UUID | None, limit: int, channel: str | None
    ) -> list[Product]:
        def matches(p: Product) -> bool:
            skus = [sku_key(v.sku) for v in p.variants]
            return (
                where.active in (None, p.active)
                and (where.sku is None or sku_key(where.sku) in skus)
                and (
                    not where.q
                    or where.q.casefold() in p.name.casefold()
                    or any(sku_key(where.q) in s for s in skus)
                )
            )

        found = sorted(
            (p for p in self.stored.values() if matches(p) and (after is None or p.id > after)),
            key=lambda p: p.id,
        )
        return [self._seen_by(p, channel) for p in found[:limit]]

    def handle_taken(self, handle: str) -> bool:
        return any(p.handle == handle for p in self.stored.values())

    def taken_skus(self, skus: Collection[str]) -> set[str]:
        used = {sku_key(v.sku) for v in self._variants()}
        return {sku_key(s) for s in skus} & used

    def taken_gtins(self, gtins: Collection[str], *, besides: UUID | None = None) -> set[str]:
        used = {gtin_key(v.gtin) for v in self._variants() if v.gtin and v.id != besides}
        return {gtin_key(g) for g in gtins} & used

    def variant_refs(self, skus: Collection[str]) -> dict[str, VariantRef]:
        wanted = {sku_key(s) for s in skus}
        return {
            sku_key(v.sku): VariantRef(
                id=v.id,
                sku=v.sku,
                product_id=p.id,
                name=variant_name(p.name, p.option_names, v.options),
                returnable=p.returnable,
                tax_category=p.tax_category,
                active=v.active and p.active,
                gtin=v.gtin,
                weight_grams=v.weight_grams,
                dimensions=v.dimensions,
            )
            for p in self.stored.values()
            for v in p.variants
            if sku_key(v.sku) in wanted
        }

    def all_variant_refs(self, bound: int) -> dict[str, VariantRef] | None:
        refs = self.variant_refs([v.sku for v in self._variants()])
        return None if len(refs) > bound else refs

    def all_prices(self, channel: str, bound: int) -> dict[str, Money] | None:
        prices = self.prices_for([v.sku for v in self._variants()], channel)
        return None if len(prices) > bound else prices

    def prices_for(self, skus: Collection[str], channel: str) -> dict[str, Money]:
        wanted = {sku_key(s) for s in skus}
        return {
            sku_key(v.sku): v.prices[channel]
            for v in self._variants()
            if sku_key(v.sku) in wanted and channel in v.prices
        }

    def _claim(self, product: Product, variants: tuple[Variant, ...]) -> None:
        if self.taken_skus([v.sku for v in variants]):
            raise SkuTaken(", ".join(v.sku for v in variants))
        gtins = [v.gtin for v in variants if v.gtin]
        if gtins and self.taken_gtins(gtins):
            raise GtinTaken(gtins[0])

    def add(self, product: Product, now: datetime) -> None:
        if product.handle and self.handle_taken(product.handle):
            raise HandleTaken(product.handle)
        self._claim(product, product.variants)
        self.stored[product.id] = dataclasses.replace(product, created_at=now, updated_at=now)

    def add_variant(self, product: Product, variant: Variant, now: datetime) -> None:
        self._claim(product, (variant,))
        stored = self.stored[product.id]
        self.stored[product.id] = dataclasses.replace(stored, variants=(*stored.variants, variant))

    def _replace_variant(self, variant_id: UUID, **changes: Any) -> None:
        for product in self.stored.values():
            if any(v.id == variant_id for v in product.variants):
                self.stored[product.id] = dataclasses.replace(
                    product,
                    variants=tuple(
                        dataclasses.replace(v, **changes) if v.id == variant_id else v
                        for v in product.variants
                    ),
                )

    def update_variant(self, variant: Variant, now: datetime) -> None:
        if variant.gtin and self.taken_gtins([variant.gtin], besides=variant.id):
            raise GtinTaken(variant.gtin)
        own = {f.name: getattr(variant, f.name) for f in dataclasses.fields(variant)}
        del own["prices"]
        self._replace_variant(variant.id, **own)

    def _prices_of(self, variant_id: UUID) -> dict[str, Money]:
        return dict(next(v.prices for v in self._variants() if v.id == variant_id))

    def save_price(
        self, variant_id: UUID, channel: str, price: Money, *, exists_now: bool, now: datetime
    ) -> None:
        self._replace_variant(variant_id, prices=self._prices_of(variant_id) | {channel: price})

    def delete_price(self, variant_id: UUID, channel: str) -> None:
        prices = self._prices_of(variant_id)
        del prices[channel]
        self._replace_variant(variant_id, prices=prices)

    def revise(self, product: Product, now: datetime) -> Product:
        stored = self.stored[product.id]
        if stored.version != product.version:
            raise StaleVersion("product", str(product.id), expected=[product.version])
        own = {name: getattr(product, name) for name in _OWN_FIELDS}
        version = product.version + 1
        self.stored[product.id] = dataclasses.replace(
            stored, **own, version=version, updated_at=now
        )
        return dataclasses.replace(product, version=version, updated_at=now)


def catalog_doubles(*products: Product) -> dict[str, Any]:
    """A double of the catalog port holding ``products``."""
    return {PRODUCTS.name: InMemoryProducts(*products)}


def _typed() -> None:
    """mypy proves the double implements its port's protocol (never called)."""
    check: Products = InMemoryProducts()
    del check
