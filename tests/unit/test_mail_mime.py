"""A composed mail as an Internet message, read back with the standard library's ``email``
package: headers (non-ASCII names and subjects encoded), text and HTML as alternatives,
attachments beside them; and the ``.eml`` folder that writes it whole or not at all."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from uuid import uuid4

import pytest

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.mail import Attachment, ComposedMail
from oms.notifications.domain.messages import DeliveryDeferred, Message, message_id_for
from oms.notifications.domain.settings import MailSettings
from oms.notifications.providers.mail_folder import MailFolder, file_name
from oms.notifications.services.mail.mime import build_email

AT = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
PDF = b"%PDF-1.7\n% a label\n"


def message(locale: str = "zh_Hans_CN") -> Message:
    id_ = uuid4()
    return Message(
        id=id_,
        kind=NotificationKind.RETURN_APPROVED,
        channel="web",
        order_id=uuid4(),
        order_number="SO-10001",
        customer_id=uuid4(),
        reference_id=uuid4(),
        event_id=uuid4(),
        recipient="li.wei@example.com",
        locale=locale,
        message_id=message_id_for(id_, "shop@northwind.example"),
        next_attempt_at=AT,
        created_at=AT,
    )


COMPOSED = ComposedMail(
    subject="您的退货 RMA-000001 已获批准\n",
    html="<html><body><p style='color:#0b6e4f'>您好，李伟</p></body></html>",
    text="您好，李伟\n\n请将包裹寄回。\n",
    attachments=(Attachment(filename="RMA-000001.pdf", content_type="application/pdf", data=PDF),),
)
SETTINGS = MailSettings(
    channel="web",
    sender_name="Northwind Outfitters 北风",
    sender_address="shop@northwind.example",
    reply_to="service@northwind.example",
)


def parsed(mail: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(mail.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_the_headers_name_the_sender_the_customer_and_the_mail() -> None:
    queued = message()
    mail = parsed(build_email(queued, COMPOSED, SETTINGS, mail_from="oms <o@localhost>", at=AT))

    assert mail["From"].addresses[0].display_name == "Northwind Outfitters 北风"
    assert mail["From"].addresses[0].addr_spec == "shop@northwind.example"
    assert mail["To"] == "li.wei@example.com"
    assert mail["Reply-To"] == "service@northwind.example"
    assert mail["Subject"] == "您的退货 RMA-000001 已获批准"
    assert mail["Message-ID"] == queued.message_id
    assert parsedate_to_datetime(mail["Date"]) == AT
    assert mail["Content-Language"] == "zh-Hans-CN"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["X-OMS-Notification"] == "return_approved"


def test_text_and_html_are_alternatives_and_the_label_is_attached() -> None:
    mail = parsed(build_email(message(), COMPOSED, SETTINGS, mail_from="oms <o@localhost>", at=AT))

    assert mail.get_content_type() == "multipart/mixed"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None
    assert html is not None
    assert text.get_content() == "您好，李伟\n\n请将包裹寄回。\n"
    assert "您好，李伟" in html.get_content()
    (label,) = mail.iter_attachments()
    assert isinstance(label, EmailMessage)
    assert (label.get_filename(), label.get_content_type()) == ("RMA-000001.pdf", "application/pdf")
    assert label.get_content() == PDF


def test_without_a_sender_of_its_own_the_mail_comes_from_the_deployment() -> None:
    plain = ComposedMail(subject="Order confirmed", html="<p>Hi</p>", text="Hi\n")
    mail = parsed(
        build_email(
            message("en"),
            plain,
            MailSettings.default("web"),
            mail_from="Northwind <orders@northwind.example>",
            at=AT,
        )
    )
    assert mail["From"] == "Northwind <orders@northwind.example>"
    assert mail["Reply-To"] is None
    assert mail.get_content_type() == "multipart/alternative"


def test_a_mail_is_written_whole_under_its_message_id(tmp_path: Path) -> None:
    queued = message()
    folder = MailFolder(tmp_path / "mail")
    mail = build_email(queued, COMPOSED, SETTINGS, mail_from="oms <o@localhost>", at=AT)

    folder.send(mail)
    folder.send(mail)

    (written,) = (tmp_path / "mail").iterdir()
    assert written.name == f"{queued.id.hex}@northwind.example.eml"
    again = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert again["Subject"] == "您的退货 RMA-000001 已获批准"


def test_a_folder_that_cannot_be_written_defers_the_mail(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    mail = build_email(message(), COMPOSED, SETTINGS, mail_from="oms <o@localhost>", at=AT)

    with pytest.raises(DeliveryDeferred, match="cannot write"):
        MailFolder(blocked).send(mail)


def test_a_file_name_keeps_only_safe_characters() -> None:
    assert file_name("<../../etc/passwd@x>") == ".._.._etc_passwd@x.eml"
