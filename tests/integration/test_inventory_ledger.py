"""The stock ledger through its services: allocations, the append-only ledger, its invariants."""

from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError

from oms import catalog, inventory
from oms.inventory import tables
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from tests import builders

pytestmark = pytest.mark.usefixtures("balanced_ledger")


def variant(uow: UnitOfWork, sku: str) -> UUID:
    product = catalog.create_product(
        catalog.CreateProduct(name=f"Product {sku}", variants=(catalog.NewVariant(sku=sku),)),
        uow=uow,
    )
    return product.variant(sku).id


def receive(uow: UnitOfWork, sku: str, location: str, quantity: int) -> None:
    inventory.receive_stock(
        inventory.ReceiveStock(sku=sku, location=location, quantity=quantity, actor="test"),
        uow=uow,
    )


def lines(*triples: tuple[UUID, UUID, int]) -> inventory.StockLines:
    return inventory.StockLines(
        lines=tuple(
            inventory.StockLine(variant_id=v, location_id=loc, quantity=q) for v, loc, q in triples
        ),
        reference="SO-10001",
        actor="orders",
    )


def level(uow: UnitOfWork, sku: str, location: str) -> tuple[int, int, int]:
    stock = inventory.get_stock(sku, uow=uow)
    found = {s.location: (s.on_hand, s.allocated, s.unavailable) for s in stock.locations}
    return found.get(location, (0, 0, 0))


@pytest.fixture
def world(uow: UnitOfWork) -> dict[str, UUID]:
    """Two warehouses and a store, one SKU with stock in both warehouses."""
    ids = {
        code: builders.location(uow, code, country).id
        for code, country in (("wh-de", "DE"), ("wh-fr", "FR"), ("store-paris", "FR"))
    }
    ids["TS-1"] = variant(uow, "TS-1")
    receive(uow, "TS-1", "wh-de", 10)
    receive(uow, "TS-1", "wh-fr", 4)
    return ids


