"""The order's fulfilment transitions: shipping, delivering, rerouting and completing, each
checked against the unit invariants, and random histories of them that never lose a unit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms.orders.domain import (
    Allocation,
    FulfilmentStatus,
    Hold,
    HoldReason,
    InvariantBroken,
    NotAllocatedThere,
    NotDone,
    NothingToReroute,
    NotShipped,
    Order,
    OrderLine,
    OrderOnHold,
    OrderReturnStatus,
    OrderStatus,
    PaymentFigures,
    PaymentStatus,
    Totals,
)
from oms.orders.domain.events import (
    LineUnits,
    OrderCompleted,
    OrderRerouted,
    PlacedUnits,
    UnitsDelivered,
    UnitsShipped,
)
from oms.orders.domain.sourcing import Pick, Plan
from oms.shared.errors import IllegalTransition, Invalid
from oms.shared.money import Money
from tests.unit.doubles.orders import NOW, a_line, an_allocation, an_order

WH_DE, WH_FR, STORE = uuid4(), uuid4(), uuid4()
CODES = {WH_DE: "wh-de", WH_FR: "wh-fr", STORE: "store"}


def allocated(line: OrderLine, *at: tuple[UUID, int]) -> tuple[Allocation, ...]:
    return tuple(an_allocation(line, loc, units, CODES[loc]) for loc, units in at)


def shop_order(status: OrderStatus = OrderStatus.CONFIRMED, **changes: Any) -> Order:
    """Two lines: 3 T-shirts (2 at wh-de, 1 at wh-fr) and 2 hoodies (1 at wh-de, 1 backordered)."""
    shirts, hoodies = a_line(1, 3), a_line(2, 2, backordered_quantity=1)
    made = an_order(
        shirts,
        hoodies,
        status=status,
        allocations=allocated(shirts, (WH_DE, 2), (WH_FR, 1)) + allocated(hoodies, (WH_DE, 1)),
    )
    made.check_invariants()
    return replace(made, **changes)


def paid(order: Order) -> PaymentFigures:
    total = order.totals.total
    return PaymentFigures(
        status=PaymentStatus.PAID,
        authorized=total,
        captured=total,
        refunded=Money.zero("EUR"),
        conceded=Money.zero("EUR"),
    )


def a_hold() -> Hold:
    return Hold(id=uuid4(), reason=HoldReason.MANUAL, note="look", placed_by="csr", placed_at=NOW)


def units_at(order: Order, location: str) -> dict[UUID, int]:
    return {a.line_id: a.quantity for a in order.allocations if a.location == location}


# -- shipping ----------------------------------------------------------------------------------


def test_shipping_from_a_confirmed_order_starts_it_and_consumes_the_allocation() -> None:
    order = shop_order()
    shirts, hoodies = order.lines
    shipped = order.ship(
        "wh-de", {shirts.id: 2, hoodies.id: 1}, reference="SO-10001-F1-1", actor="wh", at=NOW
    )
    order.check_invariants()
    assert order.status is OrderStatus.IN_PROGRESS
    assert order.version == 2
    assert {(a.line_id, a.location, a.quantity) for a in shipped} == {
        (shirts.id, "wh-de", 2),
        (hoodies.id, "wh-de", 1),
    }
    assert units_at(order, "wh-de") == {}
    assert [ln.fulfilled_quantity for ln in order.lines] == [2, 1]
    assert order.fulfilment_status is FulfilmentStatus.PARTIALLY_FULFILLED
    assert order.events == [
        UnitsShipped(
            aggregate_id=order.id,
            number=order.number,
            location="wh-de",
            lines=(LineUnits(sku="TS-1", quantity=2), LineUnits(sku="TS-2", quantity=1)),
            reference="SO-10001-F1-1",
        )
    ]
    [entry] = order.timeline
    assert entry.kind == "shipped"
    assert entry.details["before"] == {"status": "confirmed"}
    assert entry.details["after"] == {"status": "in_progress"}


def test_only_units_allocated_at_the_location_can_ship_from_it() -> None:
    order = shop_order()
    shirts = order.lines[0]
    with pytest.raises(NotAllocatedThere) as refused:
        order.ship("wh-fr", {shirts.id: 2}, reference="S-1", actor="wh", at=NOW)
    assert refused.value.facts["lines"] == [{"sku": "TS-1", "requested": 2, "allocated": 1}]
    assert (order.version, order.status, order.events) == (1, OrderStatus.CONFIRMED, [])


def test_a_backordered_unit_cannot_ship_until_it_is_allocated() -> None:
    order = shop_order()
    hoodies = order.lines[1]
    with pytest.raises(NotAllocatedThere):
        order.ship("wh-de", {hoodies.id: 2}, reference="S-1", actor="wh", at=NOW)


def test_shipping_names_every_bad_line_at_once() -> None:
    order = shop_order()
    with pytest.raises(Invalid) as refused:
        order.ship("wh-de", {uuid4(): 1, order.lines[0].id: 0}, reference="S", actor="w", at=NOW)
    assert [p.field for p in refused.value.problems] == ["lines.0.line_id", "lines.1.quantity"]
    with pytest.raises(Invalid):
        order.ship("wh-de", {}, reference="S", actor="w", at=NOW)


def test_a_held_order_does_not_ship() -> None:
    order = shop_order(holds=(a_hold(),))
    with pytest.raises(OrderOnHold):
        order.ship("wh-de", {order.lines[0].id: 1}, reference="S-1", actor="wh", at=NOW)


@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.COMPLETED])
def test_an_order_not_confirmed_or_started_does_not_ship(status: OrderStatus) -> None:
    order = shop_order(status)
    with pytest.raises(IllegalTransition):
        order.ship("wh-de", {order.lines[0].id: 1}, reference="S-1", actor="wh", at=NOW)


# -- delivering --------------------------------------------------------------------------------


def shipped_order(**changes: Any) -> Order:
    order = shop_order(**changes)
    shirts, hoodies = order.lines
    order.ship("wh-de", {shirts.id: 2, hoodies.id: 1}, reference="S-1", actor="wh", at=NOW)
    order.ship("wh-fr", {shirts.id: 1}, reference="S-2", actor="wh", at=NOW)
    order.events.clear()
    order.timeline.clear()
    return order


def test_delivered_units_move_the_fulfilment_status_on() -> None:
    order = shipped_order()
    shirts = order.lines[0]
    assert order.fulfilment_status is FulfilmentStatus.PARTIALLY_FULFILLED  # a hoodie waits
    order.deliver({shirts.id: 3}, how="delivered", actor="carrier", at=NOW)
    order.check_invariants()
    assert order.fulfilment_status is FulfilmentStatus.PARTIALLY_DELIVERED
    assert order.lines[0].delivered_quantity == 3
    assert order.events == [
        UnitsDelivered(
            aggregate_id=order.id,
            number=order.number,
            how="delivered",
            lines=(LineUnits(sku="TS-1", quantity=3),),
            all_delivered=False,
        )
    ]
    assert order.timeline[0].kind == "delivered"


def test_only_units_on_their_way_can_arrive() -> None:
    order = shipped_order()
    hoodies = order.lines[1]
    with pytest.raises(NotShipped) as refused:
        order.deliver({hoodies.id: 2}, how="delivered", actor="carrier", at=NOW)
    assert refused.value.facts["lines"] == [{"sku": "TS-2", "requested": 2, "in_transit": 1}]
    assert order.lines[1].delivered_quantity == 0


def test_a_delivery_is_recorded_even_while_the_order_is_held() -> None:
    order = shipped_order()
    order.holds = (a_hold(),)
    order.deliver({order.lines[0].id: 1}, how="picked_up", actor="store", at=NOW)
    assert order.lines[0].delivered_quantity == 1
    assert order.timeline[0].kind == "picked_up"


def test_a_delivery_says_how_it_happened() -> None:
    order = shipped_order()
    with pytest.raises(Invalid) as refused:
        order.deliver({order.lines[0].id: 1}, how="teleported", actor="x", at=NOW)  # type: ignore[arg-type]
    assert [p.field for p in refused.value.problems] == ["how"]


@pytest.mark.parametrize("status", [OrderStatus.CONFIRMED, OrderStatus.CANCELLED])
def test_nothing_is_delivered_before_the_order_is_in_progress(status: OrderStatus) -> None:
    order = shop_order(status)
    with pytest.raises(IllegalTransition):
        order.deliver({order.lines[0].id: 1}, how="delivered", actor="x", at=NOW)


# -- completing --------------------------------------------------------------------------------


def delivered_order(**changes: Any) -> Order:
    order = shipped_order(**changes)
    shirts, hoodies = order.lines
    order.cancel_units(
        {hoodies.id: 1}, reason="out of stock", actor="csr", at=NOW, reprice=keep_prices
    )
    order.deliver({shirts.id: 3, hoodies.id: 1}, how="delivered", actor="carrier", at=NOW)
    order.events.clear()
    order.timeline.clear()
    return order


def keep_prices(order: Order, lines: tuple[OrderLine, ...]) -> tuple[tuple[OrderLine, ...], Totals]:
    return lines, order.totals


def test_a_delivered_and_paid_order_completes() -> None:
    order = delivered_order()
    order.payments = paid(order)
    assert order.fulfilment_status is FulfilmentStatus.DELIVERED
    assert order.is_done(channel_collects=False)
    order.complete(actor="system", at=NOW)
    assert order.status is OrderStatus.COMPLETED
    assert order.events == [OrderCompleted(aggregate_id=order.id, number=order.number)]
    assert order.timeline[0].details["after"] == {"status": "completed"}


def test_an_unpaid_order_completes_only_when_its_channel_collects_the_money() -> None:
    order = delivered_order()
    assert not order.is_done(channel_collects=False)
    with pytest.raises(NotDone):
        order.complete(actor="system", at=NOW)
    assert order.status is OrderStatus.IN_PROGRESS
    assert order.is_done(channel_collects=True)
    order.complete(actor="system", at=NOW, channel_collects=True)
    assert order.status is OrderStatus.COMPLETED


def test_an_order_with_units_still_on_their_way_does_not_complete() -> None:
    order = shipped_order()
    order.payments = paid(order)
    assert not order.is_done(channel_collects=True)
    with pytest.raises(NotDone):
        order.complete(actor="system", at=NOW, channel_collects=True)


def test_a_held_order_does_not_complete() -> None:
    order = delivered_order()
    order.holds = (a_hold(),)
    assert not order.is_done(channel_collects=True)
    with pytest.raises(OrderOnHold):
        order.complete(actor="system", at=NOW, channel_collects=True)


# -- cancelling around shipped units -------------------------------------------------------------


def test_cancelling_after_a_shipment_takes_only_open_units() -> None:
    order = shop_order()
    shirts, hoodies = order.lines
    order.ship("wh-de", {shirts.id: 2}, reference="S-1", actor="wh", at=NOW)
    with pytest.raises(Invalid):
        order.cancel_units({shirts.id: 2}, reason="x", actor="csr", at=NOW, reprice=keep_prices)
    released = order.cancel_units(
        {shirts.id: 1, hoodies.id: 2}, reason="x", actor="csr", at=NOW, reprice=keep_prices
    )
    order.check_invariants()
    assert order.status is OrderStatus.IN_PROGRESS
    assert {(a.location, a.quantity) for a in released} == {("wh-fr", 1), ("wh-de", 1)}
    with pytest.raises(IllegalTransition):
        order.cancel(reason="late", actor="csr", at=NOW)


# -- rerouting ---------------------------------------------------------------------------------


def test_rerouting_moves_units_and_backorders_what_no_location_has() -> None:
    order = shop_order()
    shirts, hoodies = order.lines
    released = order.allocations_at({"wh-de"})
    assert {(a.line_id, a.quantity) for a in released} == {(shirts.id, 2), (hoodies.id, 1)}
    plan = Plan(
        picks=(Pick(line_no=1, variant_id=shirts.variant_id, location_id=WH_FR, quantity=2),),
        backordered={2: 1},
        explanation={"summary": "wh-de rejected: shirts from wh-fr", "version": 3},
    )
    placed = order.reroute(
        released, plan, CODES, away_from={"wh-de"}, reason="damaged", actor="csr", at=NOW
    )
    order.check_invariants()
    assert [(a.location, a.quantity) for a in placed] == [("wh-fr", 2)]
    assert units_at(order, "wh-de") == {}
    assert units_at(order, "wh-fr") == {shirts.id: 3}
    assert order.lines[1].backordered_quantity == 2
    assert (order.version, order.status) == (2, OrderStatus.CONFIRMED)
    assert order.events == [
        OrderRerouted(
            aggregate_id=order.id,
            number=order.number,
            reason="damaged",
            away_from=("wh-de",),
            released=(
                PlacedUnits(sku="TS-1", location="wh-de", quantity=2),
                PlacedUnits(sku="TS-2", location="wh-de", quantity=1),
            ),
            allocated=(PlacedUnits(sku="TS-1", location="wh-fr", quantity=2),),
            backordered=(LineUnits(sku="TS-2", quantity=1),),
        )
    ]
    assert [e.kind for e in order.timeline] == ["rerouted", "sourced"]
    assert order.timeline[1].summary == "wh-de rejected: shirts from wh-fr"
    assert order.timeline[1].details == {
        "summary": "wh-de rejected: shirts from wh-fr",
        "version": 3,
    }


def test_rerouting_some_units_of_a_line_takes_just_those() -> None:
    order = shop_order()
    shirts = order.lines[0]
    assert [(a.location, a.quantity) for a in order.allocations_at({"wh-de"}, {shirts.id: 1})] == [
        ("wh-de", 1)
    ]
    with pytest.raises(Invalid) as refused:
        order.allocations_at({"wh-fr"}, {shirts.id: 2})
    assert [p.field for p in refused.value.problems] == ["lines.0.quantity"]


def test_rerouting_away_from_a_location_holding_nothing_is_refused() -> None:
    with pytest.raises(NothingToReroute):
        shop_order().allocations_at({"store"})


def test_a_reroute_that_would_lose_units_is_refused_before_anything_changes() -> None:
    order = shop_order()
    before = (order.lines, order.allocations)
    released = order.allocations_at({"wh-de"})
    with pytest.raises(InvariantBroken):
        order.reroute(released, Plan(), CODES, reason="x", actor="csr", at=NOW)
    assert (order.version, (order.lines, order.allocations)) == (1, before)
    order.check_invariants()


def test_a_held_order_can_still_be_rerouted_but_a_finished_one_cannot() -> None:
    order = shop_order(holds=(a_hold(),))
    shirts = order.lines[0]
    released = order.allocations_at({"wh-fr"})
    plan = Plan(
        picks=(Pick(line_no=1, variant_id=shirts.variant_id, location_id=WH_DE, quantity=1),)
    )
    order.reroute(released, plan, CODES, reason="x", actor="csr", at=NOW)
    assert units_at(order, "wh-de")[shirts.id] == 3
    done = shop_order(OrderStatus.COMPLETED)
    with pytest.raises(IllegalTransition):
        done.reroute(done.allocations_at({"wh-fr"}), plan, CODES, reason="x", actor="c", at=NOW)


# -- invariants --------------------------------------------------------------------------------


def test_the_invariants_catch_units_that_are_nowhere_or_arrived_unshipped() -> None:
    shirts = a_line(1, 3)
    lost = an_order(shirts, allocations=allocated(shirts, (WH_DE, 2)))
    with pytest.raises(InvariantBroken) as broken:
        lost.check_invariants()
    assert "3 billed but 2 allocated" in str(broken.value)
    early = an_order(replace(shirts, backordered_quantity=3, delivered_quantity=1))
    with pytest.raises(InvariantBroken) as broken:
        early.check_invariants()
    assert "1 delivered of 0 shipped" in str(broken.value)


def test_placing_keeps_the_sourcing_explanation_on_the_timeline() -> None:
    from oms.orders.domain import NewOrder

    template = an_order(a_line(1, 1))
    new = NewOrder(
        id=template.id,
        number=template.number,
        channel="web",
        external_id=None,
        buyer=template.buyer,
        currency="EUR",
        prices_include_tax=True,
        shipping_method="standard",
        pickup_location=None,
        shipping_address=template.shipping_address,
        billing_address=None,
        address_validated=True,
        notes="",
        totals=template.totals,
        lines=template.lines,
        gift_message="Happy birthday!",
    )
    line = template.lines[0]
    plan = Plan(
        picks=(Pick(line_no=1, variant_id=line.variant_id, location_id=WH_DE, quantity=1),),
        explanation={"summary": "wh-de: nearest with everything", "candidates": []},
    )
    order = Order.place(
        new, plan=plan, locations=CODES, rules=(), first_order=False, actor="web", at=NOW
    )
    assert [e.kind for e in order.timeline] == ["placed", "sourced", "confirmed"]
    assert order.timeline[1].details["summary"] == "wh-de: nearest with everything"
    assert order.gift_message == "Happy birthday!"


# -- random histories ---------------------------------------------------------------------------

steps = st.lists(
    st.tuples(
        st.sampled_from(
            ["ship", "deliver", "cancel", "reroute", "complete", "ask_back", "withdraw", "receive"]
        ),
        st.sampled_from([0, 1]),
        st.sampled_from(["wh-de", "wh-fr"]),
        st.integers(1, 3),
    ),
    max_size=25,
)


def _reroute_plan(order: Order, released: tuple[Allocation, ...], target: UUID) -> Plan:
    """Half of each released line (rounded up) to ``target``, the rest backordered."""
    by_line: dict[UUID, int] = {}
    for a in released:
        by_line[a.line_id] = by_line.get(a.line_id, 0) + a.quantity
    picks, backordered = [], {}
    for line_id, units in by_line.items():
        line = order.line(line_id)
        moved = (units + 1) // 2
        picks.append(
            Pick(
                line_no=line.line_no, variant_id=line.variant_id, location_id=target, quantity=moved
            )
        )
        if units - moved:
            backordered[line.line_no] = units - moved
    return Plan(picks=tuple(picks), backordered=backordered)


_RETURN_STEPS: dict[str, Callable[[Order, dict[UUID, int]], None]] = {
    "ask_back": lambda o, units: o.request_return_units(units, rma=None, actor="csr", at=NOW),
    "withdraw": lambda o, units: o.withdraw_return_units(units, actor="csr", at=NOW),
    "receive": lambda o, units: o.receive_returned_units(units, actor="wh", at=NOW),
}
"""Units coming back: asked back, withdrawn, received (legal once the order is in progress)."""


def _apply(order: Order, step: tuple[str, int, str, int]) -> None:
    action, index, location, count = step
    line = order.lines[index]
    if action == "ship":
        order.ship(location, {line.id: count}, reference="S", actor="wh", at=NOW)
    elif action == "deliver":
        order.deliver({line.id: count}, how="delivered", actor="carrier", at=NOW)
    elif action == "cancel":
        order.cancel_units({line.id: count}, reason="x", actor="csr", at=NOW, reprice=keep_prices)
    elif action in _RETURN_STEPS:
        _RETURN_STEPS[action](order, {line.id: count})
    elif action == "reroute":
        released = order.allocations_at({location})
        other = WH_FR if location == "wh-de" else WH_DE
        order.reroute(
            released, _reroute_plan(order, released, other), CODES, reason="x", actor="c", at=NOW
        )
    else:
        order.complete(actor="system", at=NOW, channel_collects=True)


@settings(max_examples=200, deadline=None)
@given(steps)
def test_no_history_of_shipping_delivering_cancelling_and_rerouting_loses_a_unit(
    history: list[tuple[str, int, str, int]],
) -> None:
    """Returns included: no unit comes back or is asked back that was not delivered."""
    order = shop_order()
    billed = sum(line.billed_quantity for line in order.lines)
    for step in history:
        before = (order.version, order.status, order.lines, order.allocations)
        refusals = (Invalid, IllegalTransition, NotAllocatedThere, NotShipped, NotDone)
        try:
            _apply(order, step)
        except (*refusals, NothingToReroute):
            assert (order.version, order.status, order.lines, order.allocations) == before
        else:
            assert order.version == before[0] + 1
        order.check_invariants()
        assert sum(ln.billed_quantity for ln in order.lines) <= billed
        billed = sum(ln.billed_quantity for ln in order.lines)
        if order.status is OrderStatus.COMPLETED:
            assert order.fulfilment_status is FulfilmentStatus.DELIVERED
        for line in order.lines:
            assert line.returned_quantity >= 0
            assert line.return_requested_quantity >= 0
            assert (
                line.returned_quantity + line.return_requested_quantity <= line.delivered_quantity
            )
        returned = sum(line.returned_quantity for line in order.lines)
        if order.return_status is OrderReturnStatus.RETURNED:
            assert returned == sum(line.delivered_quantity for line in order.lines)
        assert (order.return_status is OrderReturnStatus.NONE) == (
            returned + sum(line.return_requested_quantity for line in order.lines) == 0
        )
