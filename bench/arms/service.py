"""The use case: ``oms.orders.place_order`` called in-process, one unit of work per thread."""

from __future__ import annotations

from bench.databases import Database
from bench.measure import Step
from bench.merchant import ACTOR, CHANNEL
from bench.workload import OrderSpec, OrderStream
from oms import orders
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address


def command(spec: OrderSpec) -> orders.PlaceOrder:
    """The order as a channel integration would hand it to the service."""
    return orders.PlaceOrder(
        channel=CHANNEL,
        customer=orders.CustomerDetails(
            email=spec.buyer.email, name=spec.buyer.name, locale="de-DE"
        ),
        shipping_address=Address(**spec.buyer.address),
        lines=tuple(orders.NewLine(sku=sku, quantity=quantity) for sku, quantity in spec.lines),
        actor=ACTOR,
    )


def step(db: Database, stream: OrderStream) -> Step:
    """Place the stream's next order through the service (a unit of work is per thread)."""
    uow = UnitOfWork(db.engine)

    def place() -> None:
        orders.place_order(command(stream.next()), uow=uow)

    return place
