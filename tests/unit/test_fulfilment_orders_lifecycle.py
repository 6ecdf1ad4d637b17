"""The fulfilment order's transition table, walked whole through the aggregate's methods, and
the ship-by promise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from oms.fulfilment.domain.errors import UnitsNotOpen
from oms.fulfilment.domain.events import (
    FulfilmentOrderCancelled,
    FulfilmentOrderCreated,
    FulfilmentOrderRejected,
    FulfilmentOrderShipped,
)
from oms.fulfilment.domain.fulfilment_orders import (
    FulfilmentLine,
    FulfilmentOrder,
    NewFulfilmentOrder,
    RejectReason,
)
from oms.fulfilment.domain.lifecycle import (
    FULFILMENT_ORDER_LIFECYCLE,
    Delivery,
    FulfilmentAction,
    FulfilmentOrderStatus,
)
from oms.fulfilment.domain.promises import promise
from oms.shared.errors import IllegalTransition

S, A = FulfilmentOrderStatus, FulfilmentAction
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LINE_A, LINE_B = uuid4(), uuid4()


def _new(delivery: Delivery = Delivery.SHIP) -> FulfilmentOrder:
    return FulfilmentOrder.create(
        NewFulfilmentOrder(
            number="SO-10001-F1",
            order_id=uuid4(),
            order_number="SO-10001",
            channel="web",
            location_id=uuid4(),
            location="BER",
            delivery=delivery,
            pickup_location="BER" if delivery is Delivery.PICKUP else None,
            ship_by=AT,
            lines=(
                FulfilmentLine(line_id=LINE_A, variant_id=uuid4(), sku="A", name="A", quantity=2),
                FulfilmentLine(line_id=LINE_B, variant_id=uuid4(), sku="B", name="B", quantity=1),
            ),
        ),
        at=AT,
    )


ACTIONS: dict[FulfilmentAction, Callable[[FulfilmentOrder], object]] = {
    A.START: lambda f: f.start(actor="picker", at=AT),
    A.SHIP_SOME: lambda f: f.ship_units({LINE_A: 1}, at=AT),
    A.SHIP: lambda f: f.ship_units(f.open_units, at=AT),
    A.MARK_READY: lambda f: f.mark_ready("hash", date(2026, 12, 8), at=AT),
    A.HAND_OVER: lambda f: f.hand_over(at=AT),
    A.DELIVER: lambda f: f.deliver(at=AT),
    A.HOLD: lambda f: f.hold(at=AT),
    A.RELEASE: lambda f: f.release(at=AT),
    A.REJECT: lambda f: f.reject(RejectReason.STOCK_NOT_FOUND, "empty", actor="p", at=AT),
    A.CANCEL: lambda f: f.cancel(at=AT),
    A.REDUCE: lambda f: f.reduce({LINE_A: 1}, at=AT),
}
"""Each action of the table as the aggregate's method (every action has one)."""


def _in(status: FulfilmentOrderStatus, delivery: Delivery = Delivery.SHIP) -> FulfilmentOrder:
    """A FO brought to ``status`` through legal steps only."""
    fo = _new(delivery)
    path: dict[FulfilmentOrderStatus, tuple[FulfilmentAction, ...]] = {
        S.OPEN: (),
        S.IN_PROGRESS: (A.START,),
        S.SHIPPED: (A.SHIP,),
        S.READY_FOR_PICKUP: (A.MARK_READY,),
        S.DELIVERED: (A.SHIP, A.DELIVER),
        S.PICKED_UP: (A.MARK_READY, A.HAND_OVER),
        S.ON_HOLD: (A.HOLD,),
        S.REJECTED: (A.REJECT,),
        S.CANCELLED: (A.CANCEL,),
    }
    for action in path[status]:
        ACTIONS[action](fo)
    assert fo.status is status
    fo.drain_events()
    return fo


def _act(fo: FulfilmentOrder, action: FulfilmentAction) -> None:
    ACTIONS[action](fo)


