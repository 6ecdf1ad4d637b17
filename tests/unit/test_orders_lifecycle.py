"""The order lifecycle: the whole transition table walked, and what a hold blocks."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from itertools import product
from uuid import uuid4

import pytest

from oms.orders.domain import (
    ORDER_LIFECYCLE,
    Buyer,
    Hold,
    HoldReason,
    NothingToCancel,
    Order,
    OrderAction,
    OrderLine,
    OrderOnHold,
    OrderStatus,
    Totals,
)
from oms.orders.domain.lifecycle import PROGRESSING
from oms.shared.address import Address
from oms.shared.errors import IllegalTransition, Invalid
from oms.shared.money import Money

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
EUR = "EUR"
PENDING, CONFIRMED, IN_PROGRESS = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.IN_PROGRESS,
)
COMPLETED, CANCELLED = OrderStatus.COMPLETED, OrderStatus.CANCELLED
ALLOWED = {
    (PENDING, OrderAction.CONFIRM): CONFIRMED,
    (CONFIRMED, OrderAction.START_FULFILMENT): IN_PROGRESS,
    (CONFIRMED, OrderAction.SHIP): IN_PROGRESS,
    (IN_PROGRESS, OrderAction.SHIP): IN_PROGRESS,
    (IN_PROGRESS, OrderAction.DELIVER): IN_PROGRESS,
    (IN_PROGRESS, OrderAction.COMPLETE): COMPLETED,
    (PENDING, OrderAction.CANCEL): CANCELLED,
    (CONFIRMED, OrderAction.CANCEL): CANCELLED,
    (IN_PROGRESS, OrderAction.CANCEL): CANCELLED,
    (PENDING, OrderAction.CANCEL_UNITS): PENDING,
    (CONFIRMED, OrderAction.CANCEL_UNITS): CONFIRMED,
    (IN_PROGRESS, OrderAction.CANCEL_UNITS): IN_PROGRESS,
    (PENDING, OrderAction.HOLD): PENDING,
    (CONFIRMED, OrderAction.HOLD): CONFIRMED,
    (IN_PROGRESS, OrderAction.HOLD): IN_PROGRESS,
    (PENDING, OrderAction.ALLOCATE_BACKORDER): PENDING,
    (CONFIRMED, OrderAction.ALLOCATE_BACKORDER): CONFIRMED,
    (IN_PROGRESS, OrderAction.ALLOCATE_BACKORDER): IN_PROGRESS,
    (PENDING, OrderAction.REROUTE): PENDING,
    (CONFIRMED, OrderAction.REROUTE): CONFIRMED,
    (IN_PROGRESS, OrderAction.REROUTE): IN_PROGRESS,
    (PENDING, OrderAction.EDIT): PENDING,
    (CONFIRMED, OrderAction.EDIT): CONFIRMED,
    (PENDING, OrderAction.RELEASE): PENDING,
    (CONFIRMED, OrderAction.RELEASE): CONFIRMED,
    (IN_PROGRESS, OrderAction.RELEASE): IN_PROGRESS,
    (COMPLETED, OrderAction.RELEASE): COMPLETED,
    (CANCELLED, OrderAction.RELEASE): CANCELLED,
    **{
        (state, action): state
        for state in (IN_PROGRESS, COMPLETED)
        for action in (
            OrderAction.REQUEST_RETURN,
            OrderAction.WITHDRAW_RETURN,
            OrderAction.RECEIVE_RETURN,
            OrderAction.LINK_ORDER,
        )
    },
}
"""The lifecycle as the issues state it (holding and editing in the table since issue 7,
shipping, delivering and rerouting since issue 10, returns and linked orders on started and
completed orders since issue 11); the table in the domain must be exactly this."""
EVERY_PAIR = list(product(OrderStatus, OrderAction))


def line(quantity: int = 3, **overrides: object) -> OrderLine:
    price = Money.of("10", EUR)
    fields: dict[str, object] = {
        "id": uuid4(),
        "line_no": 1,
        "variant_id": uuid4(),
        "sku": "TS-1",
        "name": "T-shirt",
        "tax_category": "standard",
        "quantity": quantity,
        "unit_price": price,
        "subtotal": price * quantity,
        "discount": Money.zero(EUR),
        "tax_rate": Decimal("0.19"),
        "tax": Money.zero(EUR),
        "total": price * quantity,
    }
    fields.update(overrides)
    return OrderLine(**fields)  # type: ignore[arg-type]


def hold(*, released: bool = False) -> Hold:
    return Hold(
        id=uuid4(),
        reason=HoldReason.MANUAL,
        note="look",
        placed_by="test",
        placed_at=NOW,
        released_at=NOW if released else None,
        released_by="test" if released else None,
    )


def order(status: OrderStatus = OrderStatus.CONFIRMED, **overrides: object) -> Order:
    zero = Money.zero(EUR)
    fields: dict[str, object] = {
        "id": uuid4(),
        "number": "SO-10001",
        "channel": "web",
        "external_id": None,
        "buyer": Buyer(
            customer_id=uuid4(), email="ada@example.com", name="Ada", phone=None, locale="de"
        ),
        "status": status,
        "version": 1,
        "currency": EUR,
        "prices_include_tax": True,
        "shipping_method": "standard",
        "pickup_location": None,
        "shipping_address": Address(
            line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
        ),
        "billing_address": None,
        "address_validated": True,
        "notes": "",
        "totals": Totals(
            subtotal=zero, shipping=zero, shipping_tax=zero, discount=zero, tax=zero, total=zero
        ),
        "placed_at": NOW,
        "updated_at": NOW,
        "lines": (line(),),
    }
    fields.update(overrides)
    return Order(**fields)  # type: ignore[arg-type]


def test_the_table_is_exactly_the_documented_lifecycle() -> None:
    assert {(state, action): target for state, action, target in ORDER_LIFECYCLE} == ALLOWED


@pytest.mark.parametrize(("state", "action"), EVERY_PAIR, ids=str)
def test_every_state_and_action_either_moves_to_the_tables_target_or_is_illegal(
    state: OrderStatus, action: OrderAction
) -> None:
    current = order(state)
    if (state, action) in ALLOWED:
        assert ORDER_LIFECYCLE.allows(state, action)
        assert ORDER_LIFECYCLE.next(state, action) is ALLOWED[(state, action)]
        assert current.next_status(action) is ALLOWED[(state, action)]
    else:
        assert not ORDER_LIFECYCLE.allows(state, action)
        with pytest.raises(IllegalTransition) as refused:
            current.next_status(action)
        assert refused.value.facts == {"state": state.value, "action": action.value}


PROGRESSING_PAIRS = [(s, a) for (s, a) in ALLOWED if a in PROGRESSING]
CANCELLING_PAIRS = [(s, a) for (s, a) in ALLOWED if a is OrderAction.CANCEL]


@pytest.mark.parametrize(("state", "action"), PROGRESSING_PAIRS, ids=str)
def test_an_open_hold_blocks_confirming_starting_shipping_and_completing(
    state: OrderStatus, action: OrderAction
) -> None:
    held = order(state, holds=(hold(released=True), hold()))
    with pytest.raises(OrderOnHold) as refused:
        held.next_status(action)
    assert refused.value.facts == {"holds": ["manual"]}


@pytest.mark.parametrize(("state", "action"), CANCELLING_PAIRS, ids=str)
def test_a_hold_never_blocks_cancelling(state: OrderStatus, action: OrderAction) -> None:
    held = order(state, holds=(hold(), hold()))
    assert held.next_status(action) is OrderStatus.CANCELLED


@pytest.mark.parametrize(("state", "action"), PROGRESSING_PAIRS, ids=str)
def test_released_holds_block_nothing(state: OrderStatus, action: OrderAction) -> None:
    released = order(state, holds=(hold(released=True),))
    assert not released.on_hold
    assert released.next_status(action) is ALLOWED[(state, action)]


def test_on_hold_means_at_least_one_open_hold() -> None:
    assert not order().on_hold
    assert order(holds=(hold(), hold(released=True))).on_hold
    assert len(order(holds=(hold(), hold(released=True))).open_holds) == 1


def test_holds_block_exactly_confirming_starting_shipping_and_completing() -> None:
    assert {
        OrderAction.CONFIRM,
        OrderAction.START_FULFILMENT,
        OrderAction.SHIP,
        OrderAction.COMPLETE,
    } == set(PROGRESSING)


def test_a_whole_cancellation_takes_every_open_unit() -> None:
    first, second = line(4, cancelled_quantity=1), line(2, line_no=2, cancelled_quantity=2)
    cancelled = order(lines=(first, second))
    cancelled.cancel(reason="fraud", actor="csr", at=NOW)
    assert cancelled.status is OrderStatus.CANCELLED
    assert [ln.cancelled_quantity for ln in cancelled.lines] == [4, 2]


def test_an_order_with_shipped_units_cannot_be_cancelled_whole() -> None:
    shipped = order(OrderStatus.IN_PROGRESS, lines=(line(3, fulfilled_quantity=1),))
    with pytest.raises(IllegalTransition):
        shipped.cancel(reason="late", actor="csr", at=NOW)


def never_reprice(*_: object) -> tuple[tuple[OrderLine, ...], Totals]:
    raise AssertionError("a refused cancellation prices nothing")


@pytest.mark.parametrize("state", [OrderStatus.CANCELLED, OrderStatus.COMPLETED])
def test_a_finished_order_cannot_be_cancelled_whole_or_in_part(state: OrderStatus) -> None:
    done = order(state)
    with pytest.raises(IllegalTransition) as whole:
        done.cancel(reason="late", actor="csr", at=NOW)
    assert whole.value.facts["action"] == "cancel"
    with pytest.raises(IllegalTransition) as part:
        done.cancel_units(
            {done.lines[0].id: 1}, reason="late", actor="csr", at=NOW, reprice=never_reprice
        )
    assert part.value.facts["action"] == "cancel_units"
    assert done.version == 1


def test_an_order_without_open_units_has_nothing_to_cancel() -> None:
    with pytest.raises(NothingToCancel):
        order(lines=(line(2, cancelled_quantity=2),)).cancel(reason="x", actor="csr", at=NOW)


def test_a_partial_cancellation_names_every_bad_quantity_at_once() -> None:
    first, second = line(2), line(1, line_no=2)
    with pytest.raises(Invalid) as refused:
        order(lines=(first, second)).cancel_units(
            {first.id: 3, second.id: 0}, reason="x", actor="csr", at=NOW, reprice=never_reprice
        )
    assert [p.field for p in refused.value.problems] == ["lines.0.quantity", "lines.1.quantity"]


def test_a_partial_cancellation_must_name_a_line() -> None:
    with pytest.raises(Invalid) as refused:
        order().cancel_units({}, reason="x", actor="csr", at=NOW, reprice=never_reprice)
    assert [p.field for p in refused.value.problems] == ["lines"]


def test_a_partial_cancellation_within_the_open_units_is_accepted_and_repriced() -> None:
    first = line(5, cancelled_quantity=1, fulfilled_quantity=1)
    started = order(OrderStatus.IN_PROGRESS, lines=(first,))
    repriced = Totals(**{name: Money.of("1", EUR) for name in Totals.__dataclass_fields__})

    def reprice(_: Order, lines: tuple[OrderLine, ...]) -> tuple[tuple[OrderLine, ...], Totals]:
        return lines, repriced

    started.cancel_units({first.id: 3}, reason="x", actor="csr", at=NOW, reprice=reprice)
    assert started.line(first.id).cancelled_quantity == 4
    assert started.status is OrderStatus.IN_PROGRESS
    assert started.totals == repriced
