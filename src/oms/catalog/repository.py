"""Reading and writing products, variants and prices (SQLAlchemy Core).

A page of products costs two statements whatever its size: the products, then their variants
joined to the prices the reader may see.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, Row, and_, delete, exists, insert, or_, select
from sqlalchemy import update as sql_update

from oms.catalog.domain import (
    Dimensions,
    Product,
    TaxCategory,
    Translation,
    Variant,
    VariantRef,
    gtin_key,
    sku_key,
    variant_name,
)
from oms.catalog.tables import product_variants, products, variant_prices
from oms.shared.money import Money


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductFilter:
    """``q`` matches a name or SKU substring (any case); ``sku`` one SKU exactly (any case)."""

    q: str | None = None
    sku: str | None = None
    active: bool | None = None


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
            option_names=tuple(row.option_names),
            active=row.active,
            variants=tuple(variants[row.id]),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
        for row in rows
    ]


def product_by_id(c: Connection, product_id: UUID, channel: str | None = None) -> Product | None:
    """One product with its variants and the prices ``channel`` may see (all when None)."""
    rows = c.execute(select(products).where(products.c.id == product_id)).all()
    found = _products(c, rows, channel)
    return found[0] if found else None


def lock_product(c: Connection, product_id: UUID) -> bool:
    """Hold the product row until commit (variants are added one at a time); False if absent."""
    query = select(products.c.id).where(products.c.id == product_id).with_for_update()
    return c.execute(query).first() is not None


def product_id_of(c: Connection, sku: str, *, lock: bool = False) -> UUID | None:
    """The product a SKU belongs to; ``lock`` holds the variant row until commit."""
    query = select(product_variants.c.product_id).where(product_variants.c.sku_key == sku_key(sku))
    if lock:
        query = query.with_for_update()
    found: UUID | None = c.execute(query).scalar()
    return found


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


def list_products(
    c: Connection,
    *,
    where: ProductFilter,
    after: UUID | None,
    limit: int,
    channel: str | None = None,
) -> list[Product]:
    """Products in creation order (ids are time-ordered), after the cursor's id."""
    query = select(products).where(*_conditions(where)).order_by(products.c.id).limit(limit)
    if after is not None:
        query = query.where(products.c.id > after)
    return _products(c, c.execute(query).all(), channel)


def product_values(product: Product) -> dict[str, Any]:
    """The product's columns except id and times."""
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
        "option_names": list(product.option_names),
        "active": product.active,
    }


def insert_product(c: Connection, product: Product, now: datetime) -> None:
    """Insert a new product and its first variants."""
    c.execute(
        insert(products).values(
            id=product.id, **product_values(product), created_at=now, updated_at=now
        )
    )
    insert_variants(c, product.variants, now)


def update_product(c: Connection, product: Product, now: datetime) -> None:
    """Write the product's own columns (variants are written separately)."""
    c.execute(
        sql_update(products)
        .where(products.c.id == product.id)
        .values(**product_values(product), updated_at=now)
    )


def touch_product(c: Connection, product_id: UUID, now: datetime) -> None:
    """A change to a variant or price is a change to its product."""
    c.execute(sql_update(products).where(products.c.id == product_id).values(updated_at=now))


def variant_values(variant: Variant) -> dict[str, Any]:
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


def insert_variants(
    c: Connection, variants: Iterable[Variant], now: datetime, *, first_position: int = 0
) -> None:
    """Insert variants after the product's existing ones (``first_position`` is how many)."""
    rows = [
        {
            "id": v.id,
            "product_id": v.product_id,
            **variant_values(v),
            "position": position,
            "created_at": now,
            "updated_at": now,
        }
        for position, v in enumerate(variants, start=first_position)
    ]
    if rows:
        c.execute(insert(product_variants), rows)


def update_variant(c: Connection, variant: Variant, now: datetime) -> None:
    """Write a variant's columns; its product and position never change."""
    c.execute(
        sql_update(product_variants)
        .where(product_variants.c.id == variant.id)
        .values(**variant_values(variant), updated_at=now)
    )


def handle_taken(c: Connection, handle: str) -> bool:
    """Whether some product already uses ``handle``."""
    return c.execute(select(products.c.id).where(products.c.handle == handle)).first() is not None


def taken_skus(c: Connection, skus: Collection[str]) -> set[str]:
    """The upper-cased keys among ``skus`` that some variant already uses."""
    keys = [sku_key(s) for s in skus]
    query = select(product_variants.c.sku_key).where(product_variants.c.sku_key.in_(keys))
    return set(c.execute(query).scalars())


def taken_gtins(c: Connection, gtins: Collection[str], *, besides: UUID | None = None) -> set[str]:
    """The 14-digit keys among ``gtins`` used by a variant other than ``besides``."""
    query = select(product_variants.c.gtin_key).where(
        product_variants.c.gtin_key.in_([gtin_key(g) for g in gtins])
    )
    if besides is not None:
        query = query.where(product_variants.c.id != besides)
    return set(c.execute(query).scalars())


def variant_refs(c: Connection, skus: Collection[str]) -> dict[str, VariantRef]:
    """References keyed by upper-cased SKU, with what they need from their product."""
    rows = c.execute(
        select(
            product_variants,
            products.c.name,
            products.c.option_names,
            products.c.returnable,
            products.c.tax_category,
            products.c.active.label("product_active"),
        )
        .join(products, products.c.id == product_variants.c.product_id)
        .where(product_variants.c.sku_key.in_([sku_key(s) for s in skus]))
    ).all()
    refs = {}
    for row in rows:
        refs[row.sku_key] = VariantRef(
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
    return refs


def prices_for(c: Connection, skus: Collection[str], channel: str) -> dict[str, Money]:
    """Prices in ``channel`` keyed by upper-cased SKU; SKUs without one are absent."""
    rows = c.execute(
        select(product_variants.c.sku_key, variant_prices.c.amount_minor, variant_prices.c.currency)
        .join(variant_prices, variant_prices.c.variant_id == product_variants.c.id)
        .where(
            product_variants.c.sku_key.in_([sku_key(s) for s in skus]),
            variant_prices.c.channel_code == channel,
        )
    ).all()
    return {row.sku_key: Money.from_minor(row.amount_minor, row.currency) for row in rows}


def save_price(
    c: Connection,
    variant_id: UUID,
    channel: str,
    price: Money,
    *,
    exists_now: bool,
    now: datetime,
) -> None:
    """Insert or replace; the caller holds the variant's row lock, so no upsert race."""
    values = {"amount_minor": price.minor, "currency": price.currency, "updated_at": now}
    if exists_now:
        c.execute(
            sql_update(variant_prices)
            .where(
                variant_prices.c.variant_id == variant_id, variant_prices.c.channel_code == channel
            )
            .values(**values)
        )
    else:
        c.execute(
            insert(variant_prices).values(variant_id=variant_id, channel_code=channel, **values)
        )


def delete_price(c: Connection, variant_id: UUID, channel: str) -> None:
    """Remove a variant's price in one channel."""
    c.execute(
        delete(variant_prices).where(
            variant_prices.c.variant_id == variant_id, variant_prices.c.channel_code == channel
        )
    )
