"""The stock ledger's rules, without a database."""

from __future__ import annotations

from uuid import UUID

import pytest

from oms.inventory.domain import (
    MAX_QUANTITY,
    Change,
    Delta,
    InsufficientAllocation,
    InsufficientStock,
    InsufficientUnavailable,
    MovementKind,
    Shortfall,
    StaleCount,
    StockLevel,
    StockLine,
    adjustment_kind,
    adjustment_problems,
    count_problems,
    delta_problem,
    effect,
    first_refusal,
    line_problems,
    line_totals,
    merged,
    quantity_problem,
    refusal,
    text_problems,
)
from oms.inventory.views import LocationStock, channel_availability

SHIRT, MUG = UUID(int=1), UUID(int=2)
DE, FR, PARIS = UUID(int=10), UUID(int=11), UUID(int=12)


def level(on_hand: int, allocated: int = 0, unavailable: int = 0) -> StockLevel:
    return StockLevel(
        variant_id=SHIRT,
        location_id=DE,
        on_hand=on_hand,
        allocated=allocated,
        unavailable=unavailable,
    )


def change(delta: Delta, expected_on_hand: int | None = None) -> Change:
    return Change(variant_id=SHIRT, location_id=DE, delta=delta, expected_on_hand=expected_on_hand)


def refused(current: StockLevel, wanted: Change) -> object:
    return refusal(current, wanted, sku="TS-1", location="wh-de")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (MovementKind.RECEIPT, Delta(on_hand=3)),
        (MovementKind.TRANSFER_OUT, Delta(on_hand=-3)),
        (MovementKind.TRANSFER_IN, Delta(on_hand=3)),
        (MovementKind.ALLOCATION, Delta(allocated=3)),
        (MovementKind.RELEASE, Delta(allocated=-3)),
        (MovementKind.FULFILMENT, Delta(on_hand=-3, allocated=-3)),
        (MovementKind.RETURN_RESTOCK, Delta(on_hand=3)),
        (MovementKind.DAMAGE, Delta(on_hand=-3)),
    ],
)
def test_each_kind_moves_stock_in_its_own_direction(kind: MovementKind, expected: Delta) -> None:
    assert effect(kind, 3) == expected


def test_fulfilment_leaves_availability_unchanged_and_allocation_consumes_it() -> None:
    assert effect(MovementKind.FULFILMENT, 4).available == 0
    assert effect(MovementKind.ALLOCATION, 4).available == -4
    assert Delta(unavailable=2).available == -2


def test_a_level_that_can_take_a_change_has_no_refusal() -> None:
    assert refused(level(5, allocated=2), change(Delta(allocated=3))) is None
    assert refused(level(5, allocated=5), change(Delta(on_hand=-5, allocated=-5))) is None
    assert refused(level(0), change(Delta(on_hand=7))) is None


def test_taking_more_than_is_available_is_insufficient_stock_with_the_facts() -> None:
    error = refused(level(5, allocated=2, unavailable=1), change(Delta(allocated=3)))
    assert isinstance(error, InsufficientStock)
    assert error.shortfalls == (Shortfall(sku="TS-1", location="wh-de", requested=3, available=2),)
    assert error.facts["requested"] == 3
    assert error.facts["available"] == 2


def test_removing_stock_that_is_allocated_is_insufficient_stock() -> None:
    error = refused(level(5, allocated=4), change(Delta(on_hand=-2)))
    assert isinstance(error, InsufficientStock)


def test_releasing_more_than_is_allocated_is_refused() -> None:
    error = refused(level(5, allocated=1), change(Delta(allocated=-2)))
    assert isinstance(error, InsufficientAllocation)
    assert error.facts == {"sku": "TS-1", "location": "wh-de", "requested": 2, "allocated": 1}


def test_releasing_more_than_is_unavailable_is_refused() -> None:
    error = refused(level(5, unavailable=1), change(Delta(unavailable=-3)))
    assert isinstance(error, InsufficientUnavailable)


def test_a_count_against_a_changed_on_hand_is_stale() -> None:
    error = refused(level(6), change(Delta(on_hand=-1), expected_on_hand=5))
    assert isinstance(error, StaleCount)
    assert (error.facts["expected_on_hand"], error.facts["actual_on_hand"]) == (5, 6)
    assert refused(level(5), change(Delta(on_hand=-1), expected_on_hand=5)) is None


