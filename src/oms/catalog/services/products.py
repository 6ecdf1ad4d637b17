"""Products and variants: create, change, read, and resolve SKUs for other contexts."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from oms.catalog.domain import (
    Dimensions,
    GtinTaken,
    HandleTaken,
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
    check_distinct,
    check_handle,
    check_names,
    check_option_names,
    check_variant,
    gtin_key,
    sku_key,
)
from oms.catalog.repository import PRODUCTS, ProductFilter, Products
from oms.platform.reference import PRELOAD_BOUND
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.categories import category_path, check_category
from oms.shared.errors import FieldProblem, Invalid, collect
from oms.shared.ids import new_id
from oms.shared.locale import normalise_locale
from oms.shared.versions import ExpectedVersion, check_expected


@dataclass(frozen=True, kw_only=True)
class NewVariant:
    """``options`` maps each of the product's option names to this variant's value."""

    sku: str
    gtin: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    weight_grams: int | None = None
    dimensions: Dimensions | None = None
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class CreateProduct:
    name: str
    variants: tuple[NewVariant, ...]
    description: str = ""
    handle: str | None = None
    default_locale: str = "en"
    translations: Mapping[str, Translation] = field(default_factory=dict)
    tax_category: TaxCategory = TaxCategory.STANDARD
    returnable: bool = True
    category: str | None = None
    option_names: tuple[str, ...] = ()
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class UpdateProduct:
    """Only the fields given (not None) change; ``translations`` replaces them all; an empty
    ``category`` removes it; ``expected`` is the caller's ``If-Match``."""

    product_id: UUID
    name: str | None = None
    description: str | None = None
    translations: Mapping[str, Translation] | None = None
    tax_category: TaxCategory | None = None
    returnable: bool | None = None
    category: str | None = None
    active: bool | None = None
    expected: ExpectedVersion | None = None


@dataclass(frozen=True, kw_only=True)
class AddVariant:
    product_id: UUID
    variant: NewVariant


@dataclass(frozen=True, kw_only=True)
class UpdateVariant:
    """Only the fields given (not None) change; an empty ``gtin`` removes it. ``expected``
    is the caller's ``If-Match``, compared with the product's version (a variant's ETag)."""

    sku: str
    gtin: str | None = None
    weight_grams: int | None = None
    dimensions: Dimensions | None = None
    active: bool | None = None
    expected: ExpectedVersion | None = None


def _translations(
    given: Mapping[str, Translation],
) -> tuple[dict[str, Translation], list[FieldProblem]]:
    """Locale keys normalised (``de-DE`` -> ``de_DE``); two spellings of one locale clash."""
    found: dict[str, Translation] = {}
    problems: list[FieldProblem] = []
    for tag, text in given.items():
        try:
            locale = normalise_locale(tag, field=f"translations.{tag}")
        except Invalid as error:
            problems.extend(error.problems)
            continue
        if locale in found:
            problems.append(FieldProblem(f"translations.{tag}", f"repeats locale {locale}"))
        found[locale] = Translation(name=text.name.strip(), description=text.description.strip())
    return found, problems


def _variant(new: NewVariant, product_id: UUID) -> Variant:
    return Variant(
        id=new_id(),
        product_id=product_id,
        sku=new.sku.strip(),
        gtin=new.gtin.strip() if new.gtin else None,
        options={k.strip(): v.strip() for k, v in new.options.items()},
        weight_grams=new.weight_grams,
        dimensions=new.dimensions,
        active=new.active,
    )


