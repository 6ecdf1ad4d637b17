"""Waiting units are counted per SKU (triggers on order lines) and protected: a new order
never takes units older orders wait for; a pre-order SKU's cap holds exactly, even when many
orders are placed at once (PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from oms import inventory, orders
from oms.channels import ChannelKind
from oms.inventory.tables import inventory_items
from oms.platform.reference import read_version
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from tests import builders
from tests.invariants import assert_orders_match_stock

pytestmark = pytest.mark.usefixtures("balanced_ledger")

ADDRESS = Address(
    name="Ada Lovelace", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
)


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    """An app channel that backorders what it lacks, one warehouse, one SKU."""
    builders.location(uow, "wh-de")
    builders.channel(
        uow, "app", kind=ChannelKind.MOBILE, locations=("wh-de",), allows_backorders=True
    )
    builders.pricing(uow)
    builders.product(uow, "BO-1", prices={"app": "20.00"})


def place(uow: UnitOfWork, quantity: int, n: int = 0) -> orders.Order:
    return orders.place_order(
        orders.PlaceOrder(
            channel="app",
            customer=orders.CustomerDetails(email=f"buyer{n}@example.com", name="Ada Lovelace"),
            shipping_address=ADDRESS,
            lines=(orders.NewLine(sku="BO-1", quantity=quantity),),
            actor="test",
        ),
        uow=uow,
    ).order


def receive(uow: UnitOfWork, quantity: int) -> None:
    inventory.receive_stock(
        inventory.ReceiveStock(sku="BO-1", location="wh-de", quantity=quantity, actor="test"),
        uow=uow,
    )


def waiting(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(inventory_items.c.backordered)).scalar_one())


@pytest.mark.usefixtures("shop")
def test_the_units_waiting_per_sku_follow_the_order_lines(uow: UnitOfWork, engine: Engine) -> None:
    first = place(uow, 3)
    assert waiting(engine) == 3  # never stocked: the trigger created the item
    second = place(uow, 2, 1)
    assert waiting(engine) == 5
    orders.cancel_order(
        orders.CancelOrder(order_id=first.id, reason="changed mind", actor="csr"), uow=uow
    )
    assert waiting(engine) == 2
    receive(uow, 2)
    orders.allocate_backorders(second.lines[0].variant_id, uow=uow)
    assert waiting(engine) == 0


@pytest.mark.usefixtures("shop")
def test_a_new_order_after_a_receipt_leaves_the_units_to_the_orders_that_waited(
    uow: UnitOfWork, engine: Engine
) -> None:
    older = place(uow, 3)
    receive(uow, 4)  # the backorder consumer has not run yet
    newer = place(uow, 2, 1)
    assert [line.backordered_quantity for line in newer.lines] == [1]
    assert sum(a.quantity for a in newer.allocations) == 1  # 4 arrived, 3 are the older order's
    orders.allocate_backorders(older.lines[0].variant_id, uow=uow)
    filled = orders.get_order(older.id, uow=uow)
    assert [line.backordered_quantity for line in filled.lines] == [0]
    assert waiting(engine) == 1
    assert_orders_match_stock(engine)


@pytest.fixture
def preorder(uow: UnitOfWork, shop: None) -> None:
    receive(uow, 50)  # in stock already, but not to be sold before the release
    inventory.change_stock_settings(
        inventory.ChangeStockSettings(
            sku="BO-1",
            preorder_release_on=uow.clock.now().date() + timedelta(days=30),
            preorder_cap=5,
        ),
        uow=uow,
    )


@pytest.mark.usefixtures("preorder")
def test_a_pre_order_is_backordered_whatever_the_stock_and_refused_past_its_cap(
    uow: UnitOfWork, engine: Engine
) -> None:
    first = place(uow, 3)
    assert [line.backordered_quantity for line in first.lines] == [3]
    assert first.allocations == ()
    with pytest.raises(inventory.PreorderCapReached) as refused:
        place(uow, 3, 1)
    assert refused.value.facts["sku"] == "BO-1"
    assert place(uow, 2, 2).lines[0].backordered_quantity == 2
    assert waiting(engine) == 5


@pytest.mark.usefixtures("preorder")
def test_the_pre_order_cap_holds_under_concurrent_placements(
    uow: UnitOfWork, engine: Engine
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: placements cannot overlap there")
    start = threading.Barrier(8)

    def placing(n: int) -> orders.Order | Exception:
        start.wait(timeout=60)
        try:
            return place(UnitOfWork(engine), 1, n)
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(placing, range(8)))
    placed = [o for o in outcomes if isinstance(o, orders.Order)]
    refused = [o for o in outcomes if isinstance(o, inventory.PreorderCapReached)]
    assert [repr(o) for o in outcomes if isinstance(o, Exception) and o not in refused] == []
    assert (len(placed), len(refused)) == (5, 3)
    assert waiting(engine) == 5


@pytest.mark.usefixtures("shop")
def test_waiting_units_are_live_data_and_leave_the_reference_version_alone(
    uow: UnitOfWork, engine: Engine
) -> None:
    place(uow, 1)  # creates the item (an insert moves the version once)
    with engine.connect() as conn:
        before = read_version(conn)
    place(uow, 2, 1)
    with engine.connect() as conn:
        assert read_version(conn) == before  # backordered moved, no setting did
    inventory.change_stock_settings(
        inventory.ChangeStockSettings(sku="BO-1", preorder_cap=100), uow=uow
    )
    with engine.connect() as conn:
        assert read_version(conn) != before
