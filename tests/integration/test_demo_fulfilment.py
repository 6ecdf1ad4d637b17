"""The demo merchant is ready for fulfilment, on SQLite and PostgreSQL: every location has its
settings and karrio's generic carrier, the channels source nearest first, Hamburg's SKUs have
bins, a pre-order and a backordered SKU have waiting orders; and an order to Munich goes to the
nearest location that has everything, saying why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from oms import channels, inventory, orders, sourcing
from oms.app import tasks
from oms.app.demo import fulfilment as demo_fulfilment
from oms.app.demo import network
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.services.settings import get_location_settings
from oms.orders.tables import order_lines
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from tests import demo_snapshot


@pytest.fixture
def loaded(uow: UnitOfWork, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The demo loaded and its events relayed (loaded once per backend, then put back)."""
    demo_snapshot.merchant(engine, uow, tmp_path_factory, drained=True)


@pytest.mark.usefixtures("loaded")
def test_the_demo_is_set_up_for_fulfilment(uow: UnitOfWork, engine: Engine) -> None:
    """Working days and the generic carrier everywhere, nearest-first rules, Hamburg's bins,
    a pre-order and a backorder with waiting orders (one load: it takes a while)."""
    for location in network.LOCATIONS:
        found = get_location_settings(location.code, uow=uow)
        cutoff, zone, handling, hold = demo_fulfilment.WORKING_DAYS[location.code]
        assert (found.cutoff_time, found.timezone, found.handling_days) == (cutoff, zone, handling)
        assert (found.pickup_hold_days, found.carrier) == (hold, "generic")
    rules = sourcing.get_rules("web", uow=uow)
    assert rules.version == 1
    assert rules.ranking[0].value == "distance"
    assert sourcing.get_rules("pos", uow=uow).version == 0
    stock = inventory.get_stock("NW-TSH-BLA-S", uow=uow)
    hamburg = channels.get_location("wh-de", uow=uow)
    assert inventory.bins([stock.variant_id], hamburg.id, uow=uow) == {stock.variant_id: "A01-01"}

    parka = inventory.get_stock("NW-PRK-OLI-S", uow=uow).variant_id
    item = inventory.stock_settings([parka], uow=uow)[parka]
    assert item.preorder_cap == demo_fulfilment.PREORDER_CAP
    assert item.preorder_release_on == uow.clock.now().date() + timedelta(
        days=demo_fulfilment.PREORDER_DAYS
    )
    gloves = inventory.get_stock("NW-GLV-GRE", uow=uow)
    assert gloves.allows_backorders
    assert sum(level.on_hand for level in gloves.locations) == 0
    with engine.connect() as c:
        waiting = dict(
            c.execute(
                select(order_lines.c.sku, func.count())
                .where(order_lines.c.backordered_quantity > 0)
                .group_by(order_lines.c.sku)
            ).all()
        )
    assert waiting["NW-PRK-OLI-S"] >= 3
    assert waiting["NW-GLV-GRE"] >= 2


@pytest.mark.usefixtures("loaded")
def test_an_order_to_munich_leaves_the_nearest_location_that_has_everything(
    uow: UnitOfWork, engine: Engine
) -> None:
    munich = Address(line1="Marienplatz 1", city="München", postal_code="80331", country="DE")
    berlin = channels.get_location("store-berlin", uow=uow)
    in_berlin = [
        s.sku
        for s in inventory.list_stock_at(berlin.code, uow=uow, after=None, limit=200)
        if s.available > demo_fulfilment.DISPLAY_UNITS
    ]
    placed = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="sepp@example.com", name="Sepp Huber"),
            shipping_address=munich,
            lines=(orders.NewLine(sku=in_berlin[0], quantity=1),),
            actor="test",
        ),
        uow=uow,
    ).order
    assert {a.location for a in placed.allocations} == {"store-berlin"}
    (decision,) = orders.sourcing_decisions(placed.id, uow=uow)
    assert "distance" in str(decision.details)
    tasks.relay(engine).drain()
    with uow.read() as tx:
        fos = tx.repo(FULFILMENT_ORDERS).for_order(placed.id)
    assert [(fo.location, fo.status.value) for fo in fos] == [("store-berlin", "open")]
