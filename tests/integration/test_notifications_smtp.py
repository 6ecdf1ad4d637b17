"""Customer mail over real SMTP on SQLite and PostgreSQL: an ``aiosmtpd`` server in this process
takes what the mail loop sends, and the standard library's ``email`` package reads it back.

A confirmation in German and one in Chinese (subject and body), the order's timeline naming
each mail and never the address; a 550 for the address fails the mail, remembers the address
(as a key) and skips the next mail to it; a 451 is tried again after a minute and then
delivered; a server that does not answer, or offers no STARTTLS, delays mail without losing
it, and a day of failures fails it.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import Engine, select

from oms import customers, inventory, orders
from oms.app import tasks
from oms.notifications.domain.messages import address_key
from oms.notifications.services.mail.attempts import Sender
from oms.notifications.services.mail.sending import send_all_due
from oms.notifications.services.mail.transports import build_transport
from oms.notifications.tables.mail import mail_suppressions, notification_messages
from oms.notifications.views import MailTemplates
from oms.orders.services.queries import order_timeline
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from tests import builders

ADA = "ada@example.com"
MAIL_FROM = "Northwind <shop@northwind.example>"


class Mailbox:
    """What an SMTP server accepted, parsed; ``answers`` refuse an address (in turn)."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.answers: dict[str, list[str]] = {}
        self.port = 0

    def refuse(self, address: str, *answers: str) -> None:
        self.answers[address] = list(answers)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        waiting = self.answers.get(address)
        if waiting:
            return waiting.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.received if m["To"] == address]


class BoundController(Controller):
    """aiosmtpd on a port the kernel chose (bound before the server starts: no race);
    ``smtp`` are aiosmtpd's server options (TLS, authentication)."""

    def __init__(self, handler: Mailbox, **smtp: Any) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        handler.port = self._socket.getsockname()[1]
        super().__init__(handler, hostname="127.0.0.1", port=handler.port, **smtp)

    def _create_server(self) -> Any:
        assert isinstance(self.loop, asyncio.AbstractEventLoop)
        return self.loop.create_server(
            self._factory_invoker, sock=self._socket, ssl=self.ssl_context
        )


@contextmanager
def smtp_server(**smtp: Any) -> Iterator[Mailbox]:
    """An SMTP server in this process, for as long as the block runs."""
    box = Mailbox()
    server = BoundController(box, **smtp)
    server.start()
    try:
        yield box
    finally:
        server.stop()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A plain SMTP server in this process for the test."""
    with smtp_server() as box:
        yield box


def smtp_settings(port: int, **more: Any) -> Settings:
    fields: dict[str, Any] = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "smtp_timeout_seconds": 5,
        "mail_from": MAIL_FROM,
    }
    return Settings(**(fields | more))


def sender_for(engine: Engine, settings: Settings, *, at: datetime | None = None) -> Sender:
    """What the worker's mail loop sends with, its clock at ``at`` (now when None)."""
    clock = FixedClock(at) if at is not None else None
    return Sender(
        uow=UnitOfWork(engine, clock),
        transport=build_transport(settings),
        templates=MailTemplates.load(None),
        mail_from=settings.mail_from,
    )


def send(engine: Engine, settings: Settings, *, later: timedelta = timedelta(0)) -> list[Any]:
    """Relay what happened (the consumer queues mail), then send what is due ``later``."""
    tasks.relay(engine).drain()
    now = UnitOfWork(engine).clock.now()
    return send_all_due(sender_for(engine, settings, at=now + later))


@pytest.fixture
def shop(uow: UnitOfWork) -> UnitOfWork:
    """wh-de serves the web shop (English by default); a T-shirt in stock."""
    builders.location(uow, "wh-de", "DE")
    builders.channel(uow, "web", locations=("wh-de",))
    builders.pricing(uow)
    builders.product(uow, "TS-1", prices={"web": "20.00"}, name="T-shirt")
    inventory.receive_stock(
        inventory.ReceiveStock(sku="TS-1", location="wh-de", quantity=50, actor="setup"), uow=uow
    )
    return uow


def place(
    uow: UnitOfWork,
    *,
    email_address: str = ADA,
    name: str = "Ada Lovelace",
    locale: str | None = None,
    address: str = "DE",
    quantity: int = 1,
) -> orders.Order:
    return orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email=email_address, name=name, locale=locale),
            shipping_address=builders.ADDRESSES[address],
            lines=(orders.NewLine(sku="TS-1", quantity=quantity),),
            actor="test",
        ),
        uow=uow,
    ).order


def rows(engine: Engine) -> list[Any]:
    t = notification_messages
    with engine.connect() as c:
        return list(c.execute(select(t).order_by(t.c.created_at, t.c.id)))


def notes(uow: UnitOfWork, order: orders.Order) -> list[Any]:
    return [
        e
        for e in order_timeline(order.id, uow=uow, after=None, limit=500)
        if e[1].kind == "notification"
    ]


