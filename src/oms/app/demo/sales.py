"""A few weeks of the demo merchant's orders: every channel, pickups, holds and cancellations.

Placed through the real use case, so each order is priced, allocated, held by the rules and
written to the timeline and the outbox exactly as a live one would be.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from oms import orders
from oms.app.demo.people import DemoCustomer
from oms.orders.pricing import ShippingMethod
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Conflict

ACTOR = "demo loader"
CHANNELS = ("web", "web", "web", "app", "app", "marketplace", "phone", "kiosk", "pos")


def place(
    uow: UnitOfWork, people: Sequence[DemoCustomer], skus: Sequence[str], count: int, seed: int
) -> int:
    """Place ``count`` orders; cancel one in ten. Returns how many were placed."""
    rng = random.Random(seed)  # noqa: S311 (deterministic demo data, not secrets)
    placed = 0
    for number in range(count):
        person = rng.choice(people)
        channel = rng.choice(CHANNELS)
        pickup = channel in ("pos", "kiosk") or rng.random() < 0.1
        lines = tuple(
            orders.NewLine(sku=sku, quantity=rng.choice((1, 1, 1, 2, 3)))
            for sku in rng.sample(list(skus), k=rng.choice((1, 1, 2, 3)))
        )
        try:
            placement = orders.place_order(
                orders.PlaceOrder(
                    channel=channel,
                    external_id=f"AMZ-{seed}-{number:05d}" if channel == "marketplace" else None,
                    customer=orders.CustomerDetails(
                        email=person.email,
                        name=person.name,
                        phone=person.phone,
                        locale=person.locale,
                    ),
                    shipping_address=person.addresses[0],
                    lines=lines,
                    shipping_method=ShippingMethod.PICKUP
                    if pickup
                    else rng.choice(
                        (ShippingMethod.STANDARD, ShippingMethod.STANDARD, ShippingMethod.EXPRESS)
                    ),
                    pickup_location="store-paris" if pickup else None,
                    actor=ACTOR,
                ),
                uow=uow,
            )
        except Conflict:
            continue  # sold out at that location: a real shop turns such orders away too
        placed += 1
        if rng.random() < 0.1:
            orders.cancel_order(
                orders.CancelOrder(
                    order_id=placement.order.id, reason="customer changed their mind", actor=ACTOR
                ),
                uow=uow,
            )
    return placed
