"""The sourcing engine: filters, ranking, strategy, first come first served, and the
explanation of every decision (pure: no database)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms import sourcing
from oms.shared.address import Address
from oms.shared.errors import Invalid
from oms.shared.geo import GeoPoint
from oms.sourcing import Criterion, Filters, LocationRule, Strategy
from oms.sourcing.domain import parse_rules

BERLIN = GeoPoint(Decimal("52.52"), Decimal("13.40"))
HAMBURG = GeoPoint(Decimal("53.55"), Decimal("9.99"))
MUNICH = GeoPoint(Decimal("48.14"), Decimal("11.58"))
POTSDAM = GeoPoint(Decimal("52.39"), Decimal("13.06"))

SHIRT, MUG = uuid4(), uuid4()
SKUS = {SHIRT: "TS-1", MUG: "MUG-1"}


def site(code: str, position: int, point: GeoPoint = HAMBURG, **overrides: object) -> sourcing.Site:
    fields: dict[str, object] = {
        "id": uuid4(),
        "code": code,
        "position": position,
        "point": point,
    }
    fields.update(overrides)
    return sourcing.Site(**fields)  # type: ignore[arg-type]


def need(
    line_no: int, quantity: int, variant: UUID = SHIRT, *, backorder: bool = False, **more: bool
) -> sourcing.Need:
    return sourcing.Need(
        line_no=line_no,
        variant_id=variant,
        sku=SKUS[variant],
        quantity=quantity,
        backorderable=backorder,
        **more,
    )


def rules(**overrides: object) -> sourcing.SourcingRules:
    fields: dict[str, object] = {"channel": "web", "version": 3}
    fields.update(overrides)
    return sourcing.SourcingRules(**fields)  # type: ignore[arg-type]


def decide(
    sites: list[sourcing.Site],
    needs: list[sourcing.Need],
    stock: dict[tuple[UUID, UUID], int | sourcing.Units],
    *,
    with_rules: sourcing.SourcingRules | None = None,
    waiting: dict[UUID, int] | None = None,
    to: GeoPoint | None = None,
    loads: dict[UUID, int] | None = None,
) -> tuple[sourcing.Decision, dict[str, object]]:
    request = sourcing.Request(
        rules=with_rules or rules(),
        sites=sites,
        needs=needs,
        stock={
            k: v if isinstance(v, sourcing.Units) else sourcing.Units(available=v)
            for k, v in stock.items()
        },
        waiting=waiting or {},
        loads=loads or {},
        destination=sourcing.Destination(point=to, found=sourcing.Found.ADDRESS)
        if to
        else sourcing.Destination(),
    )
    decision = sourcing.decide(request)
    return decision, sourcing.explain(request, decision)


def placed(decision: sourcing.Decision) -> dict[str, int]:
    return {f"{p.line_no}@{p.location_id}": p.quantity for p in decision.picks}


NEAREST_SINGLE = rules(
    ranking=(Criterion.DISTANCE, Criterion.PRIORITY),
    strategy=Strategy(prefer_single_location=True),
)


def test_the_whole_order_goes_to_the_nearest_location_that_has_every_item() -> None:
    hamburg, munich, berlin = (
        site("wh-hh", 1, HAMBURG),
        site("wh-muc", 2, MUNICH),
        site("wh-ber", 3, BERLIN),
    )
    decision, why = decide(
        [hamburg, munich, berlin],
        [need(1, 2), need(2, 1, MUG)],
        {
            (SHIRT, hamburg.id): 5,
            (MUG, hamburg.id): 5,
            (SHIRT, berlin.id): 2,
            (MUG, berlin.id): 1,
            (SHIRT, munich.id): 9,
        },
        with_rules=NEAREST_SINGLE,
        to=POTSDAM,
    )
    assert {p.location_id for p in decision.picks} == {berlin.id}
    assert decision.single == berlin.id
    assert str(why["summary"]).startswith(
        "whole order from wh-ber, the nearest location with every item ("
    )
    assert why["rules_version"] == 3
    listed = {row["location"]: row for row in why["locations"]}  # type: ignore[attr-defined]
    assert listed["wh-ber"]["rank"] == 1
    assert listed["wh-hh"]["rank"] == 2  # Hamburg is nearer to Potsdam than Munich
    assert listed["wh-muc"]["rank"] == 3
    assert listed["wh-ber"]["distance_km"] < 30


def test_by_default_each_line_goes_whole_to_the_first_location_in_the_channels_order() -> None:
    first, second = site("a", 1), site("b", 2)
    decision, why = decide(
        [first, second],
        [need(1, 2), need(2, 1, MUG)],
        {(SHIRT, first.id): 2, (MUG, second.id): 1, (MUG, first.id): 0},
    )
    assert placed(decision) == {f"1@{first.id}": 2, f"2@{second.id}": 1}
    assert why["rules_version"] == 3
    assert "split across a (2 units) and b (1 units)" in str(why["summary"])


def test_preferring_one_location_keeps_lines_together_where_the_default_would_split() -> None:
    first, second = site("a", 1), site("b", 2)
    stock: dict[tuple[UUID, UUID], int | sourcing.Units] = {
        (SHIRT, first.id): 2,
        (SHIRT, second.id): 2,
        (MUG, second.id): 1,
    }
    default, _ = decide([first, second], [need(1, 2), need(2, 1, MUG)], stock)
    single, _ = decide(
        [first, second],
        [need(1, 2), need(2, 1, MUG)],
        stock,
        with_rules=rules(strategy=Strategy(prefer_single_location=True)),
    )
    assert {p.location_id for p in default.picks} == {first.id, second.id}
    assert {p.location_id for p in single.picks} == {second.id}


def test_locations_are_filtered_and_the_explanation_says_why_for_each() -> None:
    closed = site("closed", 1, active=False)
    store = site("store", 2, ships=False)
    busy = site("busy", 3, daily_capacity=10)
    empty = site("empty", 4)
    rejected = site("rejected", 5, excluded="rejected the fulfilment order")
    good = site("good", 6)
    sites = [closed, store, busy, empty, rejected, good]
    stock: dict[tuple[UUID, UUID], int | sourcing.Units] = {(SHIRT, s.id): 5 for s in sites}
    stock[(SHIRT, empty.id)] = 0
    decision, why = decide(sites, [need(1, 1)], stock, loads={busy.id: 10})
    assert placed(decision) == {f"1@{good.id}": 1}
    reasons = {row["location"]: row.get("excluded") for row in why["locations"]}  # type: ignore[attr-defined]
    assert reasons == {
        "closed": "inactive",
        "store": "does not ship",
        "busy": "at its daily capacity (10 of 10 orders today)",
        "empty": "has none of the order's items",
        "rejected": "rejected the fulfilment order",
        "good": None,
    }


def test_a_full_location_counts_when_its_capacity_filter_is_off() -> None:
    busy = site("busy", 1, daily_capacity=1)
    decision, _ = decide(
        [busy],
        [need(1, 1)],
        {(SHIRT, busy.id): 1},
        with_rules=rules(filters=Filters(capacity=False)),
        loads={busy.id: 5},
    )
    assert placed(decision) == {f"1@{busy.id}": 1}


def test_units_at_or_below_safety_stock_are_left_alone() -> None:
    store, warehouse = site("store", 1), site("wh", 2)
    stock: dict[tuple[UUID, UUID], int | sourcing.Units] = {
        (SHIRT, store.id): sourcing.Units(available=3, safety_stock=2),
        (SHIRT, warehouse.id): sourcing.Units(available=1, safety_stock=1),
    }
    decision, why = decide([store, warehouse], [need(1, 2, backorder=True)], stock)
    assert placed(decision) == {f"1@{store.id}": 1}
    assert decision.backordered == {1: 1}
    reasons = {row["location"]: row.get("excluded") for row in why["locations"]}  # type: ignore[attr-defined]
    assert reasons["wh"] == "has none of the order's items above their safety stock"
    unfiltered, _ = decide(
        [store, warehouse],
        [need(1, 2)],
        stock,
        with_rules=rules(filters=Filters(safety_stock=False)),
    )
    assert placed(unfiltered) == {f"1@{store.id}": 2}


def test_priority_overrides_and_costs_rank_locations() -> None:
    a, b, c = site("a", 1), site("b", 2), site("c", 3)
    stock: dict[tuple[UUID, UUID], int | sourcing.Units] = {(SHIRT, s.id): 5 for s in (a, b, c)}
    by_priority, _ = decide(
        [a, b, c],
        [need(1, 1)],
        stock,
        with_rules=rules(locations={"c": LocationRule(priority=0)}),
    )
    assert placed(by_priority) == {f"1@{c.id}": 1}
    by_cost, why = decide(
        [a, b, c],
        [need(1, 1)],
        stock,
        with_rules=rules(
            ranking=(Criterion.COST,),
            locations={
                "a": LocationRule(cost_per_shipment=900),
                "b": LocationRule(cost_per_shipment=450),
            },
        ),
    )
    assert placed(by_cost) == {f"1@{c.id}": 1}  # no cost: 0
    costs = {row["location"]: row["cost_per_shipment"] for row in why["locations"]}  # type: ignore[attr-defined]
    assert costs == {"a": "9.00", "b": "4.50", "c": None}


def test_stock_on_hand_ranks_the_most_complete_location_first() -> None:
    a, b = site("a", 1), site("b", 2)
    decision, _ = decide(
        [a, b],
        [need(1, 3)],
        {(SHIRT, a.id): 3, (SHIRT, b.id): 9},
        with_rules=rules(ranking=(Criterion.STOCK_ON_HAND,)),
    )
    assert placed(decision) == {f"1@{b.id}": 3}


def test_distances_in_the_same_bucket_tie_and_the_next_criterion_decides() -> None:
    near = site("near", 2, POTSDAM)
    farther = site("farther", 1, BERLIN)
    stock: dict[tuple[UUID, UUID], int | sourcing.Units] = {
        (SHIRT, near.id): 1,
        (SHIRT, farther.id): 1,
    }
    exact, _ = decide(
        [near, farther],
        [need(1, 1)],
        stock,
        with_rules=rules(ranking=(Criterion.DISTANCE, Criterion.PRIORITY)),
        to=POTSDAM,
    )
    bucketed, _ = decide(
        [near, farther],
        [need(1, 1)],
        stock,
        with_rules=rules(ranking=(Criterion.DISTANCE, Criterion.PRIORITY), distance_bucket_km=100),
        to=POTSDAM,
    )
    assert placed(exact) == {f"1@{near.id}": 1}
    assert placed(bucketed) == {f"1@{farther.id}": 1}


def test_no_more_locations_than_max_shipments() -> None:
    a, b, c = site("a", 1), site("b", 2), site("c", 3)
    decision, _ = decide(
        [a, b, c],
        [need(1, 6, backorder=True)],
        {(SHIRT, a.id): 2, (SHIRT, b.id): 2, (SHIRT, c.id): 2},
        with_rules=rules(strategy=Strategy(max_shipments=2)),
    )
    assert placed(decision) == {f"1@{a.id}": 2, f"1@{b.id}": 2}
    assert decision.backordered == {1: 2}


def test_without_partial_a_line_no_location_has_whole_is_backordered_whole() -> None:
    a, b = site("a", 1), site("b", 2)
    stock: dict[tuple[UUID, UUID], int | sourcing.Units] = {(SHIRT, a.id): 2, (SHIRT, b.id): 2}
    strict = rules(strategy=Strategy(allow_partial=False))
    waits, _ = decide([a, b], [need(1, 3, backorder=True)], stock, with_rules=strict)
    refused, _ = decide([a, b], [need(1, 3)], stock, with_rules=strict)
    assert (waits.picks, waits.backordered) == ((), {1: 3})
    assert refused.shortfalls == (sourcing.Short(sku="TS-1", requested=3, available=4),)


def test_units_older_orders_wait_for_are_not_taken_by_a_new_one() -> None:
    a = site("a", 1)
    decision, _ = decide([a], [need(1, 3, backorder=True)], {(SHIRT, a.id): 4}, waiting={SHIRT: 2})
    assert placed(decision) == {f"1@{a.id}": 2}
    assert decision.backordered == {1: 1}
    refused, _ = decide([a], [need(1, 3)], {(SHIRT, a.id): 4}, waiting={SHIRT: 2})
    assert refused.shortfalls == (sourcing.Short(sku="TS-1", requested=3, available=2),)


def test_a_pre_order_line_is_backordered_whole_whatever_the_stock() -> None:
    a = site("a", 1)
    decision, why = decide(
        [a], [need(1, 2, preorder=True), need(2, 1, MUG)], {(SHIRT, a.id): 9, (MUG, a.id): 1}
    )
    assert placed(decision) == {f"2@{a.id}": 1}
    assert decision.backordered == {1: 2}
    assert "2 units pre-ordered until their release" in str(why["summary"])


def test_a_pickup_order_comes_from_the_store_else_a_transfer_warehouse() -> None:
    store = site("store", 1, BERLIN, role=sourcing.Role.PICKUP, ships=False, offers_pickup=True)
    warehouse = site("wh", 2, HAMBURG, role=sourcing.Role.TRANSFER)
    in_store, why = decide(
        [store, warehouse], [need(1, 1)], {(SHIRT, store.id): 1, (SHIRT, warehouse.id): 5}
    )
    transfer, _ = decide([store, warehouse], [need(1, 1)], {(SHIRT, warehouse.id): 5})
    assert placed(in_store) == {f"1@{store.id}": 1}
    assert why["summary"] == "whole order from store, the pickup store"
    assert placed(transfer) == {f"1@{warehouse.id}": 1}


def test_the_explanation_lists_every_line_and_every_location() -> None:
    a, b = site("a", 1), site("b", 2, active=False)
    _, why = decide([a, b], [need(1, 3, backorder=True)], {(SHIRT, a.id): 1})
    assert [row["location"] for row in why["locations"]] == ["a", "b"]  # type: ignore[attr-defined]
    assert why["lines"] == [
        {
            "line_no": 1,
            "sku": "TS-1",
            "quantity": 3,
            "picks": [{"location": "a", "quantity": 1}],
            "backordered": 2,
            "short": 0,
            "preorder": False,
        }
    ]
    assert why["destination"] == {"found_by": "unknown", "latitude": None, "longitude": None}
    assert why["summary"] == "from a, the only location that could take it; 2 units backordered"


def test_rules_documents_are_checked_field_by_field() -> None:
    with pytest.raises(Invalid) as bad:
        parse_rules(
            "web",
            {
                "ranking": ["distance", "distance", "speed"],
                "distance_bucket_km": -1,
                "locations": {"nowhere": {"priority": 1}, "wh": {"cost_per_shipment": "4.505"}},
                "strategy": {"max_shipments": 0},
                "pickup": {"transfer_from": ["nowhere"]},
            },
            currency="EUR",
            known_locations={"wh"},
        )
    assert sorted(p.field for p in bad.value.problems) == [
        "distance_bucket_km",
        "locations.nowhere",
        "locations.wh.cost_per_shipment",
        "pickup.transfer_from.0",
        "ranking.1",
        "ranking.2",
        "strategy.max_shipments",
    ]


SITES = [site(code, n) for n, code in enumerate(("a", "b", "c"), start=1)]
needs_strategy = st.lists(
    st.tuples(st.sampled_from([SHIRT, MUG]), st.integers(1, 8), st.booleans(), st.booleans()),
    min_size=1,
    max_size=5,
)
stock_strategy = st.dictionaries(
    st.tuples(st.sampled_from([SHIRT, MUG]), st.sampled_from([s.id for s in SITES])),
    st.tuples(st.integers(-2, 10), st.integers(0, 3)),
)
rules_strategy = st.builds(
    lambda ranking, single, limit, partial, safety: rules(
        ranking=tuple(ranking),
        strategy=Strategy(
            prefer_single_location=single, max_shipments=limit, allow_partial=partial
        ),
        filters=Filters(safety_stock=safety),
    ),
    st.lists(st.sampled_from(list(Criterion)), unique=True),
    st.booleans(),
    st.one_of(st.none(), st.integers(1, 3)),
    st.booleans(),
    st.booleans(),
)


@given(
    wanted=needs_strategy,
    levels=stock_strategy,
    chosen_rules=rules_strategy,
    waiting=st.dictionaries(st.sampled_from([SHIRT, MUG]), st.integers(0, 6)),
)
def test_never_more_than_free_and_every_unit_picked_backordered_or_short(
    wanted: list[tuple[UUID, int, bool, bool]],
    levels: dict[tuple[UUID, UUID], tuple[int, int]],
    chosen_rules: sourcing.SourcingRules,
    waiting: dict[UUID, int],
) -> None:
    needs = [
        need(no, q, v, backorder=b, preorder=p) for no, (v, q, b, p) in enumerate(wanted, start=1)
    ]
    stock: dict[tuple[UUID, UUID], int | sourcing.Units] = {
        key: sourcing.Units(available=free, safety_stock=safety)
        for key, (free, safety) in levels.items()
    }
    decision, why = decide(SITES, needs, stock, with_rules=chosen_rules, waiting=waiting)
    taken: dict[tuple[UUID, UUID], int] = defaultdict(int)
    per_variant: dict[UUID, int] = defaultdict(int)
    picked: dict[int, int] = defaultdict(int)
    for p in decision.picks:
        assert p.quantity > 0
        taken[(p.variant_id, p.location_id)] += p.quantity
        per_variant[p.variant_id] += p.quantity
        picked[p.line_no] += p.quantity
    safety = chosen_rules.filters.safety_stock
    for key, units in taken.items():
        free, reserve = levels[key]
        assert units <= max(free - (reserve if safety else 0), 0)
    for variant, units in per_variant.items():
        free_total = sum(
            max(levels[(variant, s.id)][0] - (levels[(variant, s.id)][1] if safety else 0), 0)
            for s in SITES
            if (variant, s.id) in levels
        )
        assert units <= max(free_total - waiting.get(variant, 0), 0)
    if chosen_rules.strategy.max_shipments is not None:
        assert len({p.location_id for p in decision.picks}) <= chosen_rules.strategy.max_shipments
    short = {s.sku for s in decision.shortfalls}
    for n in needs:
        missing = n.quantity - picked[n.line_no]
        assert missing >= 0
        if n.preorder:
            assert picked[n.line_no] == 0
        if n.backorderable or n.preorder:
            assert decision.backordered.get(n.line_no, 0) == missing
        else:
            assert missing == 0 or n.sku in short
    assert len(why["lines"]) == len(needs)  # type: ignore[arg-type]
    assert len(why["locations"]) == len(SITES)  # type: ignore[arg-type]


def test_a_destination_is_found_by_coordinates_then_postal_code_then_country() -> None:
    potsdam = Address(line1="Am Kanal 1", city="Potsdam", postal_code="14467", country="DE")
    paris = Address(line1="12 Rue de Rivoli", city="Paris", postal_code="75004", country="FR")
    nowhere = Address(line1="1 Road", city="Nowhere", postal_code="00000", country="ZZ")
    assert sourcing.locate(BERLIN, potsdam) == sourcing.Destination(
        point=BERLIN, found=sourcing.Found.ADDRESS
    )
    by_code = sourcing.locate(None, potsdam)
    assert by_code.found is sourcing.Found.POSTAL_CODE
    assert by_code.point is not None
    assert by_code.point.distance_km(POTSDAM) < 10
    by_country = sourcing.locate(None, paris)
    assert by_country.found is sourcing.Found.COUNTRY
    assert by_country.point is not None
    assert by_country.point.distance_km(GeoPoint(Decimal("46.6"), Decimal("2.2"))) < 200
    assert sourcing.locate(None, nowhere) == sourcing.Destination()
