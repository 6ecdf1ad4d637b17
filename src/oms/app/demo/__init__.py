"""The demo merchant: Northwind Outfitters, an apparel brand selling on six channels.

Loaded in one transaction, so it is either all there or not at all; a second load finds the
network in place and changes nothing. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from oms import catalog, channels, customers, inventory
from oms.app.demo import (
    assortment,
    fulfilment,
    network,
    notifications,
    payments,
    people,
    pricing,
    returns,
    sales,
)
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import DomainError
from oms.shared.money import Money

CUSTOMER_COUNT = 220
ORDER_COUNT = 60
ACTOR = "demo loader"


@dataclass(frozen=True)
class Summary:
    loaded: bool
    skus: int = 0
    customers: int = 0
    units: int = 0
    orders: int = 0
    payments: str = ""
    settlement_file: Path | None = None
    delivered: tuple[returns.Delivered, ...] = ()

    def describe(self) -> str:
        if not self.loaded:
            return "demo data already loaded; nothing changed"
        described = (
            f"loaded demo merchant: {len(network.LOCATIONS)} locations, "
            f"{len(network.CHANNELS)} channels, "
            f"{self.skus} SKUs, {self.units} units of stock, {self.customers} customers, "
            f"{self.orders} orders"
        )
        if self.payments:
            described += f"; payments: {self.payments}"
        if self.settlement_file is not None:
            described += (
                f"\nStripe payout file with one planted mismatch: {self.settlement_file} "
                f"(oms payments reconcile {self.settlement_file} --provider stripe)"
            )
        described += (
            "\nFulfilment: nearest-first sourcing; NW-PRK-* are pre-orders and NW-GLV-GRE is "
            "backordered, each with waiting orders (the walk: docs/fulfilment.md)"
        )
        if self.delivered:
            described += "\nReturns (the walk: docs/returns.md): " + "; ".join(
                f"{d.number} delivered {d.name} to {d.email}" for d in self.delivered
            )
        return described


def load(
    uow: UnitOfWork,
    *,
    seed: int = 42,
    progress: Console | None = None,
    settlement_dir: Path | None = Path("demo"),
) -> Summary:
    """Load the demo merchant unless it is already there, and write its Stripe payout file
    into ``settlement_dir`` (relative to the working directory; None writes none)."""
    try:
        channels.get_location(network.LOCATIONS[0].code, uow=uow)
    except DomainError:
        pass
    else:
        return Summary(loaded=False)
    rng = random.Random(seed)  # noqa: S311 (deterministic demo data, not secrets)
    with Progress(console=progress, transient=True, disable=progress is None) as bar, uow.begin():
        task = bar.add_task("demo merchant", total=6)
        for location in network.LOCATIONS:
            channels.create_location(location, uow=uow)
        for channel in network.CHANNELS:
            channels.create_channel(channel, uow=uow)
        returns.apply_policies(uow)
        notifications.apply_mail_settings(uow)
        bar.advance(task)
        prices = _load_assortment(uow)
        skus = list(prices)
        bar.advance(task)
        units = _load_stock(uow, prices, rng)
        bar.advance(task)
        everyone = people.customers(CUSTOMER_COUNT, seed)
        _load_customers(uow, everyone)
        bar.advance(task)
        pricing.load(uow)
        fulfilment.load_settings(uow, skus, today=uow.clock.now().date())
        placed = sales.place(uow, everyone, skus, ORDER_COUNT, seed)
        placed += fulfilment.place_waiting_orders(uow, everyone, skus)
        notifications.place_chinese_order(uow, skus)
        placed += 1
        bar.advance(task)
        paid = payments.load(uow)
        bar.advance(task)
    written = None if settlement_dir is None else payments.write_settlement(paid, settlement_dir)
    delivered = returns.deliver_orders(
        uow.engine, returns.buyer_of(everyone), skus, now=uow.clock.now()
    )
    return Summary(
        loaded=True,
        skus=len(skus),
        customers=len(everyone),
        units=units,
        orders=placed,
        payments=paid.describe(),
        settlement_file=written,
        delivered=tuple(delivered),
    )


def _variants(item: assortment.Item, index: int) -> list[catalog.NewVariant]:
    sizes: tuple[str | None, ...] = item.sizes or (None,)
    variants: list[catalog.NewVariant] = []
    for colour in item.colours:
        for size in sizes:
            options = {"colour": assortment.COLOURS[colour][0]}
            if size is not None:
                options["size"] = size
            sku = "-".join(p for p in ("NW", item.code, colour[:3].upper(), size) if p)
            body = f"4099{index:03d}{len(variants):02d}{len(item.colours):03d}"
            variants.append(
                catalog.NewVariant(
                    sku=sku,
                    gtin=assortment.gtin13(body),
                    options=options,
                    weight_grams=item.weight_grams,
                    dimensions=catalog.Dimensions(
                        length=item.box_mm[0], width=item.box_mm[1], height=item.box_mm[2]
                    ),
                )
            )
    return variants


COST_SHARE = Decimal("0.4")
"""The demo's unit costs: 40% of the euro price (what the inventory report values stock at)."""


