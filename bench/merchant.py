"""The merchant a run sells for: the demo network and pricing, and a generated catalog.

Locations, channels and pricing go through the services (they are few). The catalog and its
opening stock are bulk-loaded straight into the tables: products with four sizes each, a price
per channel, an inventory item, a level per location and the receipt movement that explains it,
so the ledger balances from the first order on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from bench import bulk
from bench.bulk import Row
from bench.databases import Database
from oms import channels
from oms.app.demo import network, pricing
from oms.catalog.tables import product_variants, products, variant_prices
from oms.inventory.tables import inventory_items, stock_levels, stock_movements
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.ids import new_id

SIZES = ("S", "M", "L", "XL")
OPENING_STOCK = 1_000_000
"""Units per SKU and location: ample, so every measured order can be allocated."""
ACTOR = "bench"
CHANNEL = "web"
"""The channel measured orders come from (EUR, prices include VAT, ships from wh-de first)."""


@dataclass(frozen=True, slots=True)
class Sku:
    code: str
    variant_id: UUID
    name: str
    price_minor: int
    """The ``web`` channel's price in euro cents."""


@dataclass(frozen=True, slots=True)
class Merchant:
    skus: tuple[Sku, ...]
    locations: dict[str, UUID]
    """Location id by code."""
    preferred: tuple[str, ...]
    """The measured channel's locations in its order of preference."""

    @property
    def hot(self) -> tuple[Sku, ...]:
        """The three SKUs every order of the hot-SKU scenario buys."""
        return self.skus[:3]

    def by_code(self) -> dict[str, Sku]:
        return {sku.code: sku for sku in self.skus}


def price_minor(product: int) -> int:
    """Prices from 4.95 to 59.95 EUR, so a 1-5 line order stays under the hold thresholds."""
    return 495 + (product % 12) * 500


def _catalog(count: int) -> list[tuple[int, Sku]]:
    skus = []
    for index in range(count):
        product, size = divmod(index, len(SIZES))
        code = f"BN-{product:05d}-{SIZES[size]}"
        name = f"Bench Tee {product:05d} / {SIZES[size]}"
        skus.append((product, Sku(code, new_id(), name, price_minor(product))))
    return skus


def setup(db: Database, sku_count: int) -> Merchant:
    """Create the network through the services, then bulk-load the catalog and its stock."""
    uow = UnitOfWork(db.engine)
    with uow.begin():
        for location in network.LOCATIONS:
            channels.create_location(location, uow=uow)
        for channel in network.CHANNELS:
            channels.create_channel(channel, uow=uow)
    pricing.load(uow)
    located = {loc.code: loc.id for loc in channels.list_locations(uow=uow, after=None, limit=50)}
    web = channels.get_channel(CHANNEL, uow=uow)
    catalog = _catalog(sku_count)
    _load_catalog(db, catalog)
    _load_stock(db, [sku for _, sku in catalog], list(located.values()))
    return Merchant(
        skus=tuple(sku for _, sku in catalog),
        locations=located,
        preferred=tuple(web.location_codes),
    )


PRODUCT_COLUMNS = (
    "id", "handle", "name", "description", "default_locale", "translations", "tax_category",
    "returnable", "option_names", "active", "created_at", "updated_at",
)  # fmt: skip
VARIANT_COLUMNS = (
    "id", "product_id", "sku", "sku_key", "options", "active", "position", "created_at",
    "updated_at",
)  # fmt: skip
PRICE_COLUMNS = ("variant_id", "channel_code", "amount_minor", "currency", "updated_at")
ITEM_COLUMNS = (
    "variant_id", "sku", "low_stock_threshold", "allows_backorders", "created_at", "updated_at",
)  # fmt: skip
LEVEL_COLUMNS = (
    "variant_id", "location_id", "on_hand", "allocated", "unavailable", "updated_at",
)  # fmt: skip
MOVEMENT_COLUMNS = (
    "id", "kind", "variant_id", "location_id", "on_hand_delta", "allocated_delta",
    "unavailable_delta", "reason", "actor", "reference", "correlation_id", "occurred_at",
)  # fmt: skip


def _load_catalog(db: Database, catalog: list[tuple[int, Sku]]) -> None:
    now = datetime.now(UTC)
    product_ids: dict[int, UUID] = {}
    for product, _ in catalog:
        product_ids.setdefault(product, new_id())
    product_rows: Iterator[Row] = (
        (pid, f"bench-tee-{n:05d}", f"Bench Tee {n:05d}", "", "en", {}, "standard", True,
         ["size"], True, now, now)
        for n, pid in product_ids.items()
    )  # fmt: skip
    bulk.load(db, products, PRODUCT_COLUMNS, product_rows)
    variant_rows: Iterator[Row] = (
        (sku.variant_id, product_ids[n], sku.code, sku.code.upper(),
         {"size": sku.code.rsplit("-", 1)[1]}, True, i % len(SIZES), now, now)
        for i, (n, sku) in enumerate(catalog)
    )  # fmt: skip
    bulk.load(db, product_variants, VARIANT_COLUMNS, variant_rows)
    bulk.load(db, variant_prices, PRICE_COLUMNS, _prices(catalog, now))


def _prices(catalog: list[tuple[int, Sku]], now: datetime) -> Iterator[Row]:
    for _, sku in catalog:
        for channel in network.CHANNELS:
            usd = channel.currency == "USD"
            amount = int(Decimal(sku.price_minor) * Decimal("1.1")) if usd else sku.price_minor
            yield (sku.variant_id, channel.code, amount, channel.currency, now)


def _load_stock(db: Database, skus: list[Sku], location_ids: list[UUID]) -> None:
    """Each SKU at each location: an item, a level and the receipt movement behind it."""
    now = datetime.now(UTC)
    items = ((sku.variant_id, sku.code, 0, False, now, now) for sku in skus)
    bulk.load(db, inventory_items, ITEM_COLUMNS, items)
    keys = [(sku.variant_id, lid) for sku in skus for lid in location_ids]
    levels = ((vid, lid, OPENING_STOCK, 0, 0, now) for vid, lid in keys)
    bulk.load(db, stock_levels, LEVEL_COLUMNS, levels)
    receipts = (
        (new_id(), "receipt", vid, lid, OPENING_STOCK, 0, 0, "", ACTOR, "opening stock", None, now)
        for vid, lid in keys
    )
    bulk.load(db, stock_movements, MOVEMENT_COLUMNS, receipts)
