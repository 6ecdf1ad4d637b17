"""The demo's mail, on SQLite and PostgreSQL: what ``make demo`` loads, handed to the consumers
by a relay and sent by the mail loop with no SMTP server, lands as ``.eml`` files, each in its
customer's language: the German walk customer's confirmation, shipping and delivery in German,
Li Wei's in Chinese, the others' in French, Spanish or English; the marketplace's buyers get
none (Amazon writes to them), and every mail is on its order's timeline.

One load per database (about 6 s): the demo's mail is what is tested, so it is loaded whole.
"""

from __future__ import annotations

import email
import email.policy
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import Engine, select

from oms.app import demo, tasks
from oms.app.demo import notifications as demo_notifications
from oms.notifications.services.mail.sending import send_all_due
from oms.notifications.tables.mail import notification_messages
from oms.orders.tables import order_timeline
from oms.platform.unit_of_work import UnitOfWork
from tests.integration.test_notifications_sending import folder_sender


def read(folder: Path) -> list[EmailMessage]:
    found = []
    for path in sorted(folder.glob("*.eml")):
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        found.append(parsed)
    return found


def text_of(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_the_demos_mail_lands_as_eml_files_in_each_customers_language(
    engine: Engine, uow: UnitOfWork, tmp_path: Path
) -> None:
    summary = demo.load(uow, settlement_dir=tmp_path)
    tasks.relay(engine).drain()
    folder = tmp_path / "mail"

    tried = send_all_due(folder_sender(engine, folder))

    mails = read(folder)
    with engine.connect() as c:
        messages = list(c.execute(select(notification_messages)))
        noted = c.execute(
            select(order_timeline.c.details).where(order_timeline.c.kind == "notification")
        ).all()
    sent = [m for m in messages if m.status == "sent"]
    assert len(mails) == len(sent) > 60
    assert {m["Message-ID"] for m in mails} == {m.message_id for m in sent}
    assert {m["Content-Language"].split("-")[0] for m in mails} >= {"de", "fr", "es", "en", "zh"}
    assert {m["From"] for m in mails} >= {
        "Northwind Outfitters <shop@northwind-outfitters.example>",
    }
    assert {m.kind for m in sent} >= {
        "order_confirmation",
        "order_shipped",
        "order_delivered",
        "backorder_delayed",
    }
    assert Counter(m.status for m in messages)["queued"] == 0
    assert {d.details["message"] for d in noted} >= {
        str(m.id) for m in messages if m.status != "queued"
    }
    assert {m.id for m in tried} == {m.id for m in messages}

    walk = summary.delivered[0]
    german = [m for m in mails if m["To"] == walk.email]
    assert {m["X-OMS-Notification"] for m in german} >= {
        "order_confirmation",
        "order_shipped",
        "order_delivered",
    }
    shipped = next(m for m in german if m["X-OMS-Notification"] == "order_shipped")
    assert "Bestellung" in shipped["Subject"] or "unterwegs" in shipped["Subject"]
    assert walk.number in text_of(shipped) or walk.number in shipped["Subject"]

    (chinese,) = [
        m
        for m in mails
        if m["To"] == demo_notifications.CHINESE_BUYER.email
        and m["X-OMS-Notification"] == "order_confirmation"
    ]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese["Subject"])
    assert "有机棉T恤" in text_of(chinese)

    marketplace = [m for m in messages if m.channel_code == "marketplace"]
    assert marketplace
    assert {(m.status, m.skip_reason) for m in marketplace} == {("skipped", "kind_disabled")}
