"""Products, their variants and the prices each channel sells them at.

A product carries what the customer reads (name and description in its default locale, plus
translations) and what every variant shares (tax category, returnable flag, option names such as
size and colour). A variant is the thing that is stocked, sold and shipped: a SKU unique across the
catalog (compared case-insensitively), an optional GS1 GTIN, one value per option, weight and
dimensions. Prices live per variant and channel, in the channel's currency.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from uuid import UUID

from oms.shared.errors import Conflict, FieldProblem, Invalid, NotFound
from oms.shared.events import Event
from oms.shared.money import Money, exponent, in_range

SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
HANDLE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
GTIN_LENGTHS = frozenset({8, 12, 13, 14})
MAX_HANDLE = 120
MAX_NAME = 200
MAX_DESCRIPTION = 20_000
MAX_OPTION = 100
MAX_MEASURE = 1_000_000_000
"""Largest weight (grams) or side (millimetres): far beyond any parcel, within a 32-bit column."""


class TaxCategory(StrEnum):
    STANDARD = "standard"
    REDUCED = "reduced"
    ZERO = "zero"
    EXEMPT = "exempt"


@dataclass(frozen=True, slots=True, kw_only=True)
class Dimensions:
    """Outer size of one unit as shipped, in millimetres."""

    length: int
    width: int
    height: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Translation:
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Variant:
    id: UUID
    product_id: UUID
    sku: str
    gtin: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    weight_grams: int | None = None
    dimensions: Dimensions | None = None
    active: bool = True
    prices: Mapping[str, Money] = field(default_factory=dict)
    """Price per channel code (only the channels the reader may see)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    id: UUID
    name: str
    description: str = ""
    handle: str | None = None
    default_locale: str = "en"
    translations: Mapping[str, Translation] = field(default_factory=dict)
    tax_category: TaxCategory = TaxCategory.STANDARD
    returnable: bool = True
    category: str | None = None
    """Where the merchant files the product, a path such as ``Home > Kitchen`` (the reports rank
    categories by it); None: uncategorised."""
    option_names: tuple[str, ...] = ()
    active: bool = True
    variants: tuple[Variant, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    """Raised by one with every change to the product, its variants or their prices: the
    product is one aggregate, so a variant's ETag is its product's version."""

    def text_in(self, locale: str | None) -> tuple[str, Translation]:
        """Name and description for ``locale``: exact, its language, a sibling, then the default.

        ``de_AT`` finds ``de_AT``, then ``de``, then ``de_DE``; a language with no translation
        gets the default locale's text.
        """
        own = Translation(name=self.name, description=self.description)
        if locale is None:
            return self.default_locale, own
        language = locale.split("_", 1)[0]
        if language == self.default_locale.split("_", 1)[0] and locale not in self.translations:
            return self.default_locale, own
        for candidate in (locale, language, *sorted(self.translations)):
            if candidate.split("_", 1)[0] == language and candidate in self.translations:
                return candidate, self.translations[candidate]
        return self.default_locale, own

    def variant(self, sku: str) -> Variant:
        """The variant with ``sku`` (any case)."""
        for variant in self.variants:
            if sku_key(variant.sku) == sku_key(sku):
                return variant
        raise VariantNotFound(sku)


def variant_name(product_name: str, option_names: Sequence[str], options: Mapping[str, str]) -> str:
    """``T-shirt — Red / M``: the product name and the variant's values in option order."""
    values = [options[name] for name in option_names if name in options]
    return f"{product_name} — {' / '.join(values)}" if values else product_name


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantDetail:
    """A variant seen with its product, as the variant routes show it."""

    product: Product
    variant: Variant

    @property
    def name(self) -> str:
        """``T-shirt — Red / M``."""
        return variant_name(self.product.name, self.product.option_names, self.variant.options)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelPrice:
    sku: str
    channel: str
    price: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantRef:
    """What other contexts need to sell, stock and ship a variant."""

    id: UUID
    sku: str
    product_id: UUID
    name: str
    returnable: bool
    tax_category: TaxCategory
    active: bool
    """True only when both the variant and its product are active."""
    gtin: str | None = None
    weight_grams: int | None = None
    dimensions: Dimensions | None = None


def sku_key(sku: str) -> str:
    """The form SKUs are compared in: two SKUs differing only in case are the same SKU."""
    return sku.upper()


def gtin_problem(gtin: str) -> str | None:
    """Why ``gtin`` is not a GTIN-8/12/13/14 with a correct GS1 mod-10 check digit, or None."""
    if not gtin.isascii() or not gtin.isdigit():
        return "must contain only digits"
    if len(gtin) not in GTIN_LENGTHS:
        return "must have 8, 12, 13 or 14 digits"
    body, check = gtin[:-1], int(gtin[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    expected = (10 - total % 10) % 10
    if check != expected:
        return f"has check digit {check}, expected {expected}"
    return None


def gtin_key(gtin: str) -> str:
    """GS1 compares GTINs as 14 digits: the UPC-A 012345678905 is the EAN-13 0012345678905."""
    return gtin.zfill(14)


def check_names(
    name: str, description: str, translations: Mapping[str, Translation], default_locale: str
) -> list[FieldProblem]:
    """The product's texts: a name in every locale, nothing overlong, no default-locale copy."""
    problems = _text_problems("", name, description)
    for locale, text in translations.items():
        if locale == default_locale:
            problems.append(
                FieldProblem(
                    f"translations.{locale}", "is the default locale; set name and description"
                )
            )
        problems.extend(_text_problems(f"translations.{locale}.", text.name, text.description))
    return problems


def _text_problems(at: str, name: str, description: str) -> list[FieldProblem]:
    problems = []
    if not name.strip():
        problems.append(FieldProblem(at + "name", "must not be blank"))
    elif len(name) > MAX_NAME:
        problems.append(FieldProblem(at + "name", f"must be at most {MAX_NAME} characters"))
    if len(description) > MAX_DESCRIPTION:
        problems.append(
            FieldProblem(at + "description", f"must be at most {MAX_DESCRIPTION} characters")
        )
    return problems


def check_handle(handle: str | None) -> list[FieldProblem]:
    """A handle, when given, is a lowercase slug such as ``classic-t-shirt``."""
    if handle is None or (HANDLE_PATTERN.match(handle) and len(handle) <= MAX_HANDLE):
        return []
    return [FieldProblem("handle", "must be lowercase letters and digits joined by single hyphens")]


def check_option_names(option_names: tuple[str, ...]) -> list[FieldProblem]:
    """Option names are non-blank and distinct regardless of case."""
    problems = []
    seen: set[str] = set()
    for index, name in enumerate(option_names):
        if not name.strip() or len(name) > MAX_OPTION:
            problems.append(FieldProblem(f"option_names.{index}", "must be 1-100 characters"))
        elif name.casefold() in seen:
            problems.append(FieldProblem(f"option_names.{index}", "is listed twice"))
        seen.add(name.casefold())
    return problems


def check_variant(variant: Variant, option_names: tuple[str, ...], at: str) -> list[FieldProblem]:
    """One variant's own rules; ``at`` prefixes field names (``variants.2.``)."""
    problems = []
    if not SKU_PATTERN.match(variant.sku):
        problems.append(
            FieldProblem(
                at + "sku", "must be 1-64 letters, digits, hyphens or underscores, starting alnum"
            )
        )
    if variant.gtin is not None and (reason := gtin_problem(variant.gtin)):
        problems.append(FieldProblem(at + "gtin", reason))
    problems.extend(check_measures(variant, at))
    for name in option_names:
        value = variant.options.get(name)
        if value is None:
            problems.append(FieldProblem(f"{at}options.{name}", "is required"))
        elif not value.strip() or len(value) > MAX_OPTION:
            problems.append(FieldProblem(f"{at}options.{name}", "must be 1-100 characters"))
    for name in variant.options:
        if name not in option_names:
            problems.append(FieldProblem(f"{at}options.{name}", "is not an option of the product"))
    return problems


def check_measures(variant: Variant, at: str) -> list[FieldProblem]:
    """Weight and dimensions are never negative, nor beyond ``MAX_MEASURE``."""
    measures = {"weight_grams": variant.weight_grams}
    if variant.dimensions is not None:
        measures |= {
            f"dimensions.{side}": getattr(variant.dimensions, side)
            for side in ("length", "width", "height")
        }
    return [
        FieldProblem(at + name, f"must be between 0 and {MAX_MEASURE}")
        for name, value in measures.items()
        if value is not None and not 0 <= value <= MAX_MEASURE
    ]


def check_distinct(variants: tuple[Variant, ...], new: tuple[Variant, ...], at: str) -> None:
    """New variants repeat no SKU, GTIN or option combination among themselves or the old ones.

    A product without options therefore has exactly one variant. Clashes with other products'
    SKUs and GTINs are the repository's to find (they are conflicts, not bad input).
    """
    problems = []
    skus = {sku_key(v.sku) for v in variants}
    gtins = {gtin_key(v.gtin) for v in variants if v.gtin}
    combos = {_combo(v) for v in variants}
    for index, variant in enumerate(new):
        prefix = at.format(index=index)
        if sku_key(variant.sku) in skus:
            problems.append(FieldProblem(prefix + "sku", "is used by another variant"))
        if variant.gtin and gtin_key(variant.gtin) in gtins:
            problems.append(FieldProblem(prefix + "gtin", "is used by another variant"))
        if _combo(variant) in combos:
            problems.append(
                FieldProblem(
                    prefix + "options", "another variant of the product has the same option values"
                )
            )
        skus.add(sku_key(variant.sku))
        gtins.update({gtin_key(variant.gtin)} if variant.gtin else set())
        combos.add(_combo(variant))
    if problems:
        raise Invalid("the variants are not distinct", problems=problems)


def _combo(variant: Variant) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v.casefold()) for k, v in variant.options.items()))


