"""Orders moving money, on SQLite and PostgreSQL: a channel that takes payment before
confirmation holds its orders until authorisations cover them; cancelled orders void and
refund; edits ask for more or give back; captures follow the channel's capture setting."""

from __future__ import annotations

from oms import orders
from oms.orders.domain import HoldReason
from oms.platform.unit_of_work import UnitOfWork
from tests import payments_money as shop


def test_a_channel_that_takes_payment_first_places_its_orders_under_a_payment_hold(
    uow: UnitOfWork,
) -> None:
    shop.open_shop(uow, payment_before_confirmation=True)
    order = shop.place(uow)
    assert order.status is orders.OrderStatus.PENDING
    assert [hold.reason for hold in order.open_holds] == [HoldReason.PAYMENT]
    assert order.open_holds[0].rule is None


def test_a_channel_that_does_not_take_payment_first_confirms_at_once(uow: UnitOfWork) -> None:
    shop.open_shop(uow)
    order = shop.place(uow)
    assert order.status is orders.OrderStatus.CONFIRMED
    assert order.open_holds == ()
