"""The demo merchant's fulfilment: how each location works, how each channel sources, where SKUs
sit on the shelves, a pre-order and a sold-out SKU with waiting orders.

- Every location has its cut-off, time zone, handling days, pickup hold and karrio's generic
  carrier (labels without network, what tests and the demo print).
- The channels that ship rank locations by distance first (25 km buckets), then by the stock
  of the order's items, then by priority; one parcel when a location has everything, at most
  two; pickups at a store that lacks stock may come from Hamburg by transfer.
- Hamburg's SKUs have bins (pick lists walk them in order); stores keep two units of some
  SKUs on display (safety stock sourcing leaves alone).
- The Expedition Parka is a pre-order (released three weeks after the load, 20 units each at
  most); the Merino Gloves are sold out and backordered. A few orders wait for each, oldest
  first, so ``docs/fulfilment.md``'s walk can fill them by a receipt and by the release.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from oms import inventory, orders, sourcing
from oms.app.demo.network import CHANNELS
from oms.app.demo.people import DemoCustomer
from oms.fulfilment.services.settings import PutLocationSettings, put_location_settings
from oms.orders.pricing import ShippingMethod
from oms.platform.unit_of_work import UnitOfWork

ACTOR = "demo loader"

WORKING_DAYS = {
    # code: (cut-off, time zone, handling days, pickup hold days)
    "wh-de": ("15:00", "Europe/Berlin", 1, 7),
    "wh-us": ("16:00", "America/New_York", 1, 7),
    "store-berlin": ("12:00", "Europe/Berlin", 2, 5),
    "store-paris": ("12:00", "Europe/Paris", 2, 5),
}

NEAREST_FIRST = {
    "filters": {"capacity": True, "safety_stock": True},
    "ranking": ["distance", "stock_on_hand", "priority"],
    "distance_bucket_km": 25,
    "strategy": {"prefer_single_location": True, "max_shipments": 2, "allow_partial": True},
    "pickup": {"transfer_from": ["wh-de"]},
}
"""The rules of every channel but the Paris till (which sells what the store has)."""

PREORDER = "PRK"
BACKORDERED = "GLV"
NOT_STOCKED = frozenset({PREORDER, BACKORDERED})
"""Item codes that get no opening stock."""
PREORDER_DAYS = 21
PREORDER_CAP = 20
DISPLAY_UNITS = 2


def item_code(sku: str) -> str:
    return sku.split("-")[1]


def load_settings(uow: UnitOfWork, skus: Sequence[str], *, today: date) -> None:
    """Locations' fulfilment settings, channels' sourcing rules and the SKUs' bins, safety
    stock, pre-order and backorder settings: before any order is placed, so the demo's orders
    are sourced and promised by them."""
    for code, (cutoff, zone, handling, hold) in WORKING_DAYS.items():
        put_location_settings(
            PutLocationSettings(
                location=code,
                cutoff_time=cutoff,
                timezone=zone,
                handling_days=handling,
                pickup_hold_days=hold,
                carrier="generic",
                carrier_service="standard",
            ),
            uow=uow,
        )
    for channel in CHANNELS:
        if channel.code != "pos":
            sourcing.put_rules(
                sourcing.PutRules(channel=channel.code, document=NEAREST_FIRST, actor=ACTOR),
                uow=uow,
            )
    stocked = [sku for sku in skus if item_code(sku) not in NOT_STOCKED]
    for index, sku in enumerate(stocked):
        aisle, shelf = divmod(index, 12)
        inventory.change_level_settings(
            inventory.ChangeLevelSettings(
                sku=sku, location="wh-de", bin=f"A{aisle + 1:02d}-{shelf + 1:02d}"
            ),
            uow=uow,
        )
        if index % 5 == 0:
            for store in ("store-berlin", "store-paris"):
                inventory.change_level_settings(
                    inventory.ChangeLevelSettings(
                        sku=sku, location=store, safety_stock=DISPLAY_UNITS
                    ),
                    uow=uow,
                )
    for sku in skus:
        if item_code(sku) == PREORDER:
            inventory.change_stock_settings(
                inventory.ChangeStockSettings(
                    sku=sku,
                    preorder_release_on=today + timedelta(days=PREORDER_DAYS),
                    preorder_cap=PREORDER_CAP,
                ),
                uow=uow,
            )
        elif item_code(sku) == BACKORDERED:
            inventory.change_stock_settings(
                inventory.ChangeStockSettings(sku=sku, allows_backorders=True), uow=uow
            )


def place_waiting_orders(
    uow: UnitOfWork, people: Sequence[DemoCustomer], skus: Sequence[str]
) -> int:
    """Three web orders for the parka (pre-orders) and two for the gloves (backordered), each
    from another customer, oldest first."""
    waiting = [sku for sku in skus if item_code(sku) == PREORDER][:1] * 3
    waiting += [sku for sku in skus if item_code(sku) == BACKORDERED][:1] * 2
    for person, sku in zip(people[-len(waiting) :], waiting, strict=True):
        orders.place_order(
            orders.PlaceOrder(
                channel="web",
                customer=orders.CustomerDetails(
                    email=person.email, name=person.name, locale=person.locale
                ),
                shipping_address=person.addresses[0],
                lines=(orders.NewLine(sku=sku, quantity=1),),
                shipping_method=ShippingMethod.STANDARD,
                actor=ACTOR,
            ),
            uow=uow,
        )
    return len(waiting)
