"""API schemas of the catalog context."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from oms.catalog.domain import (
    MAX_DESCRIPTION,
    MAX_MEASURE,
    MAX_NAME,
    ChannelPrice,
    Dimensions,
    Product,
    TaxCategory,
    Translation,
    Variant,
    VariantDetail,
    variant_name,
)
from oms.catalog.services import NewVariant
from oms.platform.schemas import Input, MoneyOut, Output

SKU = Field(
    pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
    examples=["TS-RED-M"],
    description="Letters, digits, hyphens and underscores; unique across the catalog in any case.",
)
GTIN = Field(
    default=None,
    max_length=14,
    examples=["4006381333931"],
    description="GTIN-8, -12, -13 or -14 with a valid GS1 check digit; unique when present.",
)
NAME = Field(min_length=1, max_length=MAX_NAME, examples=["T-shirt"])


class TranslationIn(Input):
    name: str = NAME
    description: str = Field(default="", max_length=MAX_DESCRIPTION)

    def to_domain(self) -> Translation:
        """The domain value this input describes."""
        return Translation(name=self.name, description=self.description)


class TranslationOut(Output):
    name: str
    description: str


class DimensionsIn(Input):
    """Outer size of one unit in millimetres."""

    length: int = Field(strict=True, ge=0, le=MAX_MEASURE)
    width: int = Field(strict=True, ge=0, le=MAX_MEASURE)
    height: int = Field(strict=True, ge=0, le=MAX_MEASURE)

    def to_domain(self) -> Dimensions:
        """The domain value this input describes."""
        return Dimensions(length=self.length, width=self.width, height=self.height)


class DimensionsOut(Output):
    length: int
    width: int
    height: int


class VariantIn(Input):
    sku: str = SKU
    gtin: str | None = GTIN
    options: dict[str, str] = Field(
        default_factory=dict,
        examples=[{"colour": "Red", "size": "M"}],
        description="One value for each of the product's option names.",
    )
    weight_grams: int | None = Field(default=None, strict=True, ge=0, le=MAX_MEASURE)
    dimensions: DimensionsIn | None = None
    active: bool = True

    def to_command(self) -> NewVariant:
        """The variant as the create and add-variant commands take it."""
        return NewVariant(
            sku=self.sku,
            gtin=self.gtin,
            options=dict(self.options),
            weight_grams=self.weight_grams,
            dimensions=self.dimensions.to_domain() if self.dimensions else None,
            active=self.active,
        )


class ProductIn(Input):
    name: str = NAME
    description: str = Field(default="", max_length=MAX_DESCRIPTION)
    handle: str | None = Field(default=None, max_length=120, examples=["classic-t-shirt"])
    default_locale: str = Field(
        default="en", max_length=20, description="Locale of name and description."
    )
    translations: dict[str, TranslationIn] = Field(
        default_factory=dict, description="Name and description per other locale (`de`, `fr_CA`)."
    )
    tax_category: TaxCategory = TaxCategory.STANDARD
    returnable: bool = True
    category: str | None = Field(
        default=None,
        max_length=200,
        examples=["Home > Kitchen"],
        description="Where the product is filed, levels joined by `>` (the products report ranks "
        "categories by it).",
    )
    option_names: list[str] = Field(default_factory=list, max_length=10, examples=[["colour"]])
    active: bool = True
    variants: list[VariantIn] = Field(min_length=1, max_length=500)


class ProductPatch(Input):
    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION)
    translations: dict[str, TranslationIn] | None = Field(
        default=None, description="Replaces every translation."
    )
    tax_category: TaxCategory | None = None
    returnable: bool | None = None
    category: str | None = Field(
        default=None, max_length=200, description="`null` or an empty text removes it."
    )
    active: bool | None = None

    def category_change(self) -> str | None:
        """What the command expects: None keeps the category, an empty string removes it."""
        if "category" in self.model_fields_set and self.category is None:
            return ""
        return self.category


class VariantPatch(Input):
    gtin: str | None = Field(default=None, max_length=14, description="`null` removes it.")
    weight_grams: int | None = Field(default=None, strict=True, ge=0, le=MAX_MEASURE)
    dimensions: DimensionsIn | None = None
    active: bool | None = None

    def gtin_change(self) -> str | None:
        """What the command expects: None keeps the GTIN, an empty string removes it."""
        if "gtin" in self.model_fields_set and self.gtin is None:
            return ""
        return self.gtin


class VariantOut(Output):
    id: UUID
    product_id: UUID
    sku: str
    name: str = Field(examples=["T-shirt — Red / M"])
    gtin: str | None
    options: dict[str, str]
    weight_grams: int | None
    dimensions: DimensionsOut | None
    active: bool
    prices: dict[str, MoneyOut] = Field(
        description="Price per channel code; a channel key sees only its own channel's."
    )

    @classmethod
    def of(cls, variant: Variant, name: str) -> VariantOut:
        """Render for the API."""
        size = variant.dimensions
        return cls(
            id=str(variant.id),
            product_id=str(variant.product_id),
            sku=variant.sku,
            name=name,
            gtin=variant.gtin,
            options=dict(variant.options),
            weight_grams=variant.weight_grams,
            dimensions=DimensionsOut(length=size.length, width=size.width, height=size.height)
            if size
            else None,
            active=variant.active,
            prices={code: MoneyOut.of(money) for code, money in sorted(variant.prices.items())},
        )


class VariantDetailOut(VariantOut):
    """A variant with what it inherits from its product."""

    tax_category: TaxCategory
    returnable: bool
    product_active: bool

    @classmethod
    def of_detail(cls, detail: VariantDetail) -> VariantDetailOut:
        """Render a variant with what it inherits from its product."""
        base = VariantOut.of(detail.variant, detail.name)
        return cls(
            **base.model_dump(),
            tax_category=detail.product.tax_category,
            returnable=detail.product.returnable,
            product_active=detail.product.active,
        )


class ProductOut(Output):
    id: UUID
    handle: str | None
    locale: str = Field(description="Locale of `name` and `description` as shown.")
    name: str
    description: str
    default_locale: str
    translations: dict[str, TranslationOut]
    tax_category: TaxCategory
    returnable: bool
    category: str | None
    option_names: list[str]
    active: bool
    variants: list[VariantOut]
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, product: Product, locale: str | None = None) -> ProductOut:
        """The product with name and description in ``locale`` (falling back to the default)."""
        shown, text = product.text_in(locale)
        return cls(
            id=str(product.id),
            handle=product.handle,
            locale=shown,
            name=text.name,
            description=text.description,
            default_locale=product.default_locale,
            translations={
                code: TranslationOut(name=t.name, description=t.description)
                for code, t in sorted(product.translations.items())
            },
            tax_category=product.tax_category,
            returnable=product.returnable,
            category=product.category,
            option_names=list(product.option_names),
            active=product.active,
            variants=[
                VariantOut.of(v, variant_name(text.name, product.option_names, v.options))
                for v in product.variants
            ],
            created_at=product.created_at,
            updated_at=product.updated_at,
        )


class PriceOut(Output):
    sku: str
    channel: str
    price: MoneyOut

    @classmethod
    def of(cls, price: ChannelPrice) -> PriceOut:
        """Render for the API."""
        return cls(sku=price.sku, channel=price.channel, price=MoneyOut.of(price.price))
