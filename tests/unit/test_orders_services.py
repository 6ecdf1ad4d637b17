"""Order services on an in-memory unit of work: load, call the order, save, record its events.

No database: the orders ports are doubles (``tests.unit.doubles.orders``), so these run in
milliseconds; the same services run on SQLite and PostgreSQL in tests/integration.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from oms.orders.domain import (
    HoldNotFound,
    HoldReason,
    HoldRule,
    Order,
    OrderNotFound,
    OrderStatus,
)
from oms.orders.domain.commands import CancelOrder, PlaceHold, ReleaseHold, SetHoldRule
from oms.orders.domain.events import HoldReleased, OrderCancelled, OrderConfirmed, OrderHeld
from oms.orders.repository import ORDERS, OrderFilter
from oms.orders.services import (
    cancel_order,
    get_order,
    hold_rule_settings,
    list_orders,
    lookup_order,
    order_timeline,
    place_hold,
    release_due_holds,
    release_hold,
    set_hold_rule,
)
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.errors import IllegalTransition, Invalid
from oms.shared.money import Money
from tests.unit.doubles.orders import NOW, InMemoryOrders, a_line, an_order, order_doubles


def fake(*orders: Order) -> tuple[FakeUnitOfWork, InMemoryOrders]:
    doubles: dict[str, Any] = order_doubles(*orders)
    return FakeUnitOfWork(doubles, clock=FixedClock(NOW)), doubles[ORDERS.name]


def committed_types(uow: FakeUnitOfWork) -> list[type[object]]:
    return [type(event) for event in uow.committed]


def test_placing_a_hold_saves_the_order_and_commits_its_event() -> None:
    uow, stored = fake(order := an_order())
    held = place_hold(
        PlaceHold(order_id=order.id, reason=HoldReason.MANUAL, actor="csr", note="call"), uow=uow
    )
    assert held.on_hold
    assert stored.stored[order.id].version == 2
    assert stored.stored[order.id].on_hold
    assert [e.kind for e in stored.entries[order.id]] == ["held"]
    assert committed_types(uow) == [OrderHeld]


def test_a_cancelled_order_takes_no_hold_and_nothing_is_saved() -> None:
    uow, stored = fake(order := an_order(status=OrderStatus.CANCELLED))
    with pytest.raises(IllegalTransition):
        place_hold(PlaceHold(order_id=order.id, reason=HoldReason.MANUAL, actor="csr"), uow=uow)
    assert (stored.saved, uow.committed) == ([], [])


def test_another_channels_order_does_not_exist_for_a_channel_key() -> None:
    uow, stored = fake(order := an_order(channel="web"))
    hold = PlaceHold(order_id=order.id, reason=HoldReason.MANUAL, actor="app")
    with pytest.raises(OrderNotFound):
        place_hold(hold, uow=uow, visible_to="app")
    with pytest.raises(OrderNotFound):
        get_order(order.id, uow=uow, visible_to="app")
    assert list_orders(OrderFilter(), uow=uow, after=None, limit=10, visible_to="app") == []
    assert get_order(order.id, uow=uow, visible_to="web").id == order.id
    assert stored.saved == []


def test_releasing_the_last_hold_confirms_and_commits_both_events() -> None:
    uow, stored = fake(order := an_order(status=OrderStatus.PENDING))
    held = place_hold(
        PlaceHold(order_id=order.id, reason=HoldReason.FRAUD_REVIEW, actor="csr"), uow=uow
    )
    hold_id = held.holds[0].id
    released = release_hold(ReleaseHold(order_id=order.id, hold_id=hold_id, actor="csr"), uow=uow)
    assert (released.status, released.version) == (OrderStatus.CONFIRMED, 3)
    assert committed_types(uow) == [OrderHeld, HoldReleased, OrderConfirmed]
    kinds = [entry.kind for _, entry in order_timeline(order.id, uow=uow, after=None, limit=9)]
    assert kinds == ["held", "hold_released", "confirmed"]
    with pytest.raises(HoldNotFound):
        release_hold(ReleaseHold(order_id=order.id, hold_id=hold_id, actor="csr"), uow=uow)
    assert stored.stored[order.id].version == 3


def test_only_holds_that_are_due_are_released_automatically() -> None:
    uow, stored = fake(due := an_order(), later := an_order())
    for order, minutes in ((due, -1), (later, 60)):
        uow.clock = FixedClock(NOW - timedelta(hours=2))
        place_hold(
            PlaceHold(
                order_id=order.id,
                reason=HoldReason.CUSTOMER_REQUEST,
                actor="csr",
                auto_release_at=NOW + timedelta(minutes=minutes),
            ),
            uow=uow,
        )
    uow.clock = FixedClock(NOW)
    assert release_due_holds(uow=uow) == 1
    assert not stored.stored[due.id].on_hold
    assert stored.stored[later.id].on_hold
    assert stored.entries[due.id][-1].actor == "system:auto-release"


def test_a_merchants_rule_setting_replaces_the_default() -> None:
    uow, _ = fake()
    set_hold_rule(
        SetHoldRule(
            rule=HoldRule.TOTAL_ABOVE, enabled=True, thresholds={"EUR": Money.of("50", "EUR")}
        ),
        uow=uow,
    )
    rules = {setting.rule: setting for setting in hold_rule_settings(uow=uow)}
    assert rules[HoldRule.TOTAL_ABOVE].thresholds == {"EUR": Money.of("50", "EUR")}
    assert len(rules) == len(HoldRule)
    with pytest.raises(Invalid):
        set_hold_rule(
            SetHoldRule(
                rule=HoldRule.COUNTRY_MISMATCH,
                enabled=True,
                thresholds={"EUR": Money.of("1", "EUR")},
            ),
            uow=uow,
        )


def test_cancelling_an_order_of_backordered_units_gives_no_stock_back() -> None:
    line = a_line(quantity=2, backordered_quantity=2)
    uow, stored = fake(order := an_order(line))
    cancelled = cancel_order(
        CancelOrder(order_id=order.id, reason="changed mind", actor="csr"), uow=uow
    )
    assert cancelled.status is OrderStatus.CANCELLED
    assert stored.stored[order.id].lines[0].backordered_quantity == 0
    assert committed_types(uow) == [OrderCancelled]


def test_a_cancellation_needs_a_reason() -> None:
    uow, stored = fake(order := an_order())
    with pytest.raises(Invalid):
        cancel_order(CancelOrder(order_id=order.id, reason=" ", actor="csr"), uow=uow)
    assert stored.saved == []


def test_the_lookup_answers_only_to_the_buyers_email() -> None:
    uow, _ = fake(order := an_order())
    assert lookup_order(" so-10001 ", "ADA@example.com", uow=uow).id == order.id
    for number, email in (("SO-10001", "eve@example.com"), ("SO-99999", "ada@example.com")):
        with pytest.raises(OrderNotFound):
            lookup_order(number, email, uow=uow)


def test_an_unknown_order_is_not_found() -> None:
    uow, _ = fake()
    with pytest.raises(OrderNotFound):
        get_order(uuid4(), uow=uow)
    with pytest.raises(OrderNotFound):
        order_timeline(uuid4(), uow=uow, after=None, limit=10)