def test_a_german_confirmation_arrives_with_text_and_html_and_is_on_the_timeline(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    order = place(shop, locale="de-DE")

    send(engine, smtp_settings(mailbox.port))

    (mail,) = mailbox.received
    (row,) = rows(engine)
    assert (row.kind, row.status, row.locale, row.attempts) == (
        "order_confirmation",
        "sent",
        "de_DE",
        1,
    )
    assert mail["Message-ID"] == row.message_id
    assert mail["To"] == ADA
    assert mail["From"] == MAIL_FROM
    assert mail["Subject"] == row.subject
    assert order.number in mail["Subject"]
    assert "Bestellung" in mail["Subject"]
    assert mail.get_content_type() == "multipart/alternative"
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "Ada Lovelace" in text.get_content()
    assert "Bestellung" in text.get_content()
    assert 'style="' in html.get_content()
    ((_, entry),) = notes(shop, order)
    assert entry.summary == "order_confirmation email sent (de_DE)"
    assert entry.actor == "system:notifications"
    assert entry.details["message_id"] == row.message_id
    assert ADA not in repr(entry)


def test_a_chinese_buyer_reads_the_subject_and_the_body_in_chinese(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    place(shop, email_address="li.wei@example.com", name="李伟", locale="zh")

    send(engine, smtp_settings(mailbox.port))

    (mail,) = mailbox.to("li.wei@example.com")
    text = mail.get_body(("plain",))
    assert text is not None
    assert _has_chinese(mail["Subject"])
    assert "李伟" in text.get_content()
    assert _has_chinese(text.get_content().replace("李伟", ""))


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)


def test_a_550_for_the_address_fails_the_mail_remembers_it_and_skips_the_next_one(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    settings = smtp_settings(mailbox.port)
    mailbox.refuse(ADA, f"550 5.1.1 <{ADA}>: Recipient address rejected: User unknown")
    first = place(shop)

    send(engine, settings)
    second = place(shop)
    send(engine, settings)

    assert mailbox.received == []
    failed, skipped = rows(engine)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error.startswith("550 5.1.1 <<recipient>>")
    assert (skipped.status, skipped.skip_reason, skipped.attempts) == (
        "skipped",
        "address_suppressed",
        0,
    )
    with engine.connect() as c:
        (suppression,) = c.execute(select(mail_suppressions)).all()
    assert suppression.address_key == address_key(ADA)
    assert ADA not in repr(tuple(suppression))
    ((_, failure),) = notes(shop, first)
    ((_, skip),) = notes(shop, second)
    assert failure.summary.startswith("order_confirmation email failed (en): 550 5.1.1")
    assert skip.summary == "order_confirmation email skipped (en): address suppressed"


def test_a_451_is_tried_again_a_minute_later_and_then_delivered(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    settings = smtp_settings(mailbox.port)
    mailbox.refuse(ADA, "451 4.3.0 Try again later")
    place(shop)

    send(engine, settings)
    (waiting,) = rows(engine)
    too_early = send(engine, settings, later=timedelta(seconds=30))
    send(engine, settings, later=timedelta(minutes=1, seconds=1))

    assert (waiting.status, waiting.attempts, waiting.last_error) == (
        "queued",
        1,
        "451 4.3.0 Try again later",
    )
    assert waiting.next_attempt_at - waiting.first_attempt_at == timedelta(minutes=1)
    assert too_early == []
    (mail,) = mailbox.received
    (sent,) = rows(engine)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, None)
    assert mail["Message-ID"] == sent.message_id


def test_no_server_delays_the_mail_and_a_day_of_failures_fails_it(
    engine: Engine, shop: UnitOfWork
) -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    settings = smtp_settings(port)
    order = place(shop)

    tries = [send(engine, settings)]
    (waiting,) = rows(engine)
    while rows(engine)[0].status == "queued":
        due = rows(engine)[0].next_attempt_at - UnitOfWork(engine).clock.now()
        tries.append(send(engine, settings, later=due + timedelta(seconds=1)))

    assert waiting.status == "queued"
    assert "cannot reach 127.0.0.1" in waiting.last_error
    (failed,) = rows(engine)
    assert (failed.status, failed.attempts) == ("failed", 12)
    assert len(tries) == 12
    ((_, entry),) = notes(shop, order)
    assert entry.summary.startswith("order_confirmation email failed (en): cannot reach")


def test_starttls_the_server_does_not_offer_delays_the_mail_instead_of_sending_it_plain(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    place(shop)

    send(engine, smtp_settings(mailbox.port, smtp_security="starttls"))

    assert mailbox.received == []
    (waiting,) = rows(engine)
    assert waiting.status == "queued"
    assert "STARTTLS" in waiting.last_error


def test_the_customers_own_locale_is_not_what_decides_the_order_does(
    engine: Engine, shop: UnitOfWork, mailbox: Mailbox
) -> None:
    """The order keeps the locale its buyer gave at placement, else the channel's."""
    place(shop)
    (customer,) = customers.list_customers(uow=shop, email=ADA)

    send(engine, smtp_settings(mailbox.port))

    (row,) = rows(engine)
    assert (customer.locale, row.locale) == (None, "en")
