"""The demo merchant's returns: a policy per selling channel and two delivered orders to walk.

- The web shop, app and call centre share one policy: 30 days from delivery, approved without a
  person, the customer pays the parcel back, a 10 % restocking fee when the customer changed
  their mind, none for damaged goods (and under 20.00 a damaged item is simply kept), exchanges
  wait for the original to arrive. The kiosk, till and marketplace keep the default policy
  (nothing approved without a person).
- Two web orders of the first German demo customer, paid by card on the shop's terminal,
  shipped from Hamburg and delivered: one a few days ago (inside the window: the return, the
  exchange and the claim of ``docs/returns.md``'s walk), one long ago (past it: a request is
  refused).

The orders live through their real history, each step at its own time (a fixed clock per step):
placed, paid, handed to fulfilment by the relay, shipped with a tracking number, delivered by
the carrier's event. That takes several transactions after the loader's one, so it runs after
it (``deliver_orders``); a load that stops half way leaves orders that are merely undelivered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from oms import orders, payments
from oms.app import tasks
from oms.app.demo.people import DemoCustomer
from oms.fulfilment.domain.shipments import Package, TrackingStatus
from oms.fulfilment.providers.carriers import Carrier, CarrierAccount
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.services import shipping, tracking
from oms.orders.pricing import ShippingMethod
from oms.payments.providers.pos import PosProvider
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.services.policies import SetReturnPolicy, set_return_policy
from oms.shared.clock import FixedClock

ACTOR = "demo loader"

POLICY: Mapping[str, Any] = {
    "window_days": 30,
    "window_from": "delivery",
    "restocking_fee": {"percent": "10", "fixed": None},
    "return_shipping_paid_by": "customer",
    "refund_original_shipping": False,
    "auto_approve": True,
    "instant_exchange": False,
    "reasons": {
        "changed_mind": {"fee": True},
        "damaged": {"fee": False, "keep_item_under": "20.00", "auto_approve": True},
        "wrong_size": {"fee": False},
        "not_as_described": {"fee": False},
        "late_delivery": {"fee": False},
        "other": {"fee": True, "auto_approve": False},
    },
    "products": {},
}
"""The return policy document (as ``PUT /v1/channels/{code}/return-policy`` takes it)."""
POLICY_CHANNELS = ("web", "app", "phone")


def apply_policies(uow: UnitOfWork) -> None:
    """Give ``POLICY_CHANNELS`` the demo's return policy, through the same service as ``PUT
    /v1/channels/{code}/return-policy`` (so the document is checked as an admin's would be);
    in the caller's transaction, so a load that fails leaves no policy behind."""
    for code in POLICY_CHANNELS:
        set_return_policy(
            SetReturnPolicy(channel=code, document=POLICY, expected=None, actor=ACTOR), uow=uow
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class History:
    """When a demo order was placed, shipped and delivered, in days before the load."""

    name: str
    lines: tuple[tuple[str, int], ...]
    placed: int
    shipped: int
    delivered: int


RECENT = History(
    name="recent",
    lines=(("NW-TSH-BLA-M", 2), ("NW-HOD-NAV-M", 1), ("NW-CAP-BLA", 1)),
    placed=8,
    shipped=7,
    delivered=5,
)
"""Inside the window: a T-shirt to exchange for another size, a hoodie to send back, a cap that
arrived damaged (a claim)."""
LONG_AGO = History(
    name="long ago", lines=(("NW-TSH-BLA-S", 1),), placed=80, shipped=79, delivered=76
)
"""Delivered 76 days before the load: any return request is past the window."""
HISTORIES = (RECENT, LONG_AGO)


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivered:
    name: str
    number: str
    email: str


def buyer_of(people: Sequence[DemoCustomer]) -> DemoCustomer:
    """The first demo customer living in Germany (Hamburg ships to them in the euro)."""
    return next(p for p in people if p.addresses and p.addresses[0].country == "DE")


def deliver_orders(
    engine: Engine, buyer: DemoCustomer, skus: Sequence[str], *, now: datetime
) -> list[Delivered]:
    """Place, pay, ship and deliver the demo's returnable orders (those of ``HISTORIES`` whose
    SKUs the assortment has), each step at its time."""
    done = []
    for history in HISTORIES:
        lines = tuple((sku, q) for sku, q in history.lines if sku in skus)
        if not lines:
            continue
        order = _place_and_pay(engine, buyer, lines, at=now - timedelta(days=history.placed))
        tasks.relay(engine, FixedClock(now - timedelta(days=history.placed))).drain()
        shipped = _ship(engine, order, at=now - timedelta(days=history.shipped))
        _deliver(engine, shipped, at=now - timedelta(days=history.delivered))
        done.append(Delivered(name=history.name, number=order.number, email=buyer.email))
    tasks.relay(engine).drain()
    return done


def _place_and_pay(
    engine: Engine, buyer: DemoCustomer, lines: Sequence[tuple[str, int]], *, at: datetime
) -> orders.Order:
    """A web order to the buyer's home, paid by card on the shop's own terminal (a local
    provider: the walk's refund goes back to it without a network), its checks released by
    customer service."""
    uow = UnitOfWork(engine, FixedClock(at))
    order = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(
                email=buyer.email, name=buyer.name, phone=buyer.phone, locale=buyer.locale
            ),
            shipping_address=buyer.addresses[0],
            lines=tuple(orders.NewLine(sku=sku, quantity=q) for sku, q in lines),
            shipping_method=ShippingMethod.STANDARD,
            actor=ACTOR,
        ),
        uow=uow,
    ).order
    payments.add_tender(
        payments.AddTender(
            order_id=order.id,
            provider=payments.ProviderName.POS,
            details={"method": "card"},
            actor=ACTOR,
        ),
        uow=uow,
        providers={payments.ProviderName.POS: PosProvider()},
    )
    for hold in orders.get_order(order.id, uow=uow).open_holds:
        orders.release_hold(
            orders.ReleaseHold(order_id=order.id, hold_id=hold.id, actor=ACTOR), uow=uow
        )
    return orders.get_order(order.id, uow=uow)


def _no_carrier(account: CarrierAccount) -> Carrier:
    raise AssertionError(f"the demo gives its tracking numbers; no label from {account.carrier}")


def _ship(engine: Engine, order: orders.Order, *, at: datetime) -> list[shipping.Shipped]:
    """Every fulfilment order of the order in one package, with a tracking number of its own."""
    uow = UnitOfWork(engine, FixedClock(at))
    with uow.read() as tx:
        fos = tx.repo(FULFILMENT_ORDERS).for_order(order.id)
    return [
        shipping.ship_packages(
            shipping.ShipPackages(
                fulfilment_order_id=fo.id,
                packages=(Package(weight_grams=900, lines=fo.open_units),),
                tracking_numbers=(f"DEMO{order.number.replace('-', '')}{index}",),
                actor=ACTOR,
            ),
            uow=uow,
            carriers=_no_carrier,
        )
        for index, fo in enumerate(fos, start=1)
        if fo.open_units
    ]


def _deliver(engine: Engine, shipped: Sequence[shipping.Shipped], *, at: datetime) -> None:
    uow = UnitOfWork(engine, FixedClock(at))
    for made in shipped:
        for shipment in made.shipments:
            tracking.report_event(
                tracking.ReportEvent(
                    shipment=shipment.id,
                    status=TrackingStatus.DELIVERED,
                    occurred_at=at,
                    description="delivered to the front door",
                    actor="carrier",
                ),
                uow=uow,
            )