def test_a_refused_posting_names_every_shortfall_at_once() -> None:
    one = InsufficientStock([Shortfall(sku="A", location="x", requested=2, available=1)])
    two = InsufficientStock([Shortfall(sku="B", location="y", requested=5, available=0)])
    combined = first_refusal([one, two])
    assert isinstance(combined, InsufficientStock)
    assert [s.sku for s in combined.shortfalls] == ["A", "B"]
    assert len(combined.facts["shortfalls"]) == 2
    stale = StaleCount(sku="A", location="x", expected=1, actual=2)
    assert first_refusal([stale]) is stale


def test_changes_to_one_level_are_merged_and_ordered_by_key() -> None:
    wanted = merged(
        [
            Change(variant_id=MUG, location_id=DE, delta=Delta(allocated=1)),
            Change(variant_id=SHIRT, location_id=FR, delta=Delta(allocated=2)),
            Change(variant_id=MUG, location_id=DE, delta=Delta(allocated=3)),
        ]
    )
    assert [(c.variant_id, c.location_id, c.delta.allocated) for c in wanted] == [
        (SHIRT, FR, 2),
        (MUG, DE, 4),
    ]


def test_lines_are_totalled_per_level_in_key_order() -> None:
    totals = line_totals(
        [
            StockLine(variant_id=MUG, location_id=FR, quantity=1),
            StockLine(variant_id=SHIRT, location_id=DE, quantity=2),
            StockLine(variant_id=MUG, location_id=FR, quantity=4),
        ]
    )
    assert [(t.variant_id, t.location_id, t.quantity) for t in totals] == [
        (SHIRT, DE, 2),
        (MUG, FR, 5),
    ]


def test_quantities_are_whole_units_of_at_least_one() -> None:
    assert quantity_problem(1) is None
    assert quantity_problem(0) is not None
    negative = quantity_problem(-1, "lines.0.quantity")
    assert negative is not None
    assert negative.field == "lines.0.quantity"
    assert quantity_problem(MAX_QUANTITY + 1) is not None
    assert delta_problem(-3) is None
    assert delta_problem(0) is not None
    assert [p.field for p in line_problems([])] == ["lines"]
    bad = [StockLine(variant_id=SHIRT, location_id=DE, quantity=0)]
    assert [p.field for p in line_problems(bad)] == ["lines.0.quantity"]


def test_an_adjustment_says_why_and_a_damage_write_off_removes_stock() -> None:
    assert adjustment_problems("recount", 3) == []
    assert [p.field for p in adjustment_problems(" ", 0)] == ["delta", "reason"]
    assert [p.field for p in adjustment_problems("damage", 2)] == ["delta"]
    assert adjustment_kind("damage") is MovementKind.DAMAGE
    assert adjustment_kind("shrinkage") is MovementKind.ADJUSTMENT


def test_counts_and_texts_have_bounds() -> None:
    assert count_problems(0, 0) == []
    assert [p.field for p in count_problems(-1, -2)] == ["counted", "expected_on_hand"]
    assert [p.field for p in text_problems(reason="x" * 201, reference="ok")] == ["reason"]


def test_a_channel_promises_the_sum_of_its_serving_locations_in_its_order() -> None:
    stock = {
        DE: LocationStock(sku="TS-1", location="wh-de", location_id=DE, on_hand=10, allocated=3),
        FR: LocationStock(sku="TS-1", location="wh-fr", location_id=FR, on_hand=4, unavailable=4),
        PARIS: LocationStock(sku="TS-1", location="store-paris", location_id=PARIS, on_hand=2),
    }
    web = channel_availability("web", [FR, DE], stock)
    assert web.available_to_promise == 7
    assert [(s.location, s.available) for s in web.breakdown] == [("wh-fr", 0), ("wh-de", 7)]
    assert channel_availability("kiosk", [], stock).available_to_promise == 0


def test_a_level_is_low_at_or_below_its_threshold() -> None:
    at = LocationStock(sku="TS-1", location="wh-de", location_id=DE, on_hand=5, allocated=2)
    assert not at.is_low
    assert LocationStock(
        sku="TS-1", location="wh-de", location_id=DE, on_hand=5, low_stock_threshold=5
    ).is_low
