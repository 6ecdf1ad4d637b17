"""Composing the mails that follow an order, on SQLite and PostgreSQL, from what the other
contexts really recorded: a parcel with its carrier and tracking, its delivery, a pickup code
at a store, an approved return with its label attached (not before the label exists), a refund
with its credit note attached (not before invoicing issued it, and without one once it is
clear none comes), store credit with the balance."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pypdf
import pytest
from sqlalchemy import Engine

from oms import fulfilment, inventory, invoicing, orders, payments
from oms.app import tasks
from oms.channels import LocationKind
from oms.fulfilment.domain.shipments import Package, TrackingStatus
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.services import pickup, shipping, tracking
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.mail import ComposedMail, MailRequest, NotReady
from oms.notifications.domain.settings import MailSettings
from oms.notifications.services.mail.composing import CREDIT_NOTE_PATIENCE, compose_mail
from oms.notifications.views import MailNotWritable, MailTemplates
from oms.orders.pricing import ShippingMethod
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.returns import ShippingPayer
from oms.returns.services import labels
from oms.shared.clock import FixedClock
from oms.shared.money import Money
from tests import builders
from tests import payments_money as shop
from tests.integration.test_returns_labels import approved_return, with_carrier

K = NotificationKind
TEMPLATES = MailTemplates.load(None)
SETTINGS = MailSettings(channel="web", sender_name="Northwind")


def request(
    kind: NotificationKind,
    order: orders.Order | None,
    reference: UUID | None,
    locale: str = "de",
    **data: object,
) -> MailRequest:
    return MailRequest(
        kind=kind,
        order_id=None if order is None else order.id,
        customer_id=None if order is None else order.buyer.customer_id,
        reference_id=reference,
        data=data,
        locale=locale,
        settings=SETTINGS,
    )


def compose(mail: MailRequest, uow: UnitOfWork) -> ComposedMail:
    return compose_mail(mail, uow=uow, templates=TEMPLATES)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def web(uow: UnitOfWork) -> UnitOfWork:
    shop.open_shop(uow)
    return uow


@pytest.fixture
def providers(uow: UnitOfWork) -> payments.Providers:
    return payments.build_providers(Settings(), uow)


def released(uow: UnitOfWork, engine: Engine, order: orders.Order) -> UUID:
    """The order's one fulfilment order, once the relay handed the order to fulfilment."""
    tasks.relay(engine).drain()
    with uow.read() as tx:
        (fo,) = tx.repo(FULFILMENT_ORDERS).for_order(order.id)
    return fo.id


def shipped(uow: UnitOfWork, fo_id: UUID, units: dict[UUID, int]) -> UUID:
    """One UPS parcel of ``units`` (order line -> units), its tracking number given."""
    done = shipping.ship_packages(
        shipping.ShipPackages(
            fulfilment_order_id=fo_id,
            packages=(Package(weight_grams=900, lines=units),),
            tracking_numbers=("1Z5R89390357567127",),
            carrier="ups",
            actor="wh",
        ),
        uow=uow,
        carriers=fulfilment.karrio_carriers,
    )
    return done.shipments[0].id


def test_a_shipped_parcel_names_its_carrier_tracking_and_contents_and_what_follows(
    web: UnitOfWork, engine: Engine
) -> None:
    order = shop.place(web, ("TS-1", 2), ("TS-2", 1))
    fo_id = released(web, engine, order)
    shirts = next(line for line in order.lines if line.sku == "TS-1")
    parcel = shipped(web, fo_id, {shirts.id: 2})

    mail = compose(request(K.ORDER_SHIPPED, order, parcel), web)

    assert mail.subject == f"Ihre Bestellung {order.number} ist unterwegs"
    assert "ist mit UPS auf dem Weg zu Ihnen" in mail.text
    assert "Sendungsnummer: 1Z5R89390357567127" in mail.text
    assert "  2 × T-shirt (TS-1)\n" in mail.text
    assert "TS-2" not in mail.text.split("Inhalt dieses Pakets")[1]
    assert "Der Rest Ihrer Bestellung folgt in einer separaten Sendung." in mail.text
    assert "Sendung verfolgen" in mail.html