def _new_product(cmd: CreateProduct) -> Product:
    problems: list[FieldProblem] = []
    try:
        default_locale = normalise_locale(cmd.default_locale, field="default_locale")
    except Invalid as error:
        problems.extend(error.problems)
        default_locale = cmd.default_locale
    translations, bad = _translations(cmd.translations)
    product_id = new_id()
    option_names = tuple(name.strip() for name in cmd.option_names)
    product = Product(
        id=product_id,
        name=cmd.name.strip(),
        description=cmd.description.strip(),
        handle=cmd.handle,
        default_locale=default_locale,
        translations=translations,
        tax_category=cmd.tax_category,
        returnable=cmd.returnable,
        category=category_path(cmd.category),
        option_names=option_names,
        active=cmd.active,
        variants=tuple(_variant(v, product_id) for v in cmd.variants),
    )
    problems += bad + check_handle(product.handle) + check_option_names(option_names)
    problems += check_category(cmd.category)
    problems += check_names(product.name, product.description, translations, default_locale)
    if not product.variants:
        problems.append(FieldProblem("variants", "must list at least one variant"))
    for index, variant in enumerate(product.variants):
        problems.extend(check_variant(variant, option_names, f"variants.{index}."))
    collect(problems, "the product is not valid")
    check_distinct((), product.variants, "variants.{index}.")
    return product


def _claim_identifiers(products: Products, variants: Sequence[Variant]) -> None:
    """Refuse SKUs and GTINs another variant already uses (409, not 422: the input is fine)."""
    if taken := products.taken_skus([v.sku for v in variants]):
        raise SkuTaken(next(v.sku for v in variants if sku_key(v.sku) in taken))
    gtins = [v.gtin for v in variants if v.gtin]
    if gtins and (taken := products.taken_gtins(gtins)):
        raise GtinTaken(next(g for g in gtins if gtin_key(g) in taken))


def create_product(cmd: CreateProduct, *, uow: UnitOfWork) -> Product:
    """Add a product with its first variants; SKUs and GTINs must be new to the catalog."""
    product = _new_product(cmd)
    with uow.begin() as tx:
        products = tx.repo(PRODUCTS)
        if product.handle and products.handle_taken(product.handle):
            raise HandleTaken(product.handle)
        _claim_identifiers(products, product.variants)
        products.add(product, tx.now)
        tx.record(
            ProductCreated(aggregate_id=product.id, skus=tuple(v.sku for v in product.variants))
        )
    return dataclasses.replace(product, created_at=tx.now, updated_at=tx.now)


def update_product(cmd: UpdateProduct, *, uow: UnitOfWork) -> Product:
    """Change a product's texts, tax category, returnable or active flag."""
    changes = {
        f.name: getattr(cmd, f.name)
        for f in dataclasses.fields(cmd)
        if f.name not in ("product_id", "expected") and getattr(cmd, f.name) is not None
    }
    changes.update({k: changes[k].strip() for k in ("name", "description") if k in changes})
    problems: list[FieldProblem] = []
    if cmd.translations is not None:
        changes["translations"], problems = _translations(cmd.translations)
    if cmd.category is not None:
        problems += check_category(cmd.category)
        changes["category"] = category_path(cmd.category)
    with uow.begin() as tx:
        products = tx.repo(PRODUCTS)
        current = products.by_id(cmd.product_id, lock=True)
        if current is None:
            raise ProductNotFound(cmd.product_id)
        check_expected(cmd.expected, "product", str(current.id), current.version)
        product = dataclasses.replace(current, **changes)
        problems += check_names(
            product.name, product.description, product.translations, product.default_locale
        )
        collect(problems, "the product is not valid")
        product = products.revise(product, tx.now)
        tx.record(ProductChanged(aggregate_id=product.id, changed=tuple(sorted(changes))))
    return product


def add_variant(cmd: AddVariant, *, uow: UnitOfWork) -> VariantDetail:
    """Add one variant to a product; its option values must differ from every other variant's."""
    with uow.begin() as tx:
        products = tx.repo(PRODUCTS)
        product = products.by_id(cmd.product_id, lock=True)
        if product is None:
            raise ProductNotFound(cmd.product_id)
        variant = _variant(cmd.variant, product.id)
        collect(check_variant(variant, product.option_names, ""), "the variant is not valid")
        _claim_identifiers(products, [variant])
        check_distinct(product.variants, (variant,), "")
        products.add_variant(product, variant, tx.now)
        product = products.revise(
            dataclasses.replace(product, variants=(*product.variants, variant)), tx.now
        )
        tx.record(ProductChanged(aggregate_id=product.id, changed=("variants",), sku=variant.sku))
    return VariantDetail(product=product, variant=variant)


