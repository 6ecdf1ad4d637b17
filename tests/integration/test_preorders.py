"""Pre-orders: accepted up to the cap before the release day, all waiting whatever the stock;
nothing of them is allocated before the day, however much arrives; on the day the pre-order
ends and the waiting orders are allocated oldest first (the periodic task, or ``oms preorders
release``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from oms import inventory, orders
from oms.app import tasks
from oms.app.cli import app as cli
from oms.inventory import PreorderCapReached
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from tests import builders

pytestmark = pytest.mark.usefixtures("balanced_ledger")

SKU = "PRE-1"
TODAY = datetime.now(UTC).date()
RELEASE_ON = TODAY + timedelta(days=3)


@pytest.fixture
def variant(uow: UnitOfWork) -> UUID:
    """A pre-order SKU (release in three days, at most 4 units waiting) sold on the web shop
    from wh-de; the channel itself allows no backorders."""
    builders.location(uow, "wh-de")
    builders.channel(uow, "web", locations=("wh-de",))
    builders.pricing(uow)
    found = builders.product(uow, SKU, prices={"web": "30.00"}).variants[0].id
    inventory.change_stock_settings(
        inventory.ChangeStockSettings(sku=SKU, preorder_release_on=RELEASE_ON, preorder_cap=4),
        uow=uow,
    )
    return found


def order(uow: UnitOfWork, units: int) -> orders.Order:
    return orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="fan@example.com", name="Early Fan"),
            shipping_address=builders.ADDRESSES["DE"],
            lines=(orders.NewLine(sku=SKU, quantity=units),),
            actor="test",
        ),
        uow=uow,
    ).order


def receive(uow: UnitOfWork, units: int) -> None:
    inventory.receive_stock(
        inventory.ReceiveStock(sku=SKU, location="wh-de", quantity=units, actor="t"), uow=uow
    )


def waiting(uow: UnitOfWork, order_id: UUID) -> int:
    return sum(line.backordered_quantity for line in orders.get_order(order_id, uow=uow).lines)


def on(day: date, engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine, FixedClock(datetime(day.year, day.month, day.day, 9, tzinfo=UTC)))


def test_stock_that_arrives_before_the_release_day_is_not_allocated(
    uow: UnitOfWork, engine: Engine, variant: UUID
) -> None:
    receive(uow, 10)
    first = order(uow, 2)
    assert waiting(uow, first.id) == 2, "a pre-order waits whatever the stock"
    receive(uow, 5)
    tasks.relay(engine).drain()  # the backorder consumer hears every receipt
    assert orders.allocate_backorders(variant, uow=uow) == 0
    assert waiting(uow, first.id) == 2
    assert orders.release_preorders(uow=uow) == [], "its day has not come"
    assert inventory.stock_settings([variant], uow=uow)[variant].preorder_release_on == RELEASE_ON


def test_orders_are_accepted_up_to_the_cap(uow: UnitOfWork, variant: UUID) -> None:
    order(uow, 3)
    order(uow, 1)
    with pytest.raises(PreorderCapReached):
        order(uow, 1)


def test_on_the_release_day_the_waiting_orders_are_allocated_oldest_first(
    uow: UnitOfWork, engine: Engine, variant: UUID
) -> None:
    first, second, third = order(uow, 2), order(uow, 1), order(uow, 1)
    receive(uow, 3)

    released = orders.release_preorders(uow=on(RELEASE_ON, engine))
    assert [(r.sku, r.release_on, r.allocated) for r in released] == [(SKU, RELEASE_ON, 3)]
    assert [waiting(uow, o.id) for o in (first, second, third)] == [0, 0, 1]
    item = inventory.stock_settings([variant], uow=uow)[variant]
    assert (item.preorder_release_on, item.preorder_cap) == (None, None)
    assert orders.release_preorders(uow=on(RELEASE_ON, engine)) == [], "released once"
    receive(uow, 1)
    tasks.relay(engine).drain()
    assert waiting(uow, third.id) == 0, "after the release, arrivals fill as for any backorder"


@pytest.fixture
def database_env(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))


@pytest.mark.usefixtures("database_env")
def test_the_cli_releases_a_sku_whose_day_has_come(uow: UnitOfWork, variant: UUID) -> None:
    placed = order(uow, 2)
    receive(uow, 2)
    not_yet = CliRunner().invoke(cli, ["preorders", "release", "--sku", SKU])
    assert not_yet.exit_code == 0, not_yet.output
    assert waiting(uow, placed.id) == 2
    inventory.change_stock_settings(
        inventory.ChangeStockSettings(sku=SKU, preorder_release_on=TODAY), uow=uow
    )
    done = CliRunner().invoke(cli, ["preorders", "release", "--sku", SKU])
    assert done.exit_code == 0, done.output
    assert f"{SKU}: released" in done.stdout
    assert waiting(uow, placed.id) == 0
