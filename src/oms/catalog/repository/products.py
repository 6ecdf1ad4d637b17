"""Products, variants and prices in SQL (SQLAlchemy Core): ``SqlProducts``, bound by ``PRODUCTS``.

A page of products costs two statements whatever its size: the products, then their variants
joined to the prices the reader may see. A SKU, GTIN or handle that a concurrent writer took
first comes back as the domain's ``SkuTaken``, ``GtinTaken`` or ``HandleTaken``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    delete,
    exists,
    insert,
    or_,
    select,
)
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError

from oms.catalog.domain import (
    Dimensions,
    GtinTaken,
    HandleTaken,
    Product,
    SkuTaken,
    TaxCategory,
    Translation,
    Variant,
    VariantRef,
    gtin_key,
    sku_key,
    variant_name,
)
from oms.catalog.tables import product_variants, products, variant_prices
from oms.shared.errors import DomainError
from oms.shared.money import Money
from oms.shared.versions import StaleVersion


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductFilter:
    """``q`` matches a name or SKU substring (any case); ``sku`` one SKU exactly (any case);
    ``category`` a category and everything filed under it (``Home`` finds ``Home > Kitchen``)."""

    q: str | None = None
    sku: str | None = None
    active: bool | None = None
    category: str | None = None


def _dimensions(row: Row[Any]) -> Dimensions | None:
    if row.length_mm is None:
        return None
    return Dimensions(length=row.length_mm, width=row.width_mm, height=row.height_mm)


def _variant(row: Row[Any], prices: dict[str, Money]) -> Variant:
    return Variant(
        id=row.id,
        product_id=row.product_id,
        sku=row.sku,
        gtin=row.gtin,
        options=dict(row.options),
        weight_grams=row.weight_grams,
        dimensions=_dimensions(row),
        active=row.active,
        prices=prices,
    )


def _variants(
    c: Connection, product_ids: Sequence[UUID], channel: str | None
) -> dict[UUID, list[Variant]]:
    """The products' variants in creation order, each with the prices ``channel`` may see."""
    on = variant_prices.c.variant_id == product_variants.c.id
    if channel is not None:
        on = and_(on, variant_prices.c.channel_code == channel)
    rows = c.execute(
        select(
            product_variants,
            variant_prices.c.channel_code,
            variant_prices.c.amount_minor,
            variant_prices.c.currency,
        )
        .outerjoin(variant_prices, on)
        .where(product_variants.c.product_id.in_(list(product_ids)))
        .order_by(
            product_variants.c.product_id,
            product_variants.c.position,
            variant_prices.c.channel_code,
        )
    ).all()
    found: dict[UUID, list[Variant]] = {pid: [] for pid in product_ids}
    prices: dict[UUID, dict[str, Money]] = {}
    for row in rows:
        if row.id not in prices:
            prices[row.id] = {}
            found[row.product_id].append(_variant(row, prices[row.id]))
        if row.channel_code is not None:
            prices[row.id][row.channel_code] = Money.from_minor(row.amount_minor, row.currency)
    return found


