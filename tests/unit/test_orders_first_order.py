"""Whether an order is the buyer's first is asked of the repository only when a hold rule would
look at the answer (ADR 0009): the first-order rule on, and the total above its threshold. A
buyer whose profile this order created is known to be new without asking."""

from __future__ import annotations

from uuid import UUID

import pytest

from oms import customers
from oms.orders.domain import HoldRule, OrderStatus
from oms.orders.domain.commands import SetHoldRule
from oms.orders.services import set_hold_rule
from oms.shared.money import Money
from tests.unit.test_orders_placement import Shop, shop  # noqa: F401 (fixture)


@pytest.fixture
def asked(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> list[UUID]:  # noqa: F811
    """The customers the placement asked ``has_orders_of`` about."""
    seen: list[UUID] = []
    real = shop.saved.has_orders_of

    def spy(customer_id: UUID) -> bool:
        seen.append(customer_id)
        return real(customer_id)

    monkeypatch.setattr(shop.saved, "has_orders_of", spy)
    set_hold_rule(
        SetHoldRule(
            rule=HoldRule.FIRST_ORDER_ABOVE, enabled=True, thresholds={"EUR": Money.of("20", "EUR")}
        ),
        uow=shop.uow,
    )
    return seen


def test_a_new_buyer_above_the_threshold_is_held_without_asking(
    shop: Shop,  # noqa: F811
    asked: list[UUID],
) -> None:
    order = shop.place("web", ("HD-1", 1)).order
    assert [hold.rule for hold in order.open_holds] == [HoldRule.FIRST_ORDER_ABOVE.value]
    assert asked == []


def test_an_order_below_the_threshold_asks_nothing(
    shop: Shop,  # noqa: F811
    asked: list[UUID],
) -> None:
    shop.place("web", ("TS-1", 1))
    again = shop.place("web", ("TS-1", 1)).order
    assert again.status is OrderStatus.CONFIRMED
    assert asked == []


def test_a_known_buyer_above_the_threshold_is_asked_about(
    shop: Shop,  # noqa: F811
    asked: list[UUID],
) -> None:
    known = customers.create_customer(
        customers.CreateCustomer(email="ada@example.com", name="Ada King"), uow=shop.uow
    )
    first = shop.place("web", ("HD-1", 1)).order
    assert [hold.rule for hold in first.open_holds] == [HoldRule.FIRST_ORDER_ABOVE.value]
    shop.receive("HD-1", "wh-de", 1)
    second = shop.place("web", ("HD-1", 1)).order
    assert second.open_holds == ()
    assert asked == [known.id, known.id]