def checked_price(amount: Decimal, currency: str, channel_currency: str) -> Money:
    """A channel's price: in its currency, not negative, no finer than the minor unit.

    ``19.999 EUR`` is refused rather than silently rounded: a merchant typed that price.
    """
    problems = []
    if currency != channel_currency:
        problems.append(FieldProblem("currency", f"the channel sells in {channel_currency}"))
    if not amount.is_finite():
        problems.append(FieldProblem("amount", "must be a finite decimal"))
    elif not in_range(amount, channel_currency):
        problems.append(FieldProblem("amount", "is too large"))
    else:
        if amount < 0:
            problems.append(FieldProblem("amount", "must not be negative"))
        places = exponent(channel_currency)
        if amount != amount.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN):
            problems.append(
                FieldProblem("amount", f"{channel_currency} allows {places} decimal places")
            )
    if problems:
        raise Invalid("the price is not valid for this channel", problems=problems)
    return Money(amount, currency)


class ProductNotFound(NotFound):
    code = "product-not-found"
    title = "Product not found"

    def __init__(self, product_id: UUID | str) -> None:
        super().__init__(f"no product has id {str(product_id)!r}", product=str(product_id))


class VariantNotFound(NotFound):
    code = "variant-not-found"
    title = "Variant not found"

    def __init__(self, sku: str) -> None:
        super().__init__(f"no variant has SKU {sku!r}", sku=sku)


