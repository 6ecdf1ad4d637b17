"""Per-SKU stock settings and undoing a refused posting's changes, without a database."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from oms.inventory.domain import (
    MAX_QUANTITY,
    Change,
    Delta,
    InventoryItem,
    StockLevel,
    refusal,
    settings_problems,
)

SHIRT, DE = UUID(int=1), UUID(int=10)


def test_a_sku_without_settings_refuses_backorders_and_is_never_low() -> None:
    item = InventoryItem(variant_id=SHIRT, sku="TS-1")
    assert (item.allows_backorders, item.low_stock_threshold) == (False, 0)


def test_a_settings_change_names_every_setting_when_it_changes_none() -> None:
    assert [p.field for p in settings_problems({})] == [
        "low_stock_threshold",
        "allows_backorders",
        "preorder_release_on",
        "preorder_cap",
        "unit_cost",
    ]


@pytest.mark.parametrize(
    ("threshold", "backorders", "bad"),
    [
        (0, None, []),
        (MAX_QUANTITY, False, []),
        (None, True, []),
        (-1, True, ["low_stock_threshold"]),
        (MAX_QUANTITY + 1, None, ["low_stock_threshold"]),
    ],
)
def test_a_threshold_is_whole_units_zero_or_more(
    threshold: int | None, backorders: bool | None, bad: list[str]
) -> None:
    given = {"low_stock_threshold": threshold, "allows_backorders": backorders}
    changes = {name: value for name, value in given.items() if value is not None}
    assert [p.field for p in settings_problems(changes)] == bad


@pytest.mark.parametrize(("cap", "bad"), [(0, []), (5, []), (None, []), (-1, ["preorder_cap"])])
def test_a_pre_order_cap_is_whole_units_zero_or_more_or_none(
    cap: int | None, bad: list[str]
) -> None:
    assert [p.field for p in settings_problems({"preorder_cap": cap})] == bad


def test_a_sku_is_a_pre_order_only_before_its_release_day() -> None:
    item = InventoryItem(variant_id=SHIRT, sku="TS-1", preorder_release_on=date(2026, 12, 24))
    assert item.is_preorder(date(2026, 12, 23))
    assert not item.is_preorder(date(2026, 12, 24))
    assert not InventoryItem(variant_id=SHIRT, sku="TS-1").is_preorder(date(2026, 12, 23))


@pytest.mark.parametrize(
    "delta",
    [
        Delta(allocated=3),
        Delta(allocated=-2),
        Delta(on_hand=-4, allocated=-2),
        Delta(unavailable=1),
        Delta(on_hand=5),
    ],
)
def test_the_undo_of_an_accepted_change_is_accepted_and_restores_the_level(delta: Delta) -> None:
    before = StockLevel(variant_id=SHIRT, location_id=DE, on_hand=10, allocated=2, unavailable=1)
    change = Change(variant_id=SHIRT, location_id=DE, delta=delta, expected_on_hand=10)
    assert refusal(before, change, sku="TS-1", location="wh-de") is None
    after = StockLevel(
        variant_id=SHIRT,
        location_id=DE,
        on_hand=before.on_hand + delta.on_hand,
        allocated=before.allocated + delta.allocated,
        unavailable=before.unavailable + delta.unavailable,
    )
    undo = change.undo()
    assert undo.expected_on_hand is None
    assert refusal(after, undo, sku="TS-1", location="wh-de") is None
    assert after.on_hand + undo.delta.on_hand == before.on_hand
    assert (after.allocated + undo.delta.allocated, after.unavailable + undo.delta.unavailable) == (
        before.allocated,
        before.unavailable,
    )


@pytest.mark.parametrize(
    ("minor", "bad"), [(0, []), (125, []), (None, []), (-1, ["unit_cost.amount"])]
)
def test_a_unit_cost_is_zero_or_more_or_forgotten(minor: int | None, bad: list[str]) -> None:
    changes = {"unit_cost_minor": minor, "cost_currency": None if minor is None else "EUR"}
    assert [p.field for p in settings_problems(changes)] == bad