def test_a_delivered_parcel_says_when(web: UnitOfWork, engine: Engine) -> None:
    order = shop.place(web, ("TS-1", 1))
    fo_id = released(web, engine, order)
    parcel = shipped(web, fo_id, {order.lines[0].id: 1})
    tracking.report_event(
        tracking.ReportEvent(
            shipment=parcel,
            status=TrackingStatus.DELIVERED,
            occurred_at=datetime(2026, 3, 14, 10, 0, tzinfo=UTC),
            actor="carrier",
        ),
        uow=web,
    )

    mail = compose(request(K.ORDER_DELIVERED, order, parcel, locale="fr"), web)

    assert mail.subject == f"Votre commande {order.number} a été livrée"
    assert "a été livré le 14 mars 2026." in mail.text
    assert "Der Rest" not in mail.text


def test_a_pickup_code_is_mailed_with_the_store_and_how_long_it_waits(
    uow: UnitOfWork, engine: Engine
) -> None:
    builders.location(
        uow, "store-fr", "FR", kind=LocationKind.STORE, offers_pickup=True, name="Northwind Paris"
    )
    builders.channel(uow, "web", locations=("store-fr",))
    builders.pricing(uow)
    builders.product(uow, "PU-1", prices={"web": "20.00"})
    inventory.receive_stock(
        inventory.ReceiveStock(sku="PU-1", location="store-fr", quantity=5, actor="t"), uow=uow
    )
    order = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["FR"],
            lines=(orders.NewLine(sku="PU-1", quantity=2),),
            shipping_method=ShippingMethod.PICKUP,
            pickup_location="store-fr",
            actor="test",
        ),
        uow=uow,
    ).order
    issued = pickup.mark_ready(released(uow, engine, order), actor="store", uow=uow)
    expires = issued.fulfilment_order.pickup_expires_on
    assert expires is not None
    data = {"pickup_code": issued.code, "expires_on": expires.isoformat(), "location": "store-fr"}

    mail = compose(
        request(K.READY_FOR_PICKUP, order, issued.fulfilment_order.id, "es", **data), uow
    )

    assert mail.subject == f"Tu pedido {order.number} está listo para recoger"
    assert f"Tu pedido {order.number} te espera en Northwind Paris." in mail.text
    assert f"Tu código de recogida: {issued.code}" in mail.text
    assert "12 Rue de Rivoli" in mail.text
    assert f">{issued.code}</span>" in mail.html
    confirmation = compose(request(K.ORDER_CONFIRMATION, order, None, "es"), uow)
    assert "Recogida en tienda:\n  Northwind Paris\n" in confirmation.text
    with pytest.raises(MailNotWritable, match="pickup code"):
        compose(request(K.READY_FOR_PICKUP, order, issued.fulfilment_order.id, "es"), uow)


def delivered_order(uow: UnitOfWork) -> orders.Order:
    order = shop.place(uow, ("TS-1", 2), ("TS-2", 1))
    units = {line.id: line.quantity for line in order.lines}
    with uow.begin():
        orders.ship_units(
            order.id, location="wh-de", units=units, reference="P", actor="wh", uow=uow
        )
        orders.deliver_units(order.id, units=units, how="delivered", actor="carrier", uow=uow)
    return orders.get_order(order.id, uow=uow)


def test_an_approved_return_waits_for_its_label_then_carries_the_slip(web: UnitOfWork) -> None:
    order = delivered_order(web)
    shirts = order.lines[0]
    approved = approved_return(web, order, {shirts.id: 1})
    mail_request = request(K.RETURN_APPROVED, order, approved.id, "zh")

    with pytest.raises(NotReady, match="has no label yet"):
        compose(mail_request, web)
    made = labels.make_return_label(approved.id, uow=web, carriers=fulfilment.karrio_carriers)
    mail = compose(mail_request, web)

    assert mail.subject == "您的退货申请 RMA-000001 已获批准"
    assert f"我们已批准您订单 {order.number} 的退货申请 RMA-000001。" in mail.text
    assert "  1 × T-shirt (TS-1)\n" in mail.text
    assert "退货单已作为 PDF 附在此邮件中" in mail.text
    assert "Location wh-de" in mail.text  # where the customer sends it
    [slip] = mail.attachments
    assert slip.filename == "RMA-000001.pdf"
    assert slip.content_type == "application/pdf"
    assert slip.data == made.pdf


