"""Orders moving money, on SQLite and PostgreSQL: a channel that takes payment before
confirmation holds its orders until authorisations cover them; cancelled orders void what is
authorised and refund what was captured; edits ask for more or give the difference back; and
captures follow the channel's setting (at placement, or for what ships)."""

from __future__ import annotations

import time
from collections.abc import Callable
from uuid import UUID

import pytest
from sqlalchemy import Engine

from oms import channels, orders, payments
from oms.app import tasks
from oms.orders import HoldReason
from oms.payments.domain.credit import CreditEntryKind
from oms.payments.domain.refund_policy import RefundDestination, RefundReason
from oms.payments.services import credit, finish, goodwill, start_movement
from oms.payments.services.order_money import capture_for_shipment
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests import payments_money as shop


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


@pytest.fixture
def providers(uow: UnitOfWork) -> payments.Providers:
    return payments.build_providers(Settings(), uow)


Deliver = Callable[[], None]


@pytest.fixture
def deliver(engine: Engine) -> Deliver:
    """Hand every event recorded so far to its consumers (the worker's relay, run to the end)."""

    def run() -> None:
        tasks.relay(engine).drain()

    return run


def give_credit(uow: UnitOfWork, order: orders.Order, amount: str) -> None:
    credit.adjust_store_credit(
        credit.AdjustStoreCredit(
            customer_id=order.buyer.customer_id,
            kind=CreditEntryKind.ISSUE,
            amount=eur(amount),
            reason="test",
            actor="test",
        ),
        uow=uow,
    )


def pay(
    uow: UnitOfWork,
    providers: payments.Providers,
    order: orders.Order,
    provider: payments.ProviderName,
    amount: str | None = None,
    *,
    capture: bool | None = None,
) -> payments.Payment:
    return payments.add_tender(
        payments.AddTender(
            order_id=order.id,
            provider=provider,
            amount=eur(amount) if amount else None,
            actor="test",
            capture=capture,
        ),
        uow=uow,
        providers=providers,
    )


def till_preauthorisation(
    uow: UnitOfWork,
    providers: payments.Providers,
    order: orders.Order,
    amount: str | None = None,
) -> payments.Payment:
    """A card pre-authorisation at the till: authorised now, captured later."""
    return pay(uow, providers, order, payments.ProviderName.POS, amount, capture=False)


def current(uow: UnitOfWork, order_id: UUID) -> orders.Order:
    return orders.get_order(order_id, uow=uow)


def tenders(uow: UnitOfWork, order_id: UUID) -> dict[str, payments.Payment]:
    return {p.provider.value: p for p in payments.list_payments(order_id, uow=uow)}


def balance(uow: UnitOfWork, order: orders.Order) -> Money:
    statement = credit.store_credit_statement(order.buyer.customer_id, uow=uow)
    return statement.account.balance("EUR")


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


def test_the_payment_hold_is_released_once_authorisations_cover_the_total(
    uow: UnitOfWork, providers: payments.Providers, deliver: Deliver
) -> None:
    shop.open_shop(uow, payment_before_confirmation=True)
    order = shop.place(uow)
    half = str(order.totals.total.amount / 2)
    till_preauthorisation(uow, providers, order, half)
    deliver()
    assert current(uow, order.id).status is orders.OrderStatus.PENDING
    till_preauthorisation(uow, providers, order)
    deliver()
    released = current(uow, order.id)
    assert released.status is orders.OrderStatus.CONFIRMED
    assert released.open_holds == ()


def test_store_credit_is_captured_at_once_and_an_at_placement_channel_captures_card_holds(
    uow: UnitOfWork, providers: payments.Providers, deliver: Deliver
) -> None:
    shop.open_shop(uow)
    order = shop.place(uow)
    give_credit(uow, order, "10.00")
    pay(uow, providers, order, payments.ProviderName.STORE_CREDIT, "10.00")
    till_preauthorisation(uow, providers, order)
    deliver()
    paid = tenders(uow, order.id)
    assert paid["store_credit"].captured == eur("10.00")
    assert paid["pos"].captured == order.totals.total - eur("10.00")
    assert current(uow, order.id).payment_status.value == "paid"


