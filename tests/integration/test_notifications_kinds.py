"""Every kind of customer mail, each from the real flow that calls for it, sent over real SMTP
and read back, on SQLite and PostgreSQL.

Ada (German, who consented to marketing) buys on the web shop: her order is confirmed, paid at
the till, shipped with a tracking number, delivered (and three days later asked for a review),
a unit comes back under an approved return (its slip attached), part of her money is refunded
(the credit note attached) and she is given store credit. A second order waits for stock
(backordered), a third waits in a Paris store for pickup (its code in the mail, not kept once
mailed), and an order on the app, which takes payment first, waits for payment.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import customers, inventory, orders, payments
from oms.app import tasks
from oms.channels import LocationKind
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.notifications.domain.kinds import NotificationKind
from oms.orders.pricing import ShippingMethod
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests import builders
from tests.conftest import KeyMaker
from tests.integration.test_fulfilment_shipping import line_of, package, ship
from tests.integration.test_notifications_smtp import (
    ADA,
    Mailbox,
    mailbox,
    rows,
    send,
    smtp_settings,
)

__all__ = ["mailbox"]


@pytest.fixture
def world(uow: UnitOfWork) -> UnitOfWork:
    """wh-de ships for ``web`` (backorders allowed) and ``app`` (payment first); store-fr
    offers pickup for ``web``. TS-1 in stock at both, HD-1 one unit at wh-de."""
    builders.location(uow, "wh-de", "DE")
    builders.location(
        uow, "store-fr", "FR", kind=LocationKind.STORE, offers_pickup=True, ships=False
    )
    builders.channel(uow, "web", locations=("wh-de", "store-fr"), allows_backorders=True)
    builders.channel(uow, "app", locations=("wh-de",), payment_before_confirmation=True)
    builders.pricing(uow)
    builders.product(uow, "TS-1", prices={"web": "20.00", "app": "20.00"}, name="T-shirt")
    builders.product(uow, "HD-1", prices={"web": "45.00"}, name="Hoodie")
    for sku, location, units in (
        ("TS-1", "wh-de", 10),
        ("TS-1", "store-fr", 5),
        ("HD-1", "wh-de", 1),
    ):
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location=location, quantity=units, actor="setup"),
            uow=uow,
        )
    return uow


def buy(
    uow: UnitOfWork,
    *lines: tuple[str, int],
    channel: str = "web",
    pickup: str | None = None,
) -> orders.Order:
    return orders.place_order(
        orders.PlaceOrder(
            channel=channel,
            customer=orders.CustomerDetails(email=ADA, name="Ada Lovelace", locale="de"),
            shipping_address=builders.ADDRESSES["FR" if pickup else "DE"],
            lines=tuple(orders.NewLine(sku=sku, quantity=q) for sku, q in lines),
            shipping_method=ShippingMethod.PICKUP if pickup else ShippingMethod.STANDARD,
            pickup_location=pickup,
            actor="test",
        ),
        uow=uow,
    ).order


def fulfilment_order(engine: Engine, uow: UnitOfWork, order: orders.Order) -> UUID:
    tasks.relay(engine).drain()
    with uow.read() as tx:
        (fo,) = tx.repo(FULFILMENT_ORDERS).for_order(order.id)
    return fo.id


def paid_at_the_till(uow: UnitOfWork, order: orders.Order) -> payments.Payment:
    return payments.add_tender(
        payments.AddTender(
            order_id=order.id, provider=payments.ProviderName.POS, actor="till", capture=True
        ),
        uow=uow,
        providers=payments.build_providers(Settings(), uow),
    )


def shipped_and_delivered(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], order: orders.Order
) -> None:
    fo = fulfilment_order(engine, uow, order)
    shipped = ship(
        client, admin, fo, "ship-a", packages=[package(400, (line_of(order, "TS-1"), 2))]
    )
    assert shipped.status_code == 201, shipped.text
    (shipment,) = shipped.json()["shipments"]
    delivered = client.post(
        f"/v1/shipments/{shipment['id']}/events",
        json={
            "status": "delivered",
            "occurred_at": uow.clock.now().isoformat(),
            "location": "Hamburg",
        },
        headers=admin,
    )
    assert delivered.status_code in (200, 201), delivered.text


def returned(
    client: TestClient, key_for: object, admin: dict[str, str], order: orders.Order
) -> None:
    assert callable(key_for)
    asked = client.post(
        f"/v1/orders/{order.id}/returns",
        json={
            "lines": [{"line_id": str(order.lines[0].id), "quantity": 1, "reason": "wrong_size"}]
        },
        headers=key_for("csr"),
    )
    assert asked.status_code == 201, asked.text
    approved = client.post(f"/v1/returns/{asked.json()['id']}/approve", headers=admin)
    assert approved.status_code == 200, approved.text


def test_every_kind_of_mail_is_sent_from_its_flow_in_the_customers_language(
    engine: Engine,
    world: UnitOfWork,
    client: TestClient,
    admin: dict[str, str],
    key_for: KeyMaker,
    mailbox: Mailbox,
) -> None:
    uow = world
    first = buy(uow, ("TS-1", 2))
    (ada,) = customers.list_customers(uow=uow, email=ADA)
    customers.update_customer(
        customers.UpdateCustomer(customer_id=ada.id, marketing_consent=True), uow=uow
    )
    payment = paid_at_the_till(uow, first)
    shipped_and_delivered(engine, uow, client, admin, first)
    returned(client, key_for, admin, orders.get_order(first.id, uow=uow))
    payments.refund_payment(
        payment.id,
        Money.of("5.00", "EUR"),
        reason="late delivery",
        actor="csr",
        uow=uow,
        providers=payments.build_providers(Settings(), uow),
    )
    payments.adjust_store_credit(
        payments.AdjustStoreCredit(
            customer_id=ada.id,
            kind=payments.CreditEntryKind.ISSUE,
            amount=Money.of("10.00", "EUR"),
            reason="sorry for the wait",
            actor="finance",
        ),
        uow=uow,
    )
    buy(uow, ("HD-1", 3))
    pickup = buy(uow, ("TS-1", 1), pickup="store-fr")
    ready = client.post(
        f"/v1/fulfilment/orders/{fulfilment_order(engine, uow, pickup)}/ready", headers=admin
    )
    assert ready.status_code == 200, ready.text
    code = ready.json()["pickup_code"]
    buy(uow, ("TS-1", 1), channel="app")

    send(engine, smtp_settings(mailbox.port), later=timedelta(days=3, minutes=1))

    by_kind = {m["X-OMS-Notification"]: m for m in mailbox.received}
    assert sorted(by_kind) == sorted(kind.value for kind in NotificationKind)
    sent = Counter(m["X-OMS-Notification"] for m in mailbox.received)
    assert sent["order_confirmation"] == 3  # the app's order waits for payment
    assert set(sent.values()) == {1, 3}
    assert {m["To"] for m in mailbox.received} == {ADA}
    assert {m["Content-Language"] for m in mailbox.received} == {"de"}
    statuses = {(r.kind, r.status) for r in rows(engine)}
    assert {status for _, status in statuses} == {"sent"}
    return_mail = by_kind["return_approved"]
    (slip,) = return_mail.iter_attachments()
    assert slip.get_content_type() == "application/pdf"
    (credit_note,) = by_kind["refund_issued"].iter_attachments()
    assert credit_note.get_content_type() == "application/pdf"
    pickup_text = by_kind["ready_for_pickup"].get_body(("plain",))
    assert pickup_text is not None
    assert code in pickup_text.get_content()
    (pickup_row,) = [r for r in rows(engine) if r.kind == "ready_for_pickup"]
    assert "pickup_code" not in pickup_row.data
    shipped_text = by_kind["order_shipped"].get_body(("plain",))
    assert shipped_text is not None
    (shipped_row,) = [r for r in rows(engine) if r.kind == "order_shipped"]
    assert shipped_row.data["tracking_number"] in shipped_text.get_content()
