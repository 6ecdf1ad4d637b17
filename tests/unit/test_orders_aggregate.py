"""The Order aggregate: every change checks the table, bumps the version once and records
what happened (events for other contexts, timeline entries for people)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

import pytest

from oms.orders.domain import (
    DEFAULT_RULES,
    HoldNotFound,
    HoldReason,
    HoldRule,
    InsufficientStock,
    NewOrder,
    NotEditable,
    Order,
    OrderLine,
    OrderOnHold,
    OrderStatus,
    StaleOrderVersion,
    Totals,
)
from oms.orders.domain.changes import (
    AddLine,
    ChangeNotPending,
    ChangePreview,
    ChangeStatus,
    Edit,
    OrderChange,
    PreviewOutdated,
)
from oms.orders.domain.events import (
    BackorderAllocated,
    HoldReleased,
    LinesCancelled,
    LineUnits,
    OrderCancelled,
    OrderChanged,
    OrderConfirmed,
    OrderHeld,
    OrderPlaced,
)
from oms.orders.domain.sourcing import Pick, Plan, Shortfall
from oms.shared.errors import IllegalTransition, Invalid
from oms.shared.money import Money
from tests.unit.doubles.orders import HOME, NOW, a_line, an_allocation, an_order

WH, STORE = uuid4(), uuid4()
CODES = {WH: "wh-de", STORE: "store-berlin"}
LATER = NOW + timedelta(minutes=5)


def kinds(order: Order) -> list[str]:
    return [entry.kind for entry in order.timeline]


def types(order: Order) -> list[type[object]]:
    return [type(event) for event in order.events]


def new_order(*lines: OrderLine, total: str = "40", billing_country: str | None = None) -> NewOrder:
    money = Money.of(total, "EUR")
    nothing = Money.zero("EUR")
    return NewOrder(
        id=uuid4(),
        number="SO-10001",
        channel="web",
        external_id=None,
        buyer=an_order().buyer,
        currency="EUR",
        prices_include_tax=True,
        shipping_method="standard",
        pickup_location=None,
        shipping_address=HOME,
        billing_address=replace(HOME, country=billing_country) if billing_country else None,
        address_validated=True,
        notes="",
        totals=Totals(
            subtotal=money,
            shipping=nothing,
            shipping_tax=nothing,
            discount=nothing,
            tax=nothing,
            total=money,
        ),
        lines=lines or (a_line(),),
    )


def place(new: NewOrder, plan: Plan | None = None) -> Order:
    line = new.lines[0]
    plan = plan or Plan(
        picks=(Pick(line_no=1, variant_id=line.variant_id, location_id=WH, quantity=2),)
    )
    return Order.place(
        new,
        plan=plan,
        locations=CODES,
        rules=DEFAULT_RULES,
        first_order=False,
        actor="web",
        at=NOW,
    )


# -- placing ---------------------------------------------------------------------------------


def test_an_order_that_trips_no_rule_is_placed_and_confirmed_at_version_one() -> None:
    order = place(new_order())
    assert (order.status, order.version, order.on_hold) == (OrderStatus.CONFIRMED, 1, False)
    assert kinds(order) == ["placed", "confirmed"]
    assert types(order) == [OrderPlaced, OrderConfirmed]
    assert order.timeline[1].summary == "confirmed: no holds"


def test_a_tripped_rule_holds_the_new_order_pending() -> None:
    order = place(new_order(billing_country="FR"))
    assert order.status is OrderStatus.PENDING
    assert [hold.rule for hold in order.holds] == [HoldRule.COUNTRY_MISMATCH.value]
    assert kinds(order) == ["placed", "held"]
    assert types(order) == [OrderPlaced, OrderHeld]


def test_the_plan_becomes_allocations_and_backordered_units() -> None:
    line = a_line(quantity=5)
    plan = Plan(
        picks=(
            Pick(line_no=1, variant_id=line.variant_id, location_id=WH, quantity=2),
            Pick(line_no=1, variant_id=line.variant_id, location_id=STORE, quantity=1),
        ),
        backordered={1: 2},
    )
    order = place(new_order(line), plan)
    assert [(a.location, a.quantity) for a in order.allocations] == [
        ("wh-de", 2),
        ("store-berlin", 1),
    ]
    assert order.lines[0].backordered_quantity == 2
    assert kinds(order) == ["placed", "backordered", "confirmed"]
    placed = order.events[0]
    assert isinstance(placed, OrderPlaced)
    assert placed.backordered == (LineUnits(sku=line.sku, quantity=2),)


def test_events_and_timeline_are_handed_over_once() -> None:
    order = place(new_order())
    assert len(order.drain_events()) == 2
    assert len(order.drain_timeline()) == 2
    assert (order.drain_events(), order.drain_timeline()) == ([], [])


# -- holds ----------------------------------------------------------------------------------


def test_a_hold_keeps_the_status_and_bumps_the_version_once() -> None:
    order = an_order()
    hold = order.hold(HoldReason.MANUAL, note="call the customer", actor="csr", at=LATER)
    assert (order.status, order.version, order.on_hold) == (OrderStatus.CONFIRMED, 2, True)
    assert order.updated_at == LATER
    assert order.timeline[0].summary == "held (manual): call the customer"
    event = order.events[0]
    assert isinstance(event, OrderHeld)
    assert (event.hold_id, event.rule) == (hold.id, None)


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.COMPLETED])
def test_holding_a_finished_order_is_refused_as_a_hold(status: OrderStatus) -> None:
    order = an_order(status=status)
    with pytest.raises(IllegalTransition) as refused:
        order.hold(HoldReason.MANUAL, note="", actor="csr", at=LATER)
    assert refused.value.facts == {"state": status.value, "action": "hold"}
    assert (order.version, order.holds, order.events) == (1, (), [])


def test_a_hold_cannot_be_due_for_release_already() -> None:
    with pytest.raises(Invalid) as refused:
        an_order().hold(HoldReason.MANUAL, note="", actor="csr", at=LATER, auto_release_at=NOW)
    assert refused.value.problems[0].field == "auto_release_at"


def test_releasing_the_last_hold_confirms_a_pending_order_in_the_same_version() -> None:
    order = an_order(status=OrderStatus.PENDING)
    first = order.hold(HoldReason.FRAUD_REVIEW, note="", actor="csr", at=NOW)
    second = order.hold(HoldReason.PAYMENT, note="", actor="csr", at=NOW)
    order.drain_events()
    order.drain_timeline()
    order.release(first.id, note="ok", actor="csr", at=LATER)
    assert (order.status, order.version) == (OrderStatus.PENDING, 4)
    order.release(second.id, note="", actor="csr", at=LATER)
    assert (order.status, order.version, order.on_hold) == (OrderStatus.CONFIRMED, 5, False)
    assert kinds(order) == ["hold_released", "hold_released", "confirmed"]
    assert types(order) == [HoldReleased, HoldReleased, OrderConfirmed]
    assert order.timeline[-1].summary == "confirmed: last hold released"
    still = order.events[0]
    assert isinstance(still, HoldReleased)
    assert still.still_on_hold


def test_releasing_a_hold_of_a_confirmed_order_confirms_nothing_again() -> None:
    order = an_order()
    hold = order.hold(HoldReason.MANUAL, note="", actor="csr", at=NOW)
    order.release(hold.id, note="", actor="csr", at=LATER)
    assert OrderConfirmed not in types(order)


def test_a_hold_that_is_not_open_is_not_found() -> None:
    order = an_order()
    hold = order.hold(HoldReason.MANUAL, note="", actor="csr", at=NOW)
    order.release(hold.id, note="", actor="csr", at=LATER)
    for hold_id in (hold.id, uuid4()):
        with pytest.raises(HoldNotFound):
            order.release(hold_id, note="", actor="csr", at=LATER)
    assert order.version == 3


def test_confirming_by_hand_is_refused_while_held_and_needs_a_pending_order() -> None:
    order = an_order(status=OrderStatus.PENDING)
    order.hold(HoldReason.PAYMENT, note="", actor="csr", at=NOW)
    with pytest.raises(OrderOnHold):
        order.confirm(why="paid", actor="psp", at=LATER)
    with pytest.raises(IllegalTransition):
        an_order().confirm(why="paid", actor="psp", at=LATER)
    pending = an_order(status=OrderStatus.PENDING)
    pending.confirm(why="paid", actor="psp", at=LATER)
    assert (pending.status, pending.version) == (OrderStatus.CONFIRMED, 2)


# -- cancelling -----------------------------------------------------------------------------


def keep_prices(order: Order, lines: tuple[OrderLine, ...]) -> tuple[tuple[OrderLine, ...], Totals]:
    return lines, order.totals


def test_cancelling_units_takes_backordered_ones_first_then_the_newest_allocation() -> None:
    line = a_line(quantity=6, backordered_quantity=1)
    order = an_order(line)
    order.allocations = (an_allocation(line, WH, 3), an_allocation(line, STORE, 2, "store"))
    released = order.cancel_units(
        {line.id: 3}, reason="fewer", actor="csr", at=LATER, reprice=keep_prices
    )
    assert [(a.location, a.quantity) for a in released] == [("store", 2)]
    assert [(a.location, a.quantity) for a in order.allocations] == [("wh-de", 3)]
    assert order.line(line.id).backordered_quantity == 0
    assert order.line(line.id).cancelled_quantity == 3
    assert (order.status, order.version) == (OrderStatus.CONFIRMED, 2)
    assert types(order) == [LinesCancelled]
    assert kinds(order) == ["lines_cancelled"]


def test_cancelling_the_last_open_units_cancels_the_order() -> None:
    line = a_line(quantity=2)
    order = an_order(line)
    order.allocations = (an_allocation(line, WH, 2),)
    released = order.cancel_units(
        {line.id: 2}, reason="gone", actor="csr", at=LATER, reprice=keep_prices
    )
    assert [a.quantity for a in released] == [2]
    assert (order.status, order.cancel_reason, order.cancelled_at) == (
        OrderStatus.CANCELLED,
        "gone",
        LATER,
    )
    assert not order.allocations
    assert types(order) == [OrderCancelled]


def test_a_held_order_can_be_cancelled_whole() -> None:
    order = an_order(status=OrderStatus.PENDING)
    order.hold(HoldReason.FRAUD_REVIEW, note="", actor="csr", at=NOW)
    order.cancel(reason="fraud", actor="csr", at=LATER)
    assert (order.status, order.version) == (OrderStatus.CANCELLED, 3)
    assert order.timeline[-1].details["before"] == {"status": "pending", "total": "40.00"}


# -- backorders -----------------------------------------------------------------------------


def test_a_backorder_filled_from_new_stock_becomes_an_allocation() -> None:
    line = a_line(quantity=3, backordered_quantity=3)
    order = an_order(line)
    units = order.allocate_backorder([an_allocation(line, WH, 2)], actor="system", at=LATER)
    assert units == 2
    assert order.line(line.id).backordered_quantity == 1
    assert [(a.location, a.quantity) for a in order.allocations] == [("wh-de", 2)]
    assert order.version == 2
    assert types(order) == [BackorderAllocated]
    assert order.timeline[0].summary == f"2 x {line.sku} allocated from new stock"


def test_nothing_to_allocate_changes_nothing() -> None:
    order = an_order(status=OrderStatus.CANCELLED)
    assert order.allocate_backorder([], actor="system", at=LATER) == 0
    assert (order.version, order.events) == (1, [])


def test_more_units_than_wait_cannot_be_allocated() -> None:
    line = a_line(quantity=3, backordered_quantity=1)
    with pytest.raises(Invalid):
        an_order(line).allocate_backorder([an_allocation(line, WH, 2)], actor="s", at=LATER)


# -- edits ----------------------------------------------------------------------------------


def an_edit(order: Order, total: str = "60", **changes: object) -> Edit:
    money = Money.of(total, "EUR")
    made = Edit(
        lines=order.lines,
        totals=replace(order.totals, subtotal=money, total=money),
        allocations=order.allocations,
        shipping_method=order.shipping_method,
        pickup_location=order.pickup_location,
        shipping_address=order.shipping_address,
        address_validated=order.address_validated,
        added=frozenset(),
        released=(),
        allocated=(),
        stock=(),
        shortfalls=(),
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def a_change(order: Order, edit: Edit, **changes: object) -> OrderChange:
    made = OrderChange(
        id=uuid4(),
        order_id=order.id,
        base_version=order.version,
        status=ChangeStatus.PREVIEWED,
        operations=(AddLine(sku="TS-9", quantity=1),),
        preview=ChangePreview(
            current_totals=order.totals,
            new_totals=edit.totals,
            lines=(),
            stock=(),
            shipping_method=order.shipping_method,
            pickup_location=None,
        ),
        created_by="csr",
        created_at=NOW,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def test_a_change_is_applied_in_one_version_with_its_difference() -> None:
    order = an_order()
    edit = an_edit(order)
    order.apply_change(a_change(order, edit), edit, expected_version=1, actor="csr", at=LATER)
    assert (order.version, order.totals.total) == (2, Money.of("60", "EUR"))
    event = order.events[0]
    assert isinstance(event, OrderChanged)
    assert (event.version, event.difference) == (2, Money.of("20", "EUR"))
    assert order.timeline[0].details["before"]["total"] == "40.00"
    assert order.timeline[0].details["after"]["total"] == "60.00"


def test_a_change_is_refused_stale_outdated_short_or_not_pending() -> None:
    order = an_order()
    edit = an_edit(order)
    change = a_change(order, edit)
    with pytest.raises(StaleOrderVersion):
        order.apply_change(change, edit, expected_version=0, actor="csr", at=LATER)
    with pytest.raises(PreviewOutdated):
        order.apply_change(change, an_edit(order, "61"), expected_version=1, actor="c", at=LATER)
    short = an_edit(order, shortfalls=(Shortfall(sku="TS-9", requested=1, available=0),))
    with pytest.raises(InsufficientStock):
        order.apply_change(change, short, expected_version=1, actor="csr", at=LATER)
    done = replace(change, status=ChangeStatus.CONFIRMED)
    with pytest.raises(ChangeNotPending):
        order.apply_change(done, edit, expected_version=1, actor="csr", at=LATER)
    assert (order.version, order.events) == (1, [])


@pytest.mark.parametrize(
    "status", [OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED, OrderStatus.CANCELLED]
)
def test_only_orders_not_yet_in_fulfilment_take_changes(status: OrderStatus) -> None:
    order = an_order(status=status)
    edit = an_edit(order)
    with pytest.raises(NotEditable):
        order.apply_change(a_change(order, edit), edit, expected_version=1, actor="c", at=LATER)


def test_a_confirmed_change_cannot_be_confirmed_again() -> None:
    order = an_order()
    change = a_change(order, an_edit(order)).confirmed(LATER)
    assert (change.status, change.confirmed_at) == (ChangeStatus.CONFIRMED, LATER)
    with pytest.raises(ChangeNotPending):
        change.confirmed(LATER)