def test_an_at_shipment_channel_leaves_authorisations_for_the_shipments_to_capture(
    uow: UnitOfWork, providers: payments.Providers, deliver: Deliver
) -> None:
    shop.open_shop(uow, capture=channels.CaptureMode.AT_SHIPMENT)
    order = shop.place(uow, ("TS-1", 5))  # 100.00
    give_credit(uow, order, "10.00")
    pay(uow, providers, order, payments.ProviderName.STORE_CREDIT, "10.00")
    first = till_preauthorisation(uow, providers, order, "50.00")
    second = till_preauthorisation(uow, providers, order)
    deliver()
    assert tenders(uow, order.id)["store_credit"].captured == eur("10.00")
    assert first.captured == eur("0")
    assert second.captured == eur("0")
    shipped = capture_for_shipment(order.id, eur("40.00"), uow=uow, providers=providers)
    assert (shipped.captured, shipped.short) == (eur("40.00"), eur("0"))
    by_id = {p.id: p for p in payments.list_payments(order.id, uow=uow)}
    assert by_id[first.id].captured == eur("40.00")  # the oldest authorisation first
    assert by_id[second.id].captured == eur("0")
    rest = capture_for_shipment(order.id, eur("70.00"), uow=uow, providers=providers)
    assert (rest.captured, rest.short) == (eur("50.00"), eur("20.00"))
    by_id = {p.id: p for p in payments.list_payments(order.id, uow=uow)}
    assert by_id[first.id].captured == eur("50.00")
    assert by_id[second.id].captured == eur("40.00")


def test_a_cancelled_order_refunds_what_was_captured_and_voids_what_was_only_authorised(
    uow: UnitOfWork, providers: payments.Providers, deliver: Deliver
) -> None:
    shop.open_shop(uow, capture=channels.CaptureMode.AT_SHIPMENT)
    order = shop.place(uow, ("TS-1", 5))  # 100.00
    give_credit(uow, order, "30.00")
    pay(uow, providers, order, payments.ProviderName.STORE_CREDIT, "30.00")
    pay(uow, providers, order, payments.ProviderName.POS, "50.00")  # taken and captured
    till_preauthorisation(uow, providers, order)  # 20.00 held
    deliver()
    orders.cancel_order(
        orders.CancelOrder(order_id=order.id, reason="changed mind", actor="csr"), uow=uow
    )
    deliver()
    after = tenders(uow, order.id)
    assert after["store_credit"].refunded == eur("30.00")
    assert balance(uow, order) == eur("30.00")
    captured_pos = next(p for p in payments.list_payments(order.id, uow=uow) if p.captured.amount)
    assert captured_pos.refunded == captured_pos.captured
    held = [p for p in payments.list_payments(order.id, uow=uow) if p.voided]
    assert [p.authorized for p in held] == [eur("20.00")]
    assert current(uow, order.id).payment_status.value == "refunded"
    deliver()  # delivered again: nothing more moves
    assert tenders(uow, order.id)["store_credit"].refunded == eur("30.00")


def test_an_edit_that_costs_more_waits_for_payment_and_one_that_costs_less_gives_back(
    uow: UnitOfWork, providers: payments.Providers, deliver: Deliver
) -> None:
    shop.open_shop(uow)
    order = shop.place(uow, ("TS-1", 3))  # 60.00
    pay(uow, providers, order, payments.ProviderName.POS)
    deliver()
    line = order.lines[0].id
    dearer = edit(uow, order.id, orders.ChangeQuantity(line_id=line, quantity=5))
    deliver()
    held = current(uow, order.id)
    assert [h.reason for h in held.open_holds] == [HoldReason.PAYMENT]
    till_preauthorisation(uow, providers, held)
    deliver()
    assert current(uow, order.id).open_holds == ()
    cheaper = edit(uow, order.id, orders.ChangeQuantity(line_id=line, quantity=2))
    deliver()
    given_back = sum((p.refunded for p in payments.list_payments(order.id, uow=uow)), eur("0"))
    assert given_back == dearer.totals.total - cheaper.totals.total
    assert current(uow, order.id).balance_due == eur("0")


def test_a_goodwill_refund_is_not_taken_back_by_a_later_edit(
    uow: UnitOfWork, providers: payments.Providers, deliver: Deliver
) -> None:
    shop.open_shop(uow)
    goodwill.set_refund_reasons([RefundReason(code="late", description="late")], uow=uow)
    order = shop.place(uow, ("TS-1", 5))  # 100.00
    pay(uow, providers, order, payments.ProviderName.POS)
    deliver()
    goodwill.refund_order(
        order.id,
        eur("5.00"),
        "late",
        RefundDestination.ORIGINAL,
        actor="finance",
        role="finance",
        uow=uow,
        providers=providers,
    )
    edit(uow, order.id, orders.ChangeQuantity(line_id=order.lines[0].id, quantity=4))
    deliver()
    assert tenders(uow, order.id)["pos"].refunded == eur("25.00")  # 5.00 goodwill + 20.00


