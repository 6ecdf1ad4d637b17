"""Use cases for channel prices: set, remove, and the price list order capture reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from oms import channels
from oms.catalog.domain import (
    ChannelPrice,
    PriceChanged,
    PriceNotFound,
    Product,
    VariantNotFound,
    checked_price,
    sku_key,
)
from oms.catalog.repository import PRODUCTS, Products
from oms.platform.reference import PRELOAD_BOUND
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class SetPrice:
    sku: str
    channel: str
    amount: Decimal
    currency: str


@dataclass(frozen=True, kw_only=True)
class RemovePrice:
    sku: str
    channel: str


def _locked_product(products: Products, sku: str) -> Product:
    """The product owning ``sku`` with every price, its row locked so price writes queue up."""
    product = products.by_sku(sku, lock=True)
    if product is None:
        raise VariantNotFound(sku)
    return product


def set_price(cmd: SetPrice, *, uow: UnitOfWork) -> ChannelPrice:
    """Set what a variant costs in one channel, in that channel's currency."""
    with uow.begin() as tx:
        try:
            channel = channels.get_channel(cmd.channel, uow=uow)
        except channels.ChannelNotFound:
            raise Invalid(f"no channel has code {cmd.channel!r}", field="channel") from None
        price = checked_price(cmd.amount, cmd.currency, channel.currency)
        products = tx.repo(PRODUCTS)
        product = _locked_product(products, cmd.sku)
        variant = product.variant(cmd.sku)
        previous = variant.prices.get(channel.code)
        products.save_price(
            variant.id, channel.code, price, exists_now=previous is not None, now=tx.now
        )
        if previous != price:
            products.revise(product, tx.now)
            tx.record(
                PriceChanged(
                    aggregate_id=variant.product_id,
                    sku=variant.sku,
                    channel=channel.code,
                    price=price,
                    previous=previous,
                )
            )
    return ChannelPrice(sku=variant.sku, channel=channel.code, price=price)


def remove_price(cmd: RemovePrice, *, uow: UnitOfWork) -> None:
    """Stop selling a variant in a channel at a set price (it can no longer be ordered there)."""
    with uow.begin() as tx:
        products = tx.repo(PRODUCTS)
        product = _locked_product(products, cmd.sku)
        variant = product.variant(cmd.sku)
        previous = variant.prices.get(cmd.channel)
        if previous is None:
            raise PriceNotFound(variant.sku, cmd.channel)
        products.delete_price(variant.id, cmd.channel)
        products.revise(product, tx.now)
        tx.record(
            PriceChanged(
                aggregate_id=variant.product_id,
                sku=variant.sku,
                channel=cmd.channel,
                price=None,
                previous=previous,
            )
        )


def _price_kind(channel_code: str) -> str:
    return f"catalog.price:{channel_code}"


def _all_prices(products: Products, channel_code: str) -> dict[tuple[str, str], Money] | None:
    prices = products.all_prices(channel_code, PRELOAD_BOUND)
    if prices is None:
        return None
    return {(channel_code, key): price for key, price in prices.items()}


def preload_prices(channel_codes: Sequence[str], *, uow: UnitOfWork) -> None:
    """Load the whole price list of each channel into the process's cache (see
    ``preload_variants``)."""
    with uow.read() as tx:
        products = tx.repo(PRODUCTS)
        for code in channel_codes:
            tx.reference.preload(_price_kind(code), partial(_all_prices, products, code))


def prices_for(
    skus: Sequence[str], channel_code: str, *, uow: UnitOfWork, currency: str | None = None
) -> dict[str, Money]:
    """The channel's price list for these SKUs, keyed as the caller spelled them.

    SKUs without a price in the channel (or unknown SKUs) are absent: they cannot be sold there.
    So are prices in another currency than the channel's current one (left behind when a
    channel changes currency) until they are set again. A caller that has just read the channel
    in the same transaction passes its ``currency``, which spares reading the channel again.
    """
    with uow.read() as tx:
        if currency is None:
            currency = channels.get_channel(channel_code, uow=uow).currency
        products = tx.repo(PRODUCTS)

        def load(keys: list[tuple[str, str]]) -> dict[tuple[str, str], Money]:
            prices = products.prices_for([key for _, key in keys], channel_code)
            return {(channel_code, key): price for key, price in prices.items()}

        # one kind per channel: a channel's price list is complete on its own (ADR 0008)
        found = tx.reference.many(
            _price_kind(channel_code),
            ((channel_code, sku_key(sku)) for sku in skus),
            load,
            lambda: _all_prices(products, channel_code),
        )
    return {
        sku: price
        for sku in skus
        if (price := found.get((channel_code, sku_key(sku)))) is not None
        and price.currency == currency
    }