def _products(c: Connection, rows: Sequence[Row[Any]], channel: str | None) -> list[Product]:
    variants = _variants(c, [row.id for row in rows], channel)
    return [
        Product(
            id=row.id,
            name=row.name,
            description=row.description,
            handle=row.handle,
            default_locale=row.default_locale,
            translations={
                locale: Translation(name=t["name"], description=t.get("description", ""))
                for locale, t in row.translations.items()
            },
            tax_category=TaxCategory(row.tax_category),
            returnable=row.returnable,
            category=row.category,
            option_names=tuple(row.option_names),
            active=row.active,
            variants=tuple(variants[row.id]),
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
        )
        for row in rows
    ]


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(where: ProductFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.active is not None:
        conditions.append(products.c.active == where.active)
    if where.sku is not None:
        conditions.append(
            exists().where(
                product_variants.c.product_id == products.c.id,
                product_variants.c.sku_key == sku_key(where.sku),
            )
        )
    if where.category is not None:
        conditions.append(
            or_(
                products.c.category == where.category,
                products.c.category.like(f"{_escaped(where.category)} > %", escape="\\"),
            )
        )
    if where.q:
        pattern = f"%{_escaped(where.q)}%"
        conditions.append(
            or_(
                products.c.name.ilike(pattern, escape="\\"),
                exists().where(
                    product_variants.c.product_id == products.c.id,
                    product_variants.c.sku_key.like(sku_key(pattern), escape="\\"),
                ),
            )
        )
    return conditions


def _product_values(product: Product) -> dict[str, Any]:
    """The product's columns except id, version and times."""
    return {
        "handle": product.handle,
        "name": product.name,
        "description": product.description,
        "default_locale": product.default_locale,
        "translations": {
            locale: {"name": t.name, "description": t.description}
            for locale, t in sorted(product.translations.items())
        },
        "tax_category": product.tax_category.value,
        "returnable": product.returnable,
        "category": product.category,
        "option_names": list(product.option_names),
        "active": product.active,
    }


def _variant_values(variant: Variant) -> dict[str, Any]:
    """The variant's columns except ids, position and times."""
    size = variant.dimensions
    return {
        "sku": variant.sku,
        "sku_key": sku_key(variant.sku),
        "gtin": variant.gtin,
        "gtin_key": gtin_key(variant.gtin) if variant.gtin else None,
        "options": dict(variant.options),
        "weight_grams": variant.weight_grams,
        "length_mm": size.length if size else None,
        "width_mm": size.width if size else None,
        "height_mm": size.height if size else None,
        "active": variant.active,
    }


def _conflict(error: IntegrityError, product: Product, variants: Sequence[Variant]) -> DomainError:
    """A concurrent writer won a unique index after the service's check; say which one."""
    message = str(error.orig)
    if "gtin" in message:
        return GtinTaken(next((v.gtin for v in variants if v.gtin), ""))
    if "handle" in message and product.handle:
        return HandleTaken(product.handle)
    return SkuTaken(", ".join(v.sku for v in variants))


class SqlProducts:
    """``Products`` on the ``products``, ``product_variants`` and ``variant_prices`` tables."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def by_id(
        self, product_id: UUID, *, channel: str | None = None, lock: bool = False
    ) -> Product | None:
        return self._one(products.c.id == product_id, channel=channel, lock=lock)

    def by_sku(self, sku: str, *, channel: str | None = None, lock: bool = False) -> Product | None:
        owner = select(product_variants.c.product_id).where(
            product_variants.c.sku_key == sku_key(sku)
        )
        return self._one(products.c.id == owner.scalar_subquery(), channel=channel, lock=lock)

    def _one(
        self, where: ColumnElement[bool], *, channel: str | None, lock: bool
    ) -> Product | None:
        query = select(products).where(where)
        if lock:
            query = query.with_for_update(key_share=True)
        found = _products(self.c, self.c.execute(query).all(), channel)
        return found[0] if found else None

    def page(
        self, *, where: ProductFilter, after: UUID | None, limit: int, channel: str | None
    ) -> list[Product]:
        query = select(products).where(*_conditions(where)).order_by(products.c.id).limit(limit)
        if after is not None:
            query = query.where(products.c.id > after)
        return _products(self.c, self.c.execute(query).all(), channel)

    def handle_taken(self, handle: str) -> bool:
        query = select(products.c.id).where(products.c.handle == handle)
        return self.c.execute(query).first() is not None

    def taken_skus(self, skus: Collection[str]) -> set[str]:
        keys = [sku_key(s) for s in skus]
        query = select(product_variants.c.sku_key).where(product_variants.c.sku_key.in_(keys))
        return set(self.c.execute(query).scalars())

    def taken_gtins(self, gtins: Collection[str], *, besides: UUID | None = None) -> set[str]:
        query = select(product_variants.c.gtin_key).where(
            product_variants.c.gtin_key.in_([gtin_key(g) for g in gtins])
        )
        if besides is not None:
            query = query.where(product_variants.c.id != besides)
        return set(self.c.execute(query).scalars())

    def variant_refs(self, skus: Collection[str]) -> dict[str, VariantRef]:
        rows = self.c.execute(
            self._variant_refs().where(product_variants.c.sku_key.in_([sku_key(s) for s in skus]))
        ).all()
        return {row.sku_key: _variant_ref(row) for row in rows}

    def all_variant_refs(self, bound: int) -> dict[str, VariantRef] | None:
        rows = self.c.execute(self._variant_refs().limit(bound + 1)).all()
        if len(rows) > bound:
            return None
        return {row.sku_key: _variant_ref(row) for row in rows}

    @staticmethod
    def _variant_refs() -> Select[Any]:
        return select(
            product_variants,
            products.c.name,
            products.c.option_names,
            products.c.returnable,
            products.c.tax_category,
            products.c.active.label("product_active"),
        ).join(products, products.c.id == product_variants.c.product_id)

    def prices_for(self, skus: Collection[str], channel: str) -> dict[str, Money]:
        rows = self.c.execute(
            self._prices(channel).where(product_variants.c.sku_key.in_([sku_key(s) for s in skus]))
        ).all()
        return {row.sku_key: Money.from_minor(row.amount_minor, row.currency) for row in rows}

    def all_prices(self, channel: str, bound: int) -> dict[str, Money] | None:
        rows = self.c.execute(self._prices(channel).limit(bound + 1)).all()
        if len(rows) > bound:
            return None
        return {row.sku_key: Money.from_minor(row.amount_minor, row.currency) for row in rows}

    @staticmethod
    def _prices(channel: str) -> Select[Any]:
        p = variant_prices.c
        return (
            select(product_variants.c.sku_key, p.amount_minor, p.currency)
            .join(variant_prices, p.variant_id == product_variants.c.id)
            .where(p.channel_code == channel)
        )

    def add(self, product: Product, now: datetime) -> None:
        try:
            with self.c.begin_nested():
                self.c.execute(
                    insert(products).values(
                        id=product.id,
                        **_product_values(product),
                        version=product.version,
                        created_at=now,
                        updated_at=now,
                    )
                )
                self._insert_variants(product.variants, now, first_position=0)
        except IntegrityError as error:
            raise _conflict(error, product, product.variants) from None

    def add_variant(self, product: Product, variant: Variant, now: datetime) -> None:
        try:
            with self.c.begin_nested():
                self._insert_variants([variant], now, first_position=len(product.variants))
        except IntegrityError as error:
            raise _conflict(error, product, [variant]) from None

    def _insert_variants(
        self, variants: Iterable[Variant], now: datetime, *, first_position: int
    ) -> None:
        rows = [
            {
                "id": v.id,
                "product_id": v.product_id,
                **_variant_values(v),
                "position": position,
                "created_at": now,
                "updated_at": now,
            }
            for position, v in enumerate(variants, start=first_position)
        ]
        if rows:
            self.c.execute(insert(product_variants), rows)

    def update_variant(self, variant: Variant, now: datetime) -> None:
        try:
            with self.c.begin_nested():
                self.c.execute(
                    sql_update(product_variants)
                    .where(product_variants.c.id == variant.id)
                    .values(**_variant_values(variant), updated_at=now)
                )
        except IntegrityError:
            raise GtinTaken(variant.gtin or "") from None

    def save_price(
        self, variant_id: UUID, channel: str, price: Money, *, exists_now: bool, now: datetime
    ) -> None:
        """Insert or replace; the caller holds the product's row lock, so no upsert race."""
        values = {"amount_minor": price.minor, "currency": price.currency, "updated_at": now}
        p = variant_prices.c
        if exists_now:
            self.c.execute(
                sql_update(variant_prices)
                .where(p.variant_id == variant_id, p.channel_code == channel)
                .values(**values)
            )
        else:
            self.c.execute(
                insert(variant_prices).values(variant_id=variant_id, channel_code=channel, **values)
            )

    def delete_price(self, variant_id: UUID, channel: str) -> None:
        p = variant_prices.c
        self.c.execute(
            delete(variant_prices).where(p.variant_id == variant_id, p.channel_code == channel)
        )

    def revise(self, product: Product, now: datetime) -> Product:
        written = self.c.execute(
            sql_update(products)
            .where(products.c.id == product.id, products.c.version == product.version)
            .values(**_product_values(product), version=product.version + 1, updated_at=now)
        ).rowcount
        if written != 1:
            raise StaleVersion("product", str(product.id), expected=[product.version])
        return dataclasses.replace(product, version=product.version + 1, updated_at=now)


def _variant_ref(row: Any) -> VariantRef:
    return VariantRef(
        id=row.id,
        sku=row.sku,
        product_id=row.product_id,
        name=variant_name(row.name, row.option_names, row.options),
        returnable=row.returnable,
        tax_category=TaxCategory(row.tax_category),
        active=row.active and row.product_active,
        gtin=row.gtin,
        weight_grams=row.weight_grams,
        dimensions=_dimensions(row),
    )