def edit(uow: UnitOfWork, order_id: UUID, operation: orders.Operation) -> orders.Order:
    change = orders.preview_change(
        orders.PreviewChange(order_id=order_id, operations=(operation,), actor="csr"), uow=uow
    )
    version = current(uow, order_id).version
    return orders.confirm_change(
        orders.ConfirmChange(
            order_id=order_id, change_id=change.id, if_match=f'"{version}"', actor="csr"
        ),
        uow=uow,
    )


def test_cancelling_some_units_gives_back_what_they_cost(
    uow: UnitOfWork, providers: payments.Providers, deliver: Deliver
) -> None:
    shop.open_shop(uow)
    order = shop.place(uow, ("TS-1", 2), ("TS-2", 1))  # 40.00 + 50.00
    pay(uow, providers, order, payments.ProviderName.POS)
    deliver()
    tee = next(line for line in order.lines if line.sku == "TS-1")
    after = orders.cancel_order(
        orders.CancelOrder(order_id=order.id, reason="out of size", actor="csr", lines={tee.id: 1}),
        uow=uow,
    )
    deliver()
    [payment] = payments.list_payments(order.id, uow=uow)
    assert payment.refunded == order.totals.total - after.totals.total
    assert payment.refunded.amount > 0
    assert current(uow, order.id).balance_due == eur("0")


def test_an_order_paid_outside_oms_is_not_held_when_an_edit_raises_its_total(
    uow: UnitOfWork, deliver: Deliver
) -> None:
    shop.open_shop(uow)
    order = shop.place(uow)  # no tender: the channel's money is taken elsewhere
    edit(uow, order.id, orders.ChangeQuantity(line_id=order.lines[0].id, quantity=4))
    deliver()
    assert current(uow, order.id).open_holds == ()


def test_cancelling_after_a_goodwill_refund_gives_back_the_rest(
    uow: UnitOfWork, providers: payments.Providers, deliver: Deliver
) -> None:
    shop.open_shop(uow)
    goodwill.set_refund_reasons([RefundReason(code="late", description="late")], uow=uow)
    order = shop.place(uow, ("TS-1", 5))  # 100.00
    pay(uow, providers, order, payments.ProviderName.POS)
    deliver()
    goodwill.refund_order(
        order.id,
        eur("30.00"),
        "late",
        RefundDestination.ORIGINAL,
        actor="csr",
        role="admin",
        uow=uow,
        providers=providers,
    )
    orders.cancel_order(orders.CancelOrder(order_id=order.id, reason="gone", actor="csr"), uow=uow)
    deliver()
    assert tenders(uow, order.id)["pos"].refunded == eur("100.00")
    assert current(uow, order.id).payment_status.value == "refunded"


def test_a_cancellation_waits_for_a_capture_in_flight_then_refunds_it(
    uow: UnitOfWork, providers: payments.Providers, deliver: Deliver
) -> None:
    shop.open_shop(uow, capture=channels.CaptureMode.AT_SHIPMENT)
    order = shop.place(uow)  # 60.00
    held = till_preauthorisation(uow, providers, order)
    deliver()
    in_flight = start_movement(
        held.id, payments.TransactionKind.CAPTURE, None, actor="warehouse", uow=uow
    )  # the capture's provider call has not been answered yet
    orders.cancel_order(orders.CancelOrder(order_id=order.id, reason="gone", actor="csr"), uow=uow)
    deliver()  # refused while the capture is in flight: the event waits for a retry
    assert tenders(uow, order.id)["pos"].refunded == eur("0")
    finish(in_flight, uow=uow, providers=providers)
    time.sleep(1.1)  # the relay's first retry is due after one second
    deliver()
    after = tenders(uow, order.id)["pos"]
    assert (after.captured, after.refunded) == (order.totals.total, order.totals.total)


def test_after_a_goodwill_refund_an_edit_asks_only_for_what_it_adds(
    uow: UnitOfWork, providers: payments.Providers, deliver: Deliver
) -> None:
    shop.open_shop(uow)
    goodwill.set_refund_reasons([RefundReason(code="late", description="late")], uow=uow)
    order = shop.place(uow, ("TS-1", 5))  # 100.00
    pay(uow, providers, order, payments.ProviderName.POS)
    deliver()
    goodwill.refund_order(
        order.id,
        eur("10.00"),
        "late",
        RefundDestination.ORIGINAL,
        actor="csr",
        role="admin",
        uow=uow,
        providers=providers,
    )
    dearer = edit(uow, order.id, orders.ChangeQuantity(line_id=order.lines[0].id, quantity=6))
    deliver()
    assert [h.reason for h in current(uow, order.id).open_holds] == [HoldReason.PAYMENT]
    added = dearer.totals.total - order.totals.total
    till_preauthorisation(uow, providers, current(uow, order.id), str(added.amount))
    deliver()
    assert current(uow, order.id).open_holds == ()