class PriceNotFound(NotFound):
    code = "price-not-found"
    title = "Price not found"

    def __init__(self, sku: str, channel: str) -> None:
        super().__init__(
            f"variant {sku!r} has no price in channel {channel!r}", sku=sku, channel=channel
        )


class SkuTaken(Conflict):
    code = "sku-taken"
    title = "SKU already in use"

    def __init__(self, sku: str) -> None:
        super().__init__(f"a variant with SKU {sku!r} already exists", sku=sku)


class GtinTaken(Conflict):
    code = "gtin-taken"
    title = "GTIN already in use"

    def __init__(self, gtin: str) -> None:
        super().__init__(f"a variant with GTIN {gtin!r} already exists", gtin=gtin)


class HandleTaken(Conflict):
    code = "handle-taken"
    title = "Handle already in use"

    def __init__(self, handle: str) -> None:
        super().__init__(f"a product with handle {handle!r} already exists", handle=handle)


@dataclass(frozen=True, kw_only=True)
class ProductCreated(Event):
    """A product was created with its variants (their SKUs)."""

    type = "catalog.product_created.v1"
    aggregate = "product"
    skus: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ProductChanged(Event):
    """Product fields changed, or a variant was added or changed (``sku`` then names it)."""

    type = "catalog.product_changed.v1"
    aggregate = "product"
    changed: tuple[str, ...]
    sku: str | None = None


@dataclass(frozen=True, kw_only=True)
class PriceChanged(Event):
    """A variant's price in a channel was set (``price``) or removed (``price`` is None)."""

    type = "catalog.price_changed.v1"
    aggregate = "product"
    sku: str
    channel: str
    price: Money | None
    previous: Money | None