def _load_assortment(uow: UnitOfWork) -> dict[str, Decimal]:
    """Every SKU with its euro price, in catalogue order."""
    skus: dict[str, Decimal] = {}
    for index, item in enumerate(assortment.ITEMS):
        translations = {
            locale: catalog.Translation(
                name=item.names[i],
                description=assortment.DESCRIPTIONS[i].format(name=item.names[i]),
            )
            for i, locale in enumerate(assortment.LOCALES)
            if locale != "en"
        }
        product = catalog.create_product(
            catalog.CreateProduct(
                name=item.names[0],
                description=assortment.DESCRIPTIONS[0].format(name=item.names[0]),
                handle=item.names[0].lower().replace(" ", "-"),
                translations=translations,
                tax_category=catalog.TaxCategory(item.tax_category),
                returnable=item.returnable,
                category=assortment.CATEGORIES[item.code],
                option_names=("colour", "size") if item.sizes else ("colour",),
                variants=tuple(_variants(item, index)),
            ),
            uow=uow,
        )
        for variant in product.variants:
            _price(uow, variant.sku, item)
            skus[variant.sku] = item.price_eur
    return skus


def _price(uow: UnitOfWork, sku: str, item: assortment.Item) -> None:
    for channel in network.CHANNELS:
        usd = channel.currency == "USD"
        catalog.set_price(
            catalog.SetPrice(
                sku=sku,
                channel=channel.code,
                currency=channel.currency,
                amount=assortment.usd_price(item.price_eur) if usd else item.price_eur,
            ),
            uow=uow,
        )


def _load_customers(uow: UnitOfWork, everyone: list[people.DemoCustomer]) -> None:
    for person in everyone:
        customers.create_customer(
            customers.CreateCustomer(
                email=person.email,
                name=person.name,
                phone=person.phone,
                locale=person.locale,
                marketing_consent=person.marketing_consent,
                tags=person.tags,
                notes=person.notes,
                addresses=tuple(
                    customers.NewAddress(address=a, label="Home" if i == 0 else "Work")
                    for i, a in enumerate(person.addresses)
                ),
            ),
            uow=uow,
        )


STOCK_RANGES = {
    "wh-de": (20, 160),
    "wh-us": (10, 120),
    "store-berlin": (0, 12),
    "store-paris": (0, 12),
}


def _load_stock(uow: UnitOfWork, prices: dict[str, Decimal], rng: random.Random) -> int:
    """Opening stock as ledger receipts, so the demo's levels have a history that explains them;
    each stocked SKU's threshold and unit cost."""
    units = 0
    for sku, price in prices.items():
        if fulfilment.item_code(sku) in fulfilment.NOT_STOCKED:
            continue
        cost = Money(price * COST_SHARE, "EUR")
        inventory.change_stock_settings(
            inventory.ChangeStockSettings(
                sku=sku, low_stock_threshold=rng.choice((5, 10, 15)), unit_cost=cost
            ),
            uow=uow,
        )
        for location, (low, high) in STOCK_RANGES.items():
            quantity = rng.randint(low, high)
            if quantity:
                inventory.receive_stock(
                    inventory.ReceiveStock(
                        sku=sku,
                        location=location,
                        quantity=quantity,
                        actor=ACTOR,
                        reference="opening stock",
                    ),
                    uow=uow,
                )
                units += quantity
    return units
