"""Returned goods booked by disposition, on SQLite and PostgreSQL: the movements the ledger
keeps for each, the level they leave, and every level still the sum of its movements."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from oms import inventory
from oms.inventory import ReturnDisposition as D
from oms.inventory.tables import stock_movements
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from tests import builders
from tests.invariants import assert_ledger_balances

pytestmark = pytest.mark.usefixtures("balanced_ledger")


@pytest.fixture
def shop(uow: UnitOfWork) -> UnitOfWork:
    builders.location(uow, "wh-de", "DE")
    builders.location(uow, "store-b", "DE")
    builders.channel(uow, "web", locations=("wh-de",))
    builders.product(uow, "TS-1", prices={"web": "20.00"})
    inventory.receive_stock(
        inventory.ReceiveStock(sku="TS-1", location="wh-de", quantity=4, actor="setup"), uow=uow
    )
    return uow


def back(uow: UnitOfWork, disposition: D, *, location: str = "wh-de", quantity: int = 2) -> None:
    inventory.receive_return(
        inventory.ReceiveReturn(
            sku="TS-1",
            location=location,
            quantity=quantity,
            disposition=disposition,
            reference="RMA-000001",
            actor="wh",
        ),
        uow=uow,
    )


def level(uow: UnitOfWork, location: str = "wh-de") -> tuple[int, int, int]:
    stock = next(
        s for s in inventory.get_stock("TS-1", uow=uow).locations if s.location == location
    )
    return (stock.on_hand, stock.allocated, stock.unavailable)


def ledger(engine: Engine) -> list[tuple[str, int, int, str]]:
    m = stock_movements.c
    with engine.connect() as c:
        rows = c.execute(
            select(m.kind, m.on_hand_delta, m.unavailable_delta, m.reason)
            .where(m.reference == "RMA-000001")
            .order_by(m.occurred_at, m.kind)
        ).all()
    return [(r.kind, r.on_hand_delta, r.unavailable_delta, r.reason) for r in rows]


@pytest.mark.parametrize(
    ("disposition", "movements", "after"),
    [
        (D.RESTOCK, [("return_restock", 2, 0, "restock")], (6, 0, 0)),
        (
            D.DAMAGED,
            [("return_restock", 2, 0, "damaged"), ("status_change", 0, 2, "damaged")],
            (6, 0, 2),
        ),
        (
            D.WRITE_OFF,
            [("damage", -2, 0, "damage"), ("return_restock", 2, 0, "write_off")],
            (4, 0, 0),
        ),
        (
            D.RETURN_TO_CUSTOMER,
            [
                ("fulfilment", -2, 0, "returned to customer"),
                ("return_restock", 2, 0, "return_to_customer"),
            ],
            (4, 0, 0),
        ),
    ],
)
def test_each_disposition_posts_its_movements(
    engine: Engine,
    shop: UnitOfWork,
    disposition: D,
    movements: list[tuple[str, int, int, str]],
    after: tuple[int, int, int],
) -> None:
    back(shop, disposition)
    assert sorted(ledger(engine)) == sorted(movements)
    assert level(shop) == after
    assert_ledger_balances(engine)


def test_a_location_that_never_stocked_the_sku_receives_it(
    engine: Engine, shop: UnitOfWork
) -> None:
    back(shop, D.DAMAGED, location="store-b", quantity=1)
    assert level(shop, "store-b") == (1, 0, 1)
    assert_ledger_balances(engine)


def test_bad_requests_are_refused_naming_their_fields(engine: Engine, shop: UnitOfWork) -> None:
    with pytest.raises(Invalid) as refused:
        inventory.receive_return(
            inventory.ReceiveReturn(
                sku="NOPE",
                location="nowhere",
                quantity=0,
                disposition=D.RESTOCK,
                reference="RMA-000001",
                actor="wh",
            ),
            uow=shop,
        )
    assert {p.field for p in refused.value.problems} == {"quantity", "sku", "location"}
    assert ledger(engine) == []


def test_the_movements_commit_with_the_callers_transaction_or_not_at_all(
    engine: Engine, shop: UnitOfWork
) -> None:
    class Inspected(Exception):
        pass

    def inspect_and_fail() -> None:
        with shop.begin():
            back(shop, D.WRITE_OFF)
            raise Inspected

    with pytest.raises(Inspected):
        inspect_and_fail()
    assert ledger(engine) == []
    assert level(shop) == (4, 0, 0)
