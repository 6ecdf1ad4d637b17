"""HTTP routes of the catalog context: products, variants and channel prices."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from oms.catalog import services
from oms.catalog.schemas import (
    PriceOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    VariantDetailOut,
    VariantIn,
    VariantPatch,
)
from oms.platform.http import IfMatch, Tagged, UoW, send_version
from oms.platform.idempotency import IdempotencyKey, run_idempotent
from oms.platform.pagination import BY_ID, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.schemas import MoneyIn
from oms.platform.security import Permission, Principal, Requires
from oms.shared.locale import normalise_locale

router = APIRouter(prefix="/v1", tags=["catalog"])

Reader = Annotated[Principal, Depends(Requires(Permission.CATALOG_READ))]
Writer = Annotated[Principal, Depends(Requires(Permission.CATALOG_WRITE))]
Locale = Annotated[
    str | None,
    Query(
        max_length=20,
        description="Show name and description in this locale (`de`, `fr-CA`); products "
        "without a translation fall back to their default locale.",
    ),
]


def _after(cursor: str | None) -> UUID | None:
    key = read_cursor(cursor, BY_ID)
    return key[0] if key else None


def _locale(locale: str | None) -> str | None:
    return normalise_locale(locale) if locale else None


@router.get("/products", responses=responses(401, 403, 422))
def list_products(  # noqa: PLR0913, PLR0917 (the list's filters are its query parameters)
    principal: Reader,
    uow: UoW,
    limit: Limit = 50,
    cursor: Cursor = None,
    q: Annotated[str | None, Query(max_length=200, description="Name or SKU contains.")] = None,
    sku: Annotated[str | None, Query(max_length=64, description="Has this SKU.")] = None,
    active: bool | None = None,
    category: Annotated[
        str | None,
        Query(max_length=200, description="Filed under this category or one below it."),
    ] = None,
    locale: Locale = None,
) -> Page[ProductOut]:
    """Products oldest first, with variants and prices (a channel key sees only its prices)."""
    shown = _locale(locale)
    found = services.list_products(
        uow=uow,
        after=_after(cursor),
        limit=limit + 1,
        q=q,
        sku=sku,
        active=active,
        category=category,
        visible_to=principal.channel_scope,
    )
    return Page.of(found, limit, lambda p: (p.id,), lambda p: ProductOut.of(p, shown))


@router.get("/products/{product_id}", responses=responses(401, 403, 404, 422))
def get_product(
    product_id: UUID, principal: Reader, uow: UoW, response: Tagged, locale: Locale = None
) -> ProductOut:
    """One product with its variants and the prices the caller may see.

    Its `ETag` is its version, which every change to it, its variants or their prices raises.
    """
    shown = _locale(locale)
    product = services.get_product(product_id, uow=uow, visible_to=principal.channel_code)
    send_version(response, product.version)
    return ProductOut.of(product, shown)


@router.post(
    "/products",
    status_code=201,
    response_model=ProductOut,
    responses=responses(400, 401, 403, 409, 422),
)
def create_product(body: ProductIn, _: Writer, uow: UoW, idempotency: IdempotencyKey) -> Response:
    """Add a product with its variants; a SKU or GTIN already in use is 409."""
    command = services.CreateProduct(
        name=body.name,
        description=body.description,
        handle=body.handle,
        default_locale=body.default_locale,
        translations={k: v.to_domain() for k, v in body.translations.items()},
        tax_category=body.tax_category,
        returnable=body.returnable,
        category=body.category,
        option_names=tuple(body.option_names),
        active=body.active,
        variants=tuple(v.to_command() for v in body.variants),
    )
    return run_idempotent(
        uow, idempotency, lambda: services.create_product(command, uow=uow), ProductOut.of
    )


@router.patch("/products/{product_id}", responses=responses(401, 403, 404, 412, 422))
def update_product(
    product_id: UUID,
    body: ProductPatch,
    _: Writer,
    uow: UoW,
    response: Tagged,
    if_match: IfMatch,
) -> ProductOut:
    """Change a product's texts, translations, tax category, category, returnable or active
    flag.

    With `If-Match` (optional), a product changed since that ETag is refused with 412.
    """
    command = services.UpdateProduct(
        product_id=product_id,
        name=body.name,
        description=body.description,
        translations={k: v.to_domain() for k, v in body.translations.items()}
        if body.translations is not None
        else None,
        tax_category=body.tax_category,
        returnable=body.returnable,
        category=body.category_change(),
        active=body.active,
        expected=if_match,
    )
    product = services.update_product(command, uow=uow)
    send_version(response, product.version)
    return ProductOut.of(product)


@router.post(
    "/products/{product_id}/variants",
    status_code=201,
    response_model=VariantDetailOut,
    responses=responses(400, 401, 403, 404, 409, 422),
)
def add_variant(
    product_id: UUID, body: VariantIn, _: Writer, uow: UoW, idempotency: IdempotencyKey
) -> Response:
    """Add a variant with option values no other variant of the product has."""
    command = services.AddVariant(product_id=product_id, variant=body.to_command())
    return run_idempotent(
        uow, idempotency, lambda: services.add_variant(command, uow=uow), VariantDetailOut.of_detail
    )


@router.get("/variants/{sku}", responses=responses(401, 403, 404))
def get_variant(sku: str, principal: Reader, uow: UoW, response: Tagged) -> VariantDetailOut:
    """One variant by SKU (any case), with the prices the caller may see.

    Its `ETag` is its product's version: a variant is changed as part of its product.
    """
    detail = services.get_variant(sku, uow=uow, visible_to=principal.channel_code)
    send_version(response, detail.product.version)
    return VariantDetailOut.of_detail(detail)


@router.patch("/variants/{sku}", responses=responses(401, 403, 404, 409, 412, 422))
def update_variant(
    sku: str,
    body: VariantPatch,
    _: Writer,
    uow: UoW,
    response: Tagged,
    if_match: IfMatch,
) -> VariantDetailOut:
    """Change a variant's GTIN (null removes it), weight, dimensions or active flag.

    With `If-Match` (optional), a variant whose product changed since that ETag is refused
    with 412.
    """
    command = services.UpdateVariant(
        sku=sku,
        gtin=body.gtin_change(),
        weight_grams=body.weight_grams,
        dimensions=body.dimensions.to_domain() if body.dimensions else None,
        active=body.active,
        expected=if_match,
    )
    detail = services.update_variant(command, uow=uow)
    send_version(response, detail.product.version)
    return VariantDetailOut.of_detail(detail)


@router.put("/variants/{sku}/prices/{channel}", responses=responses(401, 403, 404, 422))
def set_price(sku: str, channel: str, body: MoneyIn, _: Writer, uow: UoW) -> PriceOut:
    """Set the variant's price in a channel; it must be in the channel's currency."""
    command = services.SetPrice(
        sku=sku, channel=channel, amount=body.amount, currency=body.currency
    )
    return PriceOut.of(services.set_price(command, uow=uow))


@router.delete(
    "/variants/{sku}/prices/{channel}",
    status_code=204,
    response_class=Response,
    responses=responses(401, 403, 404),
)
def remove_price(sku: str, channel: str, _: Writer, uow: UoW) -> Response:
    """Remove the variant's price in a channel; it can no longer be ordered there."""
    services.remove_price(services.RemovePrice(sku=sku, channel=channel), uow=uow)
    return Response(status_code=204)