def test_an_allocation_reserves_stock_and_records_one_movement_per_level(
    uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    ts, de, fr = world["TS-1"], world["wh-de"], world["wh-fr"]
    posting = inventory.allocate(lines((ts, de, 3), (ts, fr, 1), (ts, de, 2)), uow=uow)
    assert sorted((m.location_id, m.kind, m.delta.allocated) for m in posting.movements) == sorted(
        [(de, inventory.MovementKind.ALLOCATION, 5), (fr, inventory.MovementKind.ALLOCATION, 1)]
    )
    assert level(uow, "TS-1", "wh-de") == (10, 5, 0)
    assert level(uow, "TS-1", "wh-fr") == (4, 1, 0)
    assert {m.reference for m in posting.movements} == {"SO-10001"}


def test_an_allocation_beyond_availability_names_every_shortfall_and_changes_nothing(
    uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    ts, de, fr, paris = world["TS-1"], world["wh-de"], world["wh-fr"], world["store-paris"]
    with pytest.raises(inventory.InsufficientStock) as refused:
        inventory.allocate(lines((ts, de, 3), (ts, fr, 5), (ts, paris, 1)), uow=uow)
    assert {(s.sku, s.location, s.requested, s.available) for s in refused.value.shortfalls} == {
        ("TS-1", "wh-fr", 5, 4),
        ("TS-1", "store-paris", 1, 0),
    }
    assert level(uow, "TS-1", "wh-de") == (10, 0, 0)


def test_stock_never_received_at_a_location_is_none_to_allocate_release_or_fulfil(
    uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    ts, paris = world["TS-1"], world["store-paris"]
    never_stocked = variant(uow, "NEVER-1")
    with pytest.raises(inventory.InsufficientStock) as refused:
        inventory.allocate(lines((ts, paris, 2), (never_stocked, world["wh-de"], 1)), uow=uow)
    assert {(s.location, s.requested, s.available) for s in refused.value.shortfalls} == {
        ("store-paris", 2, 0),
        ("wh-de", 1, 0),
    }
    assert "TS-1" in {s.sku for s in refused.value.shortfalls}
    for moved in (inventory.release, inventory.fulfil):
        with pytest.raises(inventory.InsufficientAllocation) as undrawn:
            moved(lines((ts, paris, 1)), uow=uow)
        assert undrawn.value.facts == {
            "sku": "TS-1",
            "location": "store-paris",
            "requested": 1,
            "allocated": 0,
        }
    assert level(uow, "TS-1", "store-paris") == (0, 0, 0)


def test_a_refused_posting_changes_nothing_even_when_the_caller_commits_anyway(
    uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    ts, de, fr = world["TS-1"], world["wh-de"], world["wh-fr"]
    inventory.allocate(lines((ts, fr, 1)), uow=uow)
    with uow.begin():
        with pytest.raises(inventory.InsufficientStock):
            inventory.allocate(lines((ts, de, 3), (ts, fr, 4)), uow=uow)
        with pytest.raises(inventory.InsufficientAllocation):
            inventory.release(lines((ts, de, 1), (ts, fr, 1)), uow=uow)
    assert level(uow, "TS-1", "wh-de") == (10, 0, 0)
    assert level(uow, "TS-1", "wh-fr") == (4, 1, 0)


def test_release_and_fulfilment_draw_on_allocations_only(
    uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    ts, de = world["TS-1"], world["wh-de"]
    inventory.allocate(lines((ts, de, 6)), uow=uow)
    inventory.release(lines((ts, de, 2)), uow=uow)
    inventory.fulfil(lines((ts, de, 3)), uow=uow)
    assert level(uow, "TS-1", "wh-de") == (7, 1, 0)
    with pytest.raises(inventory.InsufficientAllocation) as refused:
        inventory.fulfil(lines((ts, de, 2)), uow=uow)
    assert refused.value.facts == {
        "sku": "TS-1",
        "location": "wh-de",
        "requested": 2,
        "allocated": 1,
    }


def test_a_restock_puts_returns_back_even_where_the_sku_never_was(
    uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    inventory.restock(lines((world["TS-1"], world["store-paris"], 2)), uow=uow)
    assert level(uow, "TS-1", "store-paris") == (2, 0, 0)


def test_a_restock_of_something_never_stocked_or_nowhere_is_refused(
    uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    unknown = variant(uow, "NEVER-1")
    with pytest.raises(Invalid) as bad:
        inventory.restock(
            lines((unknown, world["wh-de"], 1), (world["TS-1"], UUID(int=7), 1)), uow=uow
        )
    assert [p.field for p in bad.value.problems] == ["lines.0.variant_id", "lines.1.location_id"]


def test_lines_must_move_at_least_one_unit_each(uow: UnitOfWork, world: dict[str, UUID]) -> None:
    with pytest.raises(Invalid) as bad:
        inventory.allocate(lines((world["TS-1"], world["wh-de"], 0)), uow=uow)
    assert [p.field for p in bad.value.problems] == ["lines.0.quantity"]
    with pytest.raises(Invalid):
        inventory.allocate(lines(), uow=uow)


def test_allocations_join_the_callers_transaction(uow: UnitOfWork, world: dict[str, UUID]) -> None:
    class OrderRefused(Exception):
        pass

    def place_order() -> None:
        with uow.begin():
            inventory.allocate(lines((world["TS-1"], world["wh-de"], 4)), uow=uow)
            raise OrderRefused

    with pytest.raises(OrderRefused):
        place_order()
    assert level(uow, "TS-1", "wh-de") == (10, 0, 0)


def test_each_movement_is_told_as_an_event_with_the_level_it_left(
    engine: Engine, uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    inventory.allocate(lines((world["TS-1"], world["wh-de"], 4)), uow=uow)
    with engine.connect() as c:
        rows = c.execute(
            select(outbox_table.c.event_type, outbox_table.c.payload)
            .where(outbox_table.c.event_type.like("inventory.%"))
            .order_by(outbox_table.c.position)
        ).all()
    assert [r.event_type for r in rows] == [
        "inventory.stock_received.v1",
        "inventory.stock_received.v1",
        "inventory.stock_allocated.v1",
    ]
    allocated = rows[-1].payload
    assert (allocated["allocated_delta"], allocated["on_hand"], allocated["allocated"]) == (
        4,
        10,
        4,
    )
    assert allocated["aggregate_id"] == str(world["TS-1"])


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_ledger_refuses_updates_and_deletes(
    engine: Engine, world: dict[str, UUID], statement: str
) -> None:
    movements = tables.stock_movements
    change = (
        update(movements).values(on_hand_delta=1000)
        if statement == "update"
        else movements.delete()
    )
    with pytest.raises(IntegrityError, match="append-only"), engine.begin() as c:
        c.execute(change)
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(movements)).scalar_one() == 2
