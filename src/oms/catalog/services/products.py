"""Products and variants: create, change, read, and resolve SKUs for other contexts."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from oms.catalog import repository as repo
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
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.errors import DomainError, FieldProblem, Invalid, collect
from oms.shared.ids import new_id
from oms.shared.locale import normalise_locale


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
    option_names: tuple[str, ...] = ()
    active: bool = True


@dataclass(frozen=True, kw_only=True)
class UpdateProduct:
    """Only the fields given (not None) change; ``translations`` replaces them all."""

    product_id: UUID
    name: str | None = None
    description: str | None = None
    translations: Mapping[str, Translation] | None = None
    tax_category: TaxCategory | None = None
    returnable: bool | None = None
    active: bool | None = None


@dataclass(frozen=True, kw_only=True)
class AddVariant:
    product_id: UUID
    variant: NewVariant


@dataclass(frozen=True, kw_only=True)
class UpdateVariant:
    """Only the fields given (not None) change; an empty ``gtin`` removes it."""

    sku: str
    gtin: str | None = None
    weight_grams: int | None = None
    dimensions: Dimensions | None = None
    active: bool | None = None


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
        option_names=option_names,
        active=cmd.active,
        variants=tuple(_variant(v, product_id) for v in cmd.variants),
    )
    problems += bad + check_handle(product.handle) + check_option_names(option_names)
    problems += check_names(product.name, product.description, translations, default_locale)
    if not product.variants:
        problems.append(FieldProblem("variants", "must list at least one variant"))
    for index, variant in enumerate(product.variants):
        problems.extend(check_variant(variant, option_names, f"variants.{index}."))
    collect(problems, "the product is not valid")
    check_distinct((), product.variants, "variants.{index}.")
    return product


def _claim_identifiers(tx: Transaction, variants: Sequence[Variant]) -> None:
    """Refuse SKUs and GTINs another variant already uses (409, not 422: the input is fine)."""
    if taken := repo.taken_skus(tx.connection, [v.sku for v in variants]):
        raise SkuTaken(next(v.sku for v in variants if sku_key(v.sku) in taken))
    gtins = [v.gtin for v in variants if v.gtin]
    if gtins and (taken := repo.taken_gtins(tx.connection, gtins)):
        raise GtinTaken(next(g for g in gtins if gtin_key(g) in taken))


def _conflict(error: IntegrityError, product: Product) -> DomainError:
    """A concurrent writer won the unique index after our check; say which identifier."""
    message = str(error.orig)
    if "gtin" in message:
        return GtinTaken(next((v.gtin for v in product.variants if v.gtin), ""))
    if "handle" in message and product.handle:
        return HandleTaken(product.handle)
    return SkuTaken(", ".join(v.sku for v in product.variants))


def create_product(cmd: CreateProduct, *, uow: UnitOfWork) -> Product:
    """Add a product with its first variants; SKUs and GTINs must be new to the catalog."""
    product = _new_product(cmd)
    with uow.begin() as tx:
        if product.handle and repo.handle_taken(tx.connection, product.handle):
            raise HandleTaken(product.handle)
        _claim_identifiers(tx, product.variants)
        try:
            repo.insert_product(tx.connection, product, tx.now)
        except IntegrityError as error:
            raise _conflict(error, product) from None
        tx.record(
            ProductCreated(aggregate_id=product.id, skus=tuple(v.sku for v in product.variants))
        )
    return dataclasses.replace(product, created_at=tx.now, updated_at=tx.now)


def update_product(cmd: UpdateProduct, *, uow: UnitOfWork) -> Product:
    """Change a product's texts, tax category, returnable or active flag."""
    changes = {
        f.name: getattr(cmd, f.name)
        for f in dataclasses.fields(cmd)
        if f.name != "product_id" and getattr(cmd, f.name) is not None
    }
    changes.update({k: changes[k].strip() for k in ("name", "description") if k in changes})
    problems: list[FieldProblem] = []
    if cmd.translations is not None:
        changes["translations"], problems = _translations(cmd.translations)
    with uow.begin() as tx:
        current = repo.product_by_id(tx.connection, cmd.product_id)
        if current is None:
            raise ProductNotFound(cmd.product_id)
        product = dataclasses.replace(current, **changes, updated_at=tx.now)
        problems += check_names(
            product.name, product.description, product.translations, product.default_locale
        )
        collect(problems, "the product is not valid")
        repo.update_product(tx.connection, product, tx.now)
        tx.record(ProductChanged(aggregate_id=product.id, changed=tuple(sorted(changes))))
    return product


