"""An order placed while its buyer is being erased keeps nothing of them (ADR 0007's residual
race, closed by ADR 0009).

The placement attaches the buyer with a locking read of the profile (``FOR SHARE``) held until it
commits, and the erasure locks the profile for update: whichever comes second waits. An erasure
that waits for the order then announces itself after the order committed, so the orders
consumer finds the order and erases its copy. PostgreSQL only: SQLite runs one writer at a time,
so the two never overlap there.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from oms import customers, orders
from oms.app import tasks
from oms.orders.services import sourcing
from oms.orders.tables import orders as orders_table
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from tests.integration.test_orders_api import shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("balanced_ledger", "shop")

EMAIL = "ada.erased@example.com"
ADDRESS = Address(
    name="Ada Lovelace", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
)


def place(uow: UnitOfWork) -> orders.Placement:
    return orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email=EMAIL, name="Ada Lovelace"),
            shipping_address=ADDRESS,
            lines=(orders.NewLine(sku="TS-1", quantity=1),),
            actor="test",
        ),
        uow=uow,
    )


def test_an_erasure_during_a_placement_waits_for_it_and_erases_its_copy(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: placement and erasure never overlap")
    customer_id = place(UnitOfWork(engine)).order.buyer.customer_id
    real = sourcing.find_candidates

    def slow(*args: Any, **kwargs: Any) -> Any:  # after the buyer was attached
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(sourcing, "find_candidates", slow)
    committed: dict[str, float] = {}

    def placing() -> None:
        place(UnitOfWork(engine))
        committed["order"] = time.monotonic()

    thread = threading.Thread(target=placing)
    thread.start()
    time.sleep(0.4)
    customers.erase_customer(
        customers.EraseCustomer(customer_id=customer_id), uow=UnitOfWork(engine)
    )
    committed["erasure"] = time.monotonic()
    thread.join()
    tasks.relay(engine).drain()
    assert committed["order"] <= committed["erasure"], "the erasure waited for the order"
    with engine.connect() as c:
        placed = c.execute(select(func.count()).select_from(orders_table)).scalar_one()
        kept = c.execute(
            select(func.count()).where(orders_table.c.customer_email == EMAIL)
        ).scalar_one()
    assert placed == 2
    assert kept == 0, "an order placed during the erasure kept the buyer's email"
