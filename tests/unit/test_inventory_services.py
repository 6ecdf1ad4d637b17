"""Stock movements and settings on an in-memory unit of work (no database).

The ledger's posting logic (apply all or nothing, explain a refusal, undo what was taken) runs
against a double that keeps the guarded UPDATE's rule, so its paths run in milliseconds here;
the concurrency and crash proofs stay in tests/integration.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from oms import catalog, channels, inventory
from oms.inventory.domain.events import (
    InventoryItemChanged,
    StockAdjusted,
    StockReceived,
    StockTransferred,
)
from oms.inventory.repository import STOCK
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.address import Address
from oms.shared.errors import Invalid
from tests.unit.doubles.catalog import catalog_doubles
from tests.unit.doubles.channels import channel_doubles
from tests.unit.doubles.inventory import InMemoryStock, inventory_doubles

HAMBURG = Address(line1="Lagerstraße 5", city="Hamburg", postal_code="20095", country="DE")


def a_uow() -> FakeUnitOfWork:
    """Two warehouses and one T-shirt, known to channels and the catalog."""
    uow = FakeUnitOfWork(channel_doubles() | catalog_doubles() | inventory_doubles())
    for code in ("wh-a", "wh-b"):
        channels.create_location(
            channels.CreateLocation(
                code=code,
                name=code,
                kind=channels.LocationKind.WAREHOUSE,
                address=HAMBURG,
                latitude=Decimal("53.55"),
                longitude=Decimal("9.99"),
            ),
            uow=uow,
        )
    catalog.create_product(
        catalog.CreateProduct(name="T-shirt", variants=(catalog.NewVariant(sku="TS-M"),)),
        uow=uow,
    )
    return uow


def stock_of(uow: FakeUnitOfWork) -> InMemoryStock:
    found: InMemoryStock = uow.doubles[STOCK.name]
    return found


def receive(uow: FakeUnitOfWork, quantity: int, location: str = "wh-a") -> Any:
    return inventory.receive_stock(
        inventory.ReceiveStock(sku="ts-m", location=location, quantity=quantity, actor="test"),
        uow=uow,
    )


def on_hand(uow: FakeUnitOfWork) -> dict[str, int]:
    stock = inventory.get_stock("TS-M", uow=uow)
    return {level.location: level.on_hand for level in stock.locations}


def test_receiving_stock_creates_the_level_and_writes_the_ledger() -> None:
    uow = a_uow()
    change = receive(uow, 5)
    assert [level.on_hand for level in change.posting.levels] == [5]
    assert len(stock_of(uow).movements) == 1
    assert type(uow.committed[-1]) is StockReceived
    assert on_hand(uow) == {"wh-a": 5}


def test_an_unknown_sku_and_location_are_named_together() -> None:
    uow = a_uow()
    with pytest.raises(Invalid) as refused:
        inventory.receive_stock(
            inventory.ReceiveStock(sku="NOPE", location="nowhere", quantity=0, actor="test"),
            uow=uow,
        )
    assert [p.field for p in refused.value.problems] == ["quantity", "sku", "location"]


def test_writing_off_more_than_is_available_is_refused_and_changes_nothing() -> None:
    uow = a_uow()
    receive(uow, 3)
    with pytest.raises(inventory.InsufficientStock) as refused:
        inventory.adjust_stock(
            inventory.AdjustStock(
                sku="TS-M", location="wh-a", delta=-4, reason="damage", actor="test"
            ),
            uow=uow,
        )
    assert refused.value.shortfalls[0].available == 3
    assert on_hand(uow) == {"wh-a": 3}
    assert len(stock_of(uow).movements) == 1


def test_a_transfer_moves_both_sides_or_neither() -> None:
    uow = a_uow()
    receive(uow, 4)
    inventory.transfer_stock(
        inventory.TransferStock(
            sku="TS-M", from_location="wh-a", to_location="wh-b", quantity=3, actor="test"
        ),
        uow=uow,
    )
    assert on_hand(uow) == {"wh-a": 1, "wh-b": 3}
    assert type(uow.committed[-1]) is StockTransferred
    with pytest.raises(inventory.InsufficientStock):
        inventory.transfer_stock(
            inventory.TransferStock(
                sku="TS-M", from_location="wh-a", to_location="wh-b", quantity=2, actor="test"
            ),
            uow=uow,
        )
    assert on_hand(uow) == {"wh-a": 1, "wh-b": 3}


def test_a_count_from_a_figure_that_has_moved_on_is_stale() -> None:
    uow = a_uow()
    receive(uow, 5)
    with pytest.raises(inventory.StaleCount):
        inventory.count_stock(
            inventory.CountStock(
                sku="TS-M", location="wh-a", counted=7, expected_on_hand=4, actor="test"
            ),
            uow=uow,
        )
    inventory.count_stock(
        inventory.CountStock(
            sku="TS-M", location="wh-a", counted=7, expected_on_hand=5, actor="test"
        ),
        uow=uow,
    )
    assert on_hand(uow) == {"wh-a": 7}


def test_stock_at_or_below_its_threshold_is_low() -> None:
    uow = a_uow()
    receive(uow, 2)
    receive(uow, 9, location="wh-b")
    item = inventory.change_stock_settings(
        inventory.ChangeStockSettings(sku="TS-M", low_stock_threshold=2), uow=uow
    )
    assert item.low_stock_threshold == 2
    assert isinstance(uow.committed[-1], InventoryItemChanged)
    low = inventory.list_low_stock(uow=uow, after=None, limit=10)
    assert [(s.location, s.available) for s in low] == [("wh-a", 2)]


def test_the_ledger_lists_a_skus_movements_newest_first() -> None:
    uow = a_uow()
    receive(uow, 2)
    inventory.adjust_stock(
        inventory.AdjustStock(sku="TS-M", location="wh-a", delta=1, reason="found", actor="t"),
        uow=uow,
    )
    history = inventory.list_movements("TS-M", uow=uow, before=None, limit=10)
    assert [m.delta.on_hand for m in history.movements] == [1, 2]
    assert type(uow.committed[-1]) is StockAdjusted