def _variant_changes(cmd: UpdateVariant) -> dict[str, Any]:
    changes: dict[str, Any] = {
        name: getattr(cmd, name)
        for name in ("gtin", "weight_grams", "dimensions", "active")
        if getattr(cmd, name) is not None
    }
    if cmd.gtin is not None:
        changes["gtin"] = cmd.gtin.strip() or None
    return changes


def update_variant(cmd: UpdateVariant, *, uow: UnitOfWork) -> VariantDetail:
    """Change a variant's GTIN, weight, dimensions or active flag (its SKU is fixed)."""
    changes = _variant_changes(cmd)
    with uow.begin() as tx:
        products = tx.repo(PRODUCTS)
        product = products.by_sku(cmd.sku, lock=True)
        if product is None:
            raise VariantNotFound(cmd.sku)
        check_expected(cmd.expected, "variant", cmd.sku, product.version)
        current = product.variant(cmd.sku)
        variant = dataclasses.replace(current, **changes)
        collect(check_variant(variant, product.option_names, ""), "the variant is not valid")
        if (
            variant.gtin
            and variant.gtin != current.gtin
            and products.taken_gtins([variant.gtin], besides=variant.id)
        ):
            raise GtinTaken(variant.gtin)
        products.update_variant(variant, tx.now)
        variants = tuple(variant if v.id == variant.id else v for v in product.variants)
        product = products.revise(dataclasses.replace(product, variants=variants), tx.now)
        tx.record(
            ProductChanged(
                aggregate_id=product.id,
                changed=tuple(f"variants.{k}" for k in sorted(changes)),
                sku=variant.sku,
            )
        )
    return VariantDetail(product=product, variant=variant)


def get_product(product_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None) -> Product:
    """One product with its variants; a channel-bound caller sees only its channel's prices."""
    with uow.read() as tx:
        product = tx.repo(PRODUCTS).by_id(product_id, channel=visible_to)
    if product is None:
        raise ProductNotFound(product_id)
    return product


def get_variant(sku: str, *, uow: UnitOfWork, visible_to: str | None = None) -> VariantDetail:
    """One variant (SKU in any case) with its product; prices as ``get_product``."""
    with uow.read() as tx:
        product = tx.repo(PRODUCTS).by_sku(sku, channel=visible_to)
    if product is None:
        raise VariantNotFound(sku)
    return VariantDetail(product=product, variant=product.variant(sku))


def list_products(
    *,
    uow: UnitOfWork,
    after: UUID | None,
    limit: int,
    q: str | None = None,
    sku: str | None = None,
    active: bool | None = None,
    category: str | None = None,
    visible_to: str | None = None,
) -> list[Product]:
    """Products in creation order, filtered; ``q`` matches a name or SKU substring, ``category``
    a category and those under it."""
    where = ProductFilter(q=q, sku=sku, active=active, category=category_path(category))
    with uow.read() as tx:
        return tx.repo(PRODUCTS).page(where=where, after=after, limit=limit, channel=visible_to)


VARIANTS = "catalog.variant"
"""The reference-data kind of variant references, keyed by ``sku_key``."""


def find_variants(skus: Sequence[str], *, uow: UnitOfWork) -> dict[str, VariantRef]:
    """References for the SKUs that exist, keyed as the caller spelled them (any case matches)."""
    with uow.read() as tx:
        repo = tx.repo(PRODUCTS)
        found = tx.reference.many(
            VARIANTS,
            (sku_key(sku) for sku in skus),
            repo.variant_refs,
            lambda: repo.all_variant_refs(PRELOAD_BOUND),
        )
    return {sku: found[sku_key(sku)] for sku in skus if sku_key(sku) in found}


def preload_variants(*, uow: UnitOfWork) -> bool:
    """Load every variant reference into the process's cache (a server does it before it
    reports ready); False when the catalogue is larger than the bound and stays per SKU."""
    with uow.read() as tx:
        repo = tx.repo(PRODUCTS)
        return tx.reference.preload(VARIANTS, lambda: repo.all_variant_refs(PRELOAD_BOUND))