def add_variant(cmd: AddVariant, *, uow: UnitOfWork) -> VariantDetail:
    """Add one variant to a product; its option values must differ from every other variant's."""
    with uow.begin() as tx:
        locked = repo.lock_product(tx.connection, cmd.product_id)
        product = repo.product_by_id(tx.connection, cmd.product_id) if locked else None
        if product is None:
            raise ProductNotFound(cmd.product_id)
        variant = _variant(cmd.variant, product.id)
        collect(check_variant(variant, product.option_names, ""), "the variant is not valid")
        _claim_identifiers(tx, [variant])
        check_distinct(product.variants, (variant,), "")
        try:
            repo.insert_variants(
                tx.connection, [variant], tx.now, first_position=len(product.variants)
            )
        except IntegrityError as error:
            raise _conflict(error, dataclasses.replace(product, variants=(variant,))) from None
        repo.touch_product(tx.connection, product.id, tx.now)
        tx.record(ProductChanged(aggregate_id=product.id, changed=("variants",), sku=variant.sku))
    product = dataclasses.replace(product, variants=(*product.variants, variant), updated_at=tx.now)
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
        product_id = repo.product_id_of(tx.connection, cmd.sku, lock=True)
        product = repo.product_by_id(tx.connection, product_id) if product_id else None
        if product is None:
            raise VariantNotFound(cmd.sku)
        current = product.variant(cmd.sku)
        variant = dataclasses.replace(current, **changes)
        collect(check_variant(variant, product.option_names, ""), "the variant is not valid")
        if (
            variant.gtin
            and variant.gtin != current.gtin
            and repo.taken_gtins(tx.connection, [variant.gtin], besides=variant.id)
        ):
            raise GtinTaken(variant.gtin)
        try:
            repo.update_variant(tx.connection, variant, tx.now)
        except IntegrityError:
            raise GtinTaken(variant.gtin or "") from None
        repo.touch_product(tx.connection, product.id, tx.now)
        tx.record(
            ProductChanged(
                aggregate_id=product.id,
                changed=tuple(f"variants.{k}" for k in sorted(changes)),
                sku=variant.sku,
            )
        )
    variants = tuple(variant if v.id == variant.id else v for v in product.variants)
    product = dataclasses.replace(product, variants=variants, updated_at=tx.now)
    return VariantDetail(product=product, variant=variant)


def get_product(product_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None) -> Product:
    """One product with its variants; a channel-bound caller sees only its channel's prices."""
    with uow.read() as tx:
        product = repo.product_by_id(tx.connection, product_id, visible_to)
    if product is None:
        raise ProductNotFound(product_id)
    return product


def get_variant(sku: str, *, uow: UnitOfWork, visible_to: str | None = None) -> VariantDetail:
    """One variant (SKU in any case) with its product; prices as ``get_product``."""
    with uow.read() as tx:
        product_id = repo.product_id_of(tx.connection, sku)
        product = repo.product_by_id(tx.connection, product_id, visible_to) if product_id else None
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
    visible_to: str | None = None,
) -> list[Product]:
    """Products in creation order, filtered; ``q`` matches a name or SKU substring."""
    where = repo.ProductFilter(q=q, sku=sku, active=active)
    with uow.read() as tx:
        return repo.list_products(
            tx.connection, where=where, after=after, limit=limit, channel=visible_to
        )


def find_variants(skus: Sequence[str], *, uow: UnitOfWork) -> dict[str, VariantRef]:
    """References for the SKUs that exist, keyed as the caller spelled them (any case matches)."""
    with uow.read() as tx:
        found = repo.variant_refs(tx.connection, set(skus))
    return {sku: found[sku_key(sku)] for sku in skus if sku_key(sku) in found}