def _delivery_for(state: FulfilmentOrderStatus, action: FulfilmentAction) -> Delivery:
    pickup_only = {S.READY_FOR_PICKUP, S.PICKED_UP}
    return Delivery.PICKUP if state in pickup_only or action is A.MARK_READY else Delivery.SHIP


@pytest.mark.parametrize(("state", "action", "target"), list(FULFILMENT_ORDER_LIFECYCLE))
def test_every_legal_transition_moves_as_the_table_says(
    state: FulfilmentOrderStatus, action: FulfilmentAction, target: FulfilmentOrderStatus
) -> None:
    fo = _in(state, _delivery_for(state, action))
    version = fo.version
    _act(fo, action)
    assert fo.status is target
    assert fo.version == version + 1
    assert sum(line.shipped + line.cancelled for line in fo.lines) <= 3
    if fo.status in {S.REJECTED, S.CANCELLED, S.SHIPPED, S.DELIVERED, S.PICKED_UP}:
        assert fo.open_units == {}, "a FO that is done holds no units"


ILLEGAL = [
    (state, action)
    for state in S
    for action in A
    if not FULFILMENT_ORDER_LIFECYCLE.allows(state, action)
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_every_other_transition_is_refused_and_changes_nothing(
    state: FulfilmentOrderStatus, action: FulfilmentAction
) -> None:
    fo = _in(state, _delivery_for(state, action))
    before = (fo.status, fo.version, fo.lines)
    with pytest.raises((IllegalTransition, UnitsNotOpen)):
        _act(fo, action)
    assert (fo.status, fo.version, fo.lines) == before


def test_release_goes_back_to_where_the_hold_found_the_fulfilment_order() -> None:
    fo = _in(S.IN_PROGRESS)
    fo.hold(at=AT)
    assert fo.held_from is S.IN_PROGRESS
    fo.release(at=AT)
    assert fo.status == S.IN_PROGRESS
    assert fo.held_from is None


def test_creating_records_the_units_given_and_shipping_the_rest_completes() -> None:
    fo = _new()
    created = fo.drain_events()
    assert isinstance(created[0], FulfilmentOrderCreated)
    assert [(u.sku, u.quantity) for u in created[0].lines] == [("A", 2), ("B", 1)]
    assert fo.ship_units({LINE_A: 1}, at=AT) is A.SHIP_SOME
    assert fo.ship_units({LINE_A: 1, LINE_B: 1}, at=AT) is A.SHIP
    shipped = fo.drain_events()
    assert all(isinstance(e, FulfilmentOrderShipped) for e in shipped)
    assert [e.complete for e in shipped if isinstance(e, FulfilmentOrderShipped)] == [False, True]


def test_shipping_more_than_is_open_is_refused_naming_the_line() -> None:
    fo = _new()
    with pytest.raises(UnitsNotOpen) as refused:
        fo.ship_units({LINE_B: 2}, at=AT)
    assert refused.value.facts == {"line": str(LINE_B), "requested": 2, "open": 1}


def test_rejecting_gives_back_the_open_units() -> None:
    fo = _in(S.IN_PROGRESS)
    fo.ship_units({LINE_A: 1}, at=AT)
    given_back = fo.reject(RejectReason.DAMAGED, "box crushed", actor="picker", at=AT)
    assert given_back == {LINE_A: 1, LINE_B: 1}
    assert fo.open_units == {}
    rejected = fo.drain_events()[-1]
    assert isinstance(rejected, FulfilmentOrderRejected)
    assert (rejected.reason, rejected.note) == ("damaged", "box crushed")


def test_reducing_everything_cancels_an_unshipped_fo_and_ships_a_partly_shipped_one() -> None:
    untouched = _new()
    untouched.reduce({LINE_A: 2, LINE_B: 1}, at=AT)
    assert untouched.status is S.CANCELLED
    assert isinstance(untouched.drain_events()[-1], FulfilmentOrderCancelled)
    partly = _in(S.IN_PROGRESS)
    partly.ship_units({LINE_A: 2}, at=AT)
    partly.hold(at=AT)
    version = partly.version
    partly.reduce({LINE_B: 1}, at=AT)
    assert partly.status is S.SHIPPED
    assert partly.held_from is None
    assert partly.version == version + 1


def test_taking_every_unit_of_a_ready_pickup_cancels_it() -> None:
    fo = _in(S.READY_FOR_PICKUP, Delivery.PICKUP)
    fo.reduce({LINE_A: 2, LINE_B: 1}, at=AT)
    assert fo.status is S.CANCELLED


def test_every_event_survives_the_outbox_round_trip() -> None:
    fo = _new()
    fo.start(actor="picker", at=AT)
    fo.hold(at=AT)
    fo.release(at=AT)
    fo.reduce({LINE_B: 1}, at=AT)
    fo.ship_units({LINE_A: 1}, at=AT)
    fo.reject(RejectReason.OTHER, "n", actor="picker", at=AT)
    recorded = fo.drain_events()
    assert len(recorded) == 7
    assert [type(e).from_payload(e.payload()) for e in recorded] == recorded


def test_handing_over_a_pickup_at_the_sourcing_store_ships_its_units() -> None:
    fo = _in(S.READY_FOR_PICKUP, Delivery.PICKUP)
    assert fo.hand_over(at=AT) == {LINE_A: 2, LINE_B: 1}
    assert fo.shipped_units == {LINE_A: 2, LINE_B: 1}
    assert fo.pickup_code_hash is None


BERLIN = ZoneInfo("Europe/Berlin")
CUTOFF = time(15, 0)


@pytest.mark.parametrize(
    ("released", "handling_days", "ship_by"),
    [
        # Tuesday before the cut-off (13:59 UTC is 14:59 in Berlin, CET): the same day.
        (datetime(2026, 12, 1, 13, 59, tzinfo=UTC), 1, datetime(2026, 12, 1, 14, 0, tzinfo=UTC)),
        # At the cut-off: the next business day.
        (datetime(2026, 12, 1, 14, 0, tzinfo=UTC), 1, datetime(2026, 12, 2, 14, 0, tzinfo=UTC)),
        # Friday after the cut-off and Saturday: Monday.
        (datetime(2026, 12, 4, 16, 0, tzinfo=UTC), 1, datetime(2026, 12, 7, 14, 0, tzinfo=UTC)),
        (datetime(2026, 12, 5, 9, 0, tzinfo=UTC), 1, datetime(2026, 12, 7, 14, 0, tzinfo=UTC)),
        # Friday morning, two handling days: over the weekend to Monday.
        (datetime(2026, 12, 4, 8, 0, tzinfo=UTC), 2, datetime(2026, 12, 7, 14, 0, tzinfo=UTC)),
        # Sunday 23:30 UTC is already Monday 00:30 in Berlin: Monday is day 1.
        (datetime(2026, 12, 6, 23, 30, tzinfo=UTC), 1, datetime(2026, 12, 7, 14, 0, tzinfo=UTC)),
        # Summer time (CEST, UTC+2): the cut-off is 13:00 UTC.
        (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), 1, datetime(2026, 7, 1, 13, 0, tzinfo=UTC)),
    ],
)
def test_the_promise_counts_business_days_from_the_cutoff_in_the_locations_time_zone(
    released: datetime, handling_days: int, ship_by: datetime
) -> None:
    assert promise(released, cutoff=CUTOFF, zone=BERLIN, handling_days=handling_days) == ship_by


def test_the_promise_of_a_location_far_west_uses_its_own_day() -> None:
    # 2026-12-05 03:00 UTC is Friday 19:00 in Los Angeles: past the cut-off, so Monday 15:00.
    released = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    ship_by = promise(
        released, cutoff=CUTOFF, zone=ZoneInfo("America/Los_Angeles"), handling_days=1
    )
    assert ship_by == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
