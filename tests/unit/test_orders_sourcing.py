"""Sourcing plans under the default rules (version 0, today's fixed rule): whole lines first,
splits in the channel's order, backorders, shortfalls. The engine (``oms.sourcing``) makes them;
tests/unit/test_sourcing_engine.py covers the rules beyond the default."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID, uuid4

from hypothesis import given
from hypothesis import strategies as st

from oms import sourcing
from oms.orders.domain.sourcing import Key, Want
from oms.sourcing import Pick
from oms.sourcing import Short as Shortfall

NEAR, FAR, OTHER = uuid4(), uuid4(), uuid4()
SHIRT, MUG = uuid4(), uuid4()
SKUS = {SHIRT: "TS-1", MUG: "MUG-1"}


def want(line_no: int, quantity: int, variant: UUID = SHIRT, *, backorder: bool = False) -> Want:
    return Want(
        line_no=line_no,
        variant_id=variant,
        sku=SKUS[variant],
        quantity=quantity,
        backorderable=backorder,
    )


def plan(wants: list[Want], candidates: list[UUID], available: dict[Key, int]) -> sourcing.Decision:
    """The engine's decision under the default rules, the candidates in the channel's order."""
    return sourcing.decide(
        sourcing.Request(
            rules=sourcing.default_rules("web"),
            sites=[
                sourcing.Site(id=loc, code=str(loc), position=index + 1)
                for index, loc in enumerate(candidates)
            ],
            needs=[
                sourcing.Need(
                    line_no=w.line_no,
                    variant_id=w.variant_id,
                    sku=w.sku,
                    quantity=w.quantity,
                    backorderable=w.backorderable,
                )
                for w in wants
            ],
            stock={key: sourcing.Units(available=units) for key, units in available.items()},
        )
    )


def pick(line_no: int, location: UUID, quantity: int, variant: UUID = SHIRT) -> Pick:
    return Pick(line_no=line_no, variant_id=variant, location_id=location, quantity=quantity)


def test_a_line_goes_whole_to_the_first_location_that_has_it_all() -> None:
    result = plan([want(1, 3)], [NEAR, FAR], {(SHIRT, NEAR): 3, (SHIRT, FAR): 9})
    assert result.picks == (pick(1, NEAR, 3),)
    assert (result.backordered, result.shortfalls) == ({}, ())


def test_a_later_location_that_has_it_all_beats_splitting() -> None:
    result = plan([want(1, 3)], [NEAR, FAR], {(SHIRT, NEAR): 2, (SHIRT, FAR): 3})
    assert result.picks == (pick(1, FAR, 3),)


def test_a_line_no_location_can_take_whole_is_split_in_the_channels_order() -> None:
    available = {(SHIRT, NEAR): 2, (SHIRT, FAR): 3}
    assert plan([want(1, 4)], [NEAR, FAR], available).picks == (pick(1, NEAR, 2), pick(1, FAR, 2))
    assert plan([want(1, 4)], [FAR, NEAR], available).picks == (pick(1, FAR, 3), pick(1, NEAR, 1))


def test_lines_sharing_a_sku_draw_on_the_same_stock_in_line_order() -> None:
    result = plan(
        [want(1, 2), want(2, 2), want(3, 1, MUG)],
        [NEAR, FAR],
        {(SHIRT, NEAR): 3, (SHIRT, FAR): 2, (MUG, NEAR): 1},
    )
    assert result.picks == (pick(1, NEAR, 2), pick(2, FAR, 2), pick(3, NEAR, 1, MUG))
    assert result.shortfalls == ()


def test_units_no_location_has_are_backordered_only_when_the_line_allows_it() -> None:
    available = {(SHIRT, NEAR): 2}
    allowed = plan([want(1, 5, backorder=True)], [NEAR], available)
    assert allowed.picks == (pick(1, NEAR, 2),)
    assert allowed.backordered == {1: 3}
    assert allowed.shortfalls == ()
    refused = plan([want(1, 5)], [NEAR], available)
    assert refused.backordered == {}
    assert refused.shortfalls == (Shortfall(sku="TS-1", requested=5, available=2),)


def test_a_line_with_no_stock_anywhere_is_backordered_whole() -> None:
    result = plan([want(1, 2, MUG, backorder=True)], [NEAR, FAR], {})
    assert result.picks == ()
    assert result.backordered == {1: 2}


def test_shortfalls_are_one_per_sku_with_what_the_order_asked_and_the_candidates_hold() -> None:
    result = plan(
        [want(1, 3), want(2, 4), want(3, 2, MUG), want(4, 1, MUG)],
        [NEAR, FAR],
        {(SHIRT, NEAR): 2, (SHIRT, FAR): 3, (SHIRT, OTHER): 50, (MUG, NEAR): 5},
    )
    assert result.shortfalls == (Shortfall(sku="TS-1", requested=7, available=5),)


def test_stock_at_locations_that_do_not_serve_the_channel_is_never_taken() -> None:
    result = plan([want(1, 2)], [NEAR], {(SHIRT, OTHER): 10, (SHIRT, NEAR): 1})
    assert result.picks == (pick(1, NEAR, 1),)
    assert result.shortfalls == (Shortfall(sku="TS-1", requested=2, available=1),)


def test_oversold_levels_count_as_empty() -> None:
    result = plan([want(1, 1)], [NEAR, FAR], {(SHIRT, NEAR): -4, (SHIRT, FAR): 1})
    assert result.picks == (pick(1, FAR, 1),)
    short = plan([want(1, 2)], [NEAR, FAR], {(SHIRT, NEAR): -4, (SHIRT, FAR): 1})
    assert short.shortfalls == (Shortfall(sku="TS-1", requested=2, available=1),)


LOCATIONS = (NEAR, FAR, OTHER)
wants_strategy = st.lists(
    st.tuples(st.sampled_from([SHIRT, MUG]), st.integers(1, 8), st.booleans()),
    min_size=1,
    max_size=5,
)
stock_strategy = st.dictionaries(
    st.tuples(st.sampled_from([SHIRT, MUG]), st.sampled_from(LOCATIONS)), st.integers(-2, 10)
)


@given(
    wanted=wants_strategy,
    available=stock_strategy,
    candidates=st.lists(st.sampled_from(LOCATIONS), unique=True, min_size=1),
)
def test_every_unit_is_picked_backordered_or_short_and_no_level_gives_more_than_it_has(
    wanted: list[tuple[UUID, int, bool]], available: dict[Key, int], candidates: list[UUID]
) -> None:
    wants = [want(no, q, v, backorder=b) for no, (v, q, b) in enumerate(wanted, start=1)]
    result = plan(wants, candidates, available)
    taken: dict[Key, int] = defaultdict(int)
    picked: dict[int, int] = defaultdict(int)
    for p in result.picks:
        assert p.location_id in candidates
        assert p.quantity > 0
        taken[(p.variant_id, p.location_id)] += p.quantity
        picked[p.line_no] += p.quantity
    for key, units in taken.items():
        assert units <= max(available.get(key, 0), 0)
    short_skus = {s.sku for s in result.shortfalls}
    for w in wants:
        missing = w.quantity - picked[w.line_no]
        assert missing >= 0
        if w.backorderable:
            assert result.backordered.get(w.line_no, 0) == missing
        else:
            assert w.line_no not in result.backordered
            assert missing == 0 or w.sku in short_skus
    assert len(short_skus) == len(result.shortfalls)
    for s in result.shortfalls:
        assert s.requested == sum(w.quantity for w in wants if w.sku == s.sku)
        assert s.requested > s.available
