"""What the mail consumer queues and how the sender addresses it, on SQLite and PostgreSQL:
once per event and kind however often the relay delivers it, unaddressed (no read of the order
in the relay), then to the order's buyer in the order's language when first tried; skipped
(with the reason, on the timeline) when the channel turned the kind off or a review request has
no marketing consent, also when consent is withdrawn while it waits; nothing for a delivery
whose shipping was never mailed (a transfer to a store); an erased customer's mail forgotten."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import channels, customers, fulfilment, orders, payments
from oms.app import tasks
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.handlers.mail import handle_mail_event
from oms.notifications.services.mail.channel_settings import SetMailSettings, set_mail_settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope
from oms.shared.money import Money
from tests import payments_money
from tests.integration.test_notifications_smtp import (
    ADA,
    Mailbox,
    mailbox,
    notes,
    place,
    rows,
    send,
    shop,
    smtp_settings,
)

__all__ = ["mailbox", "shop"]

K = NotificationKind


def turn_off(uow: UnitOfWork, *kinds: NotificationKind) -> None:
    set_mail_settings(
        SetMailSettings(
            channel="web",
            enabled=frozenset(NotificationKind) - set(kinds),
            sender_name="Northwind",
            sender_address="shop@northwind.example",
            reply_to=None,
            brand_colour="#0b6e4f",
            logo_url=None,
            expected=None,
            actor="test",
        ),
        uow=uow,
    )


def consent(uow: UnitOfWork, granted: bool) -> None:
    (customer,) = customers.list_customers(uow=uow, email=ADA)
    customers.update_customer(
        customers.UpdateCustomer(customer_id=customer.id, marketing_consent=granted), uow=uow
    )


def delivered(engine: Engine, uow: UnitOfWork) -> orders.Order:
    order = place(uow)
    every = {line.id: line.quantity for line in order.lines}
    with uow.begin():
        orders.ship_units(
            order.id, location="wh-de", units=every, reference="P1", actor="t", uow=uow
        )
        orders.deliver_units(order.id, units=every, how="delivered", actor="carrier", uow=uow)
    tasks.relay(engine).drain()
    return order


def kinds_and_statuses(engine: Engine) -> list[tuple[str, str, str | None]]:
    return [(r.kind, r.status, r.skip_reason) for r in rows(engine)]


def test_an_event_delivered_twice_queues_its_mail_once(engine: Engine, shop: UnitOfWork) -> None:
    order = place(shop)
    event = orders.OrderConfirmed(aggregate_id=order.id, number=order.number)
    envelope = Envelope(event_id=uuid4(), position=1, occurred_at=shop.clock.now(), event=event)

    handle_mail_event(envelope, uow=shop)
    handle_mail_event(envelope, uow=shop)

    (row,) = rows(engine)
    assert (row.kind, row.status, row.event_id, row.order_id) == (
        "order_confirmation",
        "queued",
        envelope.event_id,
        order.id,
    )
    assert (row.recipient, row.locale, row.channel_code, row.customer_id) == ("", None, None, None)
    assert row.order_number == order.number  # the event names it
    assert row.message_id.endswith("@localhost>")


def test_a_mail_is_addressed_to_the_orders_buyer_when_first_tried(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    order = place(shop, locale="fr")

    send(engine, smtp_settings(mailbox.port))

    (row,) = rows(engine)
    assert (row.status, row.recipient, row.locale, row.channel_code) == ("sent", ADA, "fr", "web")
    assert (row.order_number, row.customer_id) == (order.number, order.buyer.customer_id)


def test_a_kind_the_channel_turned_off_is_recorded_as_skipped_on_the_timeline(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    turn_off(shop, K.ORDER_CONFIRMATION)
    order = place(shop)

    send(engine, smtp_settings(mailbox.port))

    assert mailbox.received == []
    (row,) = rows(engine)
    assert (row.status, row.skip_reason, row.next_attempt_at) == ("skipped", "kind_disabled", None)
    assert row.attempts == 0
    ((_, entry),) = notes(shop, order)
    assert entry.summary == "order_confirmation email skipped (en): kind disabled"
    assert entry.details["reason"] == "kind_disabled"


def test_a_review_request_needs_marketing_consent(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    delivered(engine, shop)

    send(engine, smtp_settings(mailbox.port), later=timedelta(days=3, minutes=1))

    assert kinds_and_statuses(engine) == [
        ("order_confirmation", "sent", None),
        ("review_request", "skipped", "no_marketing_consent"),
    ]
    assert [m["X-OMS-Notification"] for m in mailbox.received] == ["order_confirmation"]


def test_with_consent_a_review_is_asked_three_days_after_delivery(
    engine: Engine, shop: UnitOfWork
) -> None:
    place(shop)
    consent(shop, True)
    order = delivered(engine, shop)

    review = next(r for r in rows(engine) if r.kind == "review_request")
    assert (review.status, review.order_id) == ("queued", order.id)
    assert timedelta(days=3) - timedelta(seconds=5) < review.next_attempt_at - review.created_at
    assert review.next_attempt_at - review.created_at <= timedelta(days=3)


def test_consent_withdrawn_while_a_review_request_waits_skips_it_when_due(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    place(shop)
    consent(shop, True)
    order = delivered(engine, shop)
    consent(shop, False)

    send(engine, smtp_settings(mailbox.port), later=timedelta(days=3, minutes=1))

    review = next(r for r in rows(engine) if r.kind == "review_request")
    assert (review.status, review.skip_reason, review.attempts) == (
        "skipped",
        "no_marketing_consent",
        0,
    )
    assert [m["X-OMS-Notification"] for m in mailbox.received].count("review_request") == 0
    assert any(
        e.summary == "review_request email skipped (en): no marketing consent"
        for _, e in notes(shop, order)
    )


def test_a_channel_taking_payment_first_tells_the_order_waits_for_payment(
    engine: Engine, uow: UnitOfWork
) -> None:
    payments_money.open_shop(uow, payment_before_confirmation=True)
    payments_money.place(uow)

    tasks.relay(engine).drain()

    assert kinds_and_statuses(engine) == [("payment_pending", "queued", None)]


def test_backordered_units_tell_the_delay_with_the_units_waiting(
    engine: Engine, shop: UnitOfWork
) -> None:
    channels.update_channel(channels.UpdateChannel(code="web", allows_backorders=True), uow=shop)
    place(shop, quantity=53)

    tasks.relay(engine).drain()

    (delay,) = [r for r in rows(engine) if r.kind == "backorder_delayed"]
    assert delay.status == "queued"
    assert delay.data == {"lines": [{"sku": "TS-1", "quantity": 3}]}


def test_a_delivery_whose_shipping_was_never_mailed_is_not_mailed(
    engine: Engine, shop: UnitOfWork
) -> None:
    order = place(shop)
    event = fulfilment.ShipmentDelivered(
        aggregate_id=uuid4(),
        number="SO-10001-F1-1",
        order_id=order.id,
        fulfilment_order_id=uuid4(),
        delivered_at=shop.clock.now(),
        lines=(),
    )
    envelope = Envelope(event_id=uuid4(), position=1, occurred_at=shop.clock.now(), event=event)

    handle_mail_event(envelope, uow=shop)

    assert [r.kind for r in rows(engine)] == []


def test_store_credit_issued_without_an_order_goes_to_the_customer_in_their_locale(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    customer = customers.create_customer(
        customers.CreateCustomer(email="li.wei@example.com", name="李伟", locale="zh-CN"),
        uow=shop,
    )
    payments.adjust_store_credit(
        payments.AdjustStoreCredit(
            customer_id=customer.id,
            kind=payments.CreditEntryKind.ISSUE,
            amount=Money.of("15.00", "EUR"),
            reason="goodwill",
            actor="finance",
        ),
        uow=shop,
    )

    send(engine, smtp_settings(mailbox.port))

    (row,) = rows(engine)
    assert (row.kind, row.order_id, row.channel_code, row.customer_id) == (
        "store_credit_issued",
        None,
        None,
        customer.id,
    )
    assert (row.recipient, row.locale, row.status) == ("li.wei@example.com", "zh_Hans_CN", "sent")
    assert row.data == {"amount_minor": 1500, "balance_minor": 1500, "currency": "EUR"}
    (mail,) = mailbox.received
    assert mail["From"] == "Northwind <shop@northwind.example>"


def test_erasure_forgets_the_address_of_every_mail_and_skips_the_waiting_ones(
    engine: Engine, shop: UnitOfWork, client: TestClient, admin: dict[str, str], mailbox: Mailbox
) -> None:
    settings = smtp_settings(mailbox.port)
    first = place(shop)
    send(engine, settings)
    mailbox.refuse(ADA, "451 4.3.0 Try again later")
    second = place(shop)
    send(engine, settings)
    third = place(shop)
    tasks.relay(engine).drain()
    (customer,) = customers.list_customers(uow=shop, email=ADA)

    erased = client.post(f"/v1/customers/{customer.id}/erase", headers=admin)
    assert erased.status_code == 200, erased.text
    tasks.relay(engine).drain()
    send(engine, settings, later=timedelta(minutes=2))
    place(shop, email_address="someone.else@example.com")
    send(engine, settings, later=timedelta(minutes=2))

    sent, retrying, waiting, other = rows(engine)
    assert (sent.status, sent.recipient, sent.subject, sent.data) == ("sent", "", None, {})
    for mail in (retrying, waiting):
        assert (mail.status, mail.skip_reason, mail.recipient) == (
            "skipped",
            "customer_erased",
            "",
        )
    assert (retrying.attempts, waiting.attempts) == (1, 0)
    assert (other.status, other.recipient) == ("sent", "someone.else@example.com")
    assert all(ADA not in repr(tuple(row)) for row in rows(engine))
    assert [e.summary for _, e in notes(shop, first)] == ["order_confirmation email sent (en)"]
    for order in (second, third):
        assert [e.summary for _, e in notes(shop, order)] == [
            "order_confirmation email skipped (en): customer erased"
        ]
    assert [m["To"] for m in mailbox.received] == [ADA, "someone.else@example.com"]


def test_mail_for_an_erased_customers_order_names_nobody_when_first_tried(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    """An event of the order handled after the erasure (here: its confirmation, relayed late)
    names nobody: the profile says erased, whatever the order still says."""
    place(shop)
    (customer,) = customers.list_customers(uow=shop, email=ADA)
    customers.erase_customer(customers.EraseCustomer(customer_id=customer.id), uow=shop)

    send(engine, smtp_settings(mailbox.port))

    (row,) = rows(engine)
    assert (row.status, row.skip_reason, row.recipient) == ("skipped", "customer_erased", "")
    assert mailbox.received == []
