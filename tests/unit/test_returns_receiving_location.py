"""Where a return goes back to (pure): the channel's rules for goods coming back, distance
first when the rules rank by it, warehouses before stores within a distance bucket."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from oms import sourcing
from oms.shared.geo import GeoPoint
from oms.sourcing import Criterion, LocationRule
from oms.sourcing.domain import Receiver, choose_receiver, rank_receivers

BERLIN = GeoPoint(Decimal("52.52"), Decimal("13.40"))
HAMBURG = GeoPoint(Decimal("53.55"), Decimal("9.99"))
MUNICH = GeoPoint(Decimal("48.14"), Decimal("11.58"))
POTSDAM = sourcing.Destination(
    point=GeoPoint(Decimal("52.39"), Decimal("13.06")), found=sourcing.Found.POSTAL_CODE
)


def receiver(
    code: str, position: int, point: GeoPoint, *, store: bool = False, active: bool = True
) -> Receiver:
    site = sourcing.Site(id=uuid4(), code=code, position=position, point=point, active=active)
    return Receiver(site=site, store=store)


def codes(ranked: list[Receiver]) -> list[str]:
    return [r.site.code for r in ranked]


def rules(**overrides: object) -> sourcing.SourcingRules:
    return sourcing.SourcingRules(channel="web", **overrides)  # type: ignore[arg-type]


def test_ranking_by_distance_sends_the_return_to_the_nearest_warehouse() -> None:
    found = rank_receivers(
        rules(ranking=(Criterion.DISTANCE, Criterion.PRIORITY)),
        [
            receiver("wh-hamburg", 1, HAMBURG),
            receiver("wh-munich", 2, MUNICH),
            receiver("wh-berlin", 3, BERLIN),
        ],
        POTSDAM,
    )
    assert codes(found) == ["wh-berlin", "wh-hamburg", "wh-munich"]


def test_distance_goes_first_for_a_return_even_after_priority_in_the_rules() -> None:
    found = rank_receivers(
        rules(
            ranking=(Criterion.PRIORITY, Criterion.DISTANCE),
            locations={"wh-munich": LocationRule(priority=0)},
        ),
        [receiver("wh-munich", 1, MUNICH), receiver("wh-berlin", 2, BERLIN)],
        POTSDAM,
    )
    assert codes(found) == ["wh-berlin", "wh-munich"]


def test_a_nearer_store_receives_when_the_rules_rank_by_distance() -> None:
    found = rank_receivers(
        rules(ranking=(Criterion.DISTANCE,)),
        [receiver("wh-munich", 1, MUNICH), receiver("store-berlin", 2, BERLIN, store=True)],
        POTSDAM,
    )
    assert codes(found) == ["store-berlin", "wh-munich"]


def test_within_one_distance_bucket_a_warehouse_comes_before_a_store() -> None:
    found = rank_receivers(
        rules(ranking=(Criterion.DISTANCE,), distance_bucket_km=1000),
        [receiver("store-berlin", 1, BERLIN, store=True), receiver("wh-munich", 2, MUNICH)],
        POTSDAM,
    )
    assert codes(found) == ["wh-munich", "store-berlin"]


def test_without_distance_warehouses_come_first_then_the_priority() -> None:
    found = rank_receivers(
        rules(locations={"wh-b": LocationRule(priority=1), "wh-a": LocationRule(priority=5)}),
        [
            receiver("store", 1, BERLIN, store=True),
            receiver("wh-a", 2, HAMBURG),
            receiver("wh-b", 3, MUNICH),
        ],
        POTSDAM,
    )
    assert codes(found) == ["wh-b", "wh-a", "store"]


def test_cost_ranks_receivers_and_stock_on_hand_does_not() -> None:
    found = rank_receivers(
        rules(
            ranking=(Criterion.STOCK_ON_HAND, Criterion.COST),
            locations={
                "wh-a": LocationRule(cost_per_shipment=900),
                "wh-b": LocationRule(cost_per_shipment=450),
            },
        ),
        [receiver("wh-a", 1, HAMBURG), receiver("wh-b", 2, MUNICH)],
        POTSDAM,
    )
    assert codes(found) == ["wh-b", "wh-a"]


def test_an_unknown_destination_falls_back_to_the_channel_order() -> None:
    found = rank_receivers(
        rules(ranking=(Criterion.DISTANCE,)),
        [receiver("wh-munich", 1, MUNICH), receiver("wh-berlin", 2, BERLIN)],
        sourcing.Destination(),
    )
    assert codes(found) == ["wh-munich", "wh-berlin"]


def test_inactive_locations_receive_nothing() -> None:
    closed = receiver("wh-berlin", 1, BERLIN, active=False)
    only = receiver("wh-munich", 2, MUNICH)
    assert choose_receiver(rules(ranking=(Criterion.DISTANCE,)), [closed, only], POTSDAM) == (
        only.site.id
    )
    assert choose_receiver(rules(), [closed], POTSDAM) is None