def test_a_return_with_a_carriers_label_gives_its_tracking_number(web: UnitOfWork) -> None:
    with_carrier(web, "wh-de", "generic")
    order = delivered_order(web)
    approved = approved_return(web, order, {order.lines[0].id: 1}, paid_by=ShippingPayer.MERCHANT)
    made = labels.make_return_label(approved.id, uow=web, carriers=fulfilment.karrio_carriers)

    mail = compose(request(K.RETURN_APPROVED, order, approved.id, "en"), web)

    assert "Your prepaid return label is attached" in mail.text
    assert f"Tracking number: {made.tracking_number}" in mail.text
    assert "send the parcel to" not in mail.text
    assert pdf_text(mail.attachments[0].data)


def till_sale(uow: UnitOfWork, order: orders.Order, providers: payments.Providers) -> UUID:
    payment = payments.add_tender(
        payments.AddTender(
            order_id=order.id, provider=payments.ProviderName.POS, actor="till", capture=True
        ),
        uow=uow,
        providers=providers,
    )
    return payment.id


def refund(uow: UnitOfWork, payment_id: UUID, amount: str, providers: payments.Providers) -> UUID:
    payments.refund_payment(
        payment_id,
        Money(Decimal(amount), "EUR"),
        reason="damaged",
        actor="csr",
        uow=uow,
        providers=providers,
    )
    moved = payments.get_payment(payment_id, uow=uow).transactions
    return next(t.id for t in reversed(moved) if t.kind is payments.TransactionKind.REFUND)


def test_a_refund_waits_for_its_credit_note_then_carries_it(
    web: UnitOfWork, engine: Engine, providers: payments.Providers
) -> None:
    order = shop.place(web, ("TS-1", 3))
    payment_id = till_sale(web, order, providers)
    tasks.relay(engine).drain()  # the capture's invoice
    transaction_id = refund(web, payment_id, "20.00", providers)
    mail_request = request(K.REFUND_ISSUED, order, transaction_id)

    with pytest.raises(NotReady, match="credit note"):
        compose(mail_request, web)
    tasks.relay(engine).drain()  # invoicing hears of the refund
    mail = compose(mail_request, web)

    [note] = [d for d in invoicing.order_documents(order.id, uow=web) if not d.is_invoice]
    assert mail.subject == f"Erstattung von 20,00\xa0€ für Ihre Bestellung {order.number}"
    assert "über Ihre ursprüngliche Zahlungsart erstattet" in mail.text
    assert f"Ihre Rechnungskorrektur {note.number} finden Sie als PDF im Anhang." in mail.text
    [attached] = mail.attachments
    assert attached.filename == f"{note.number}.pdf"
    assert note.number in pdf_text(attached.data)


def test_a_refund_nobody_invoiced_goes_without_a_credit_note_once_it_is_clear_none_comes(
    web: UnitOfWork, engine: Engine, providers: payments.Providers
) -> None:
    order = shop.place(web, ("TS-1", 3))
    payment_id = till_sale(web, order, providers)  # the relay never runs: no invoice
    transaction_id = refund(web, payment_id, "5.00", providers)
    mail_request = request(K.REFUND_ISSUED, order, transaction_id, "fr")
    with pytest.raises(NotReady):
        compose(mail_request, web)
    later = UnitOfWork(engine, FixedClock(datetime.now(UTC) + CREDIT_NOTE_PATIENCE + timedelta(1)))

    mail = compose(mail_request, later)

    assert mail.attachments == ()
    assert "Nous vous avons remboursé 5,00\xa0€" in mail.text
    assert "avoir" not in mail.text


def test_store_credit_is_mailed_with_the_balance_even_without_an_order(web: UnitOfWork) -> None:
    order = shop.place(web, ("TS-1", 1))
    customer_id = order.buyer.customer_id
    for amount in ("10.00", "15.00"):
        entry = payments.adjust_store_credit(
            payments.AdjustStoreCredit(
                customer_id=customer_id,
                kind=payments.CreditEntryKind.ISSUE,
                amount=Money(Decimal(amount), "EUR"),
                reason="goodwill",
                actor="csr",
            ),
            uow=web,
        )
    mail_request = MailRequest(
        kind=K.STORE_CREDIT_ISSUED,
        order_id=None,
        customer_id=customer_id,
        reference_id=entry.id,
        locale="de",
        settings=MailSettings(channel="", sender_name="Northwind"),
    )

    mail = compose(mail_request, web)

    assert mail.subject == "Sie haben 15,00\xa0€ Guthaben erhalten"
    assert "Ihr Guthaben: 25,00\xa0€" in mail.text
    assert "Guten Tag Ada Lovelace," in mail.text
    assert "Bestellung" not in mail.text.split("-- ")[1]
