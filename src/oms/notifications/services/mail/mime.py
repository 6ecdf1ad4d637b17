"""A composed mail as an Internet message (RFC 5322, MIME): headers, text and HTML as
``multipart/alternative`` (a client shows the richest part it can), attachments beside them.

From is the channel's sender (name and address), else the deployment's ``OMS_MAIL_FROM``;
the Message-ID was made when the mail was queued, so a retry or a second send after a crash
carries the same one. ``Auto-Submitted: auto-generated`` (RFC 3834) keeps vacation responders
from answering; ``Content-Language`` is the customer's locale.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from oms.notifications.domain.mail import ComposedMail
from oms.notifications.domain.messages import Message
from oms.notifications.domain.settings import MailSettings

KIND_HEADER = "X-OMS-Notification"
"""Names the notification kind, for the merchant's mail logs and filters."""


def one_line(text: str) -> str:
    """A header value on one line (a template's subject may wrap)."""
    return " ".join(text.split())


def build_email(
    message: Message,
    composed: ComposedMail,
    settings: MailSettings,
    *,
    mail_from: str,
    at: datetime,
) -> EmailMessage:
    """The message to hand to a transport, dated ``at``."""
    name, address = settings.sender(mail_from)
    mail = EmailMessage()
    mail["From"] = Address(display_name=one_line(name), addr_spec=address)
    mail["To"] = message.recipient
    if settings.reply_to:
        mail["Reply-To"] = settings.reply_to
    mail["Subject"] = one_line(composed.subject)
    mail["Date"] = format_datetime(at)
    mail["Message-ID"] = message.message_id
    mail["Auto-Submitted"] = "auto-generated"
    mail[KIND_HEADER] = message.kind.value
    mail.set_content(composed.text)
    mail.add_alternative(composed.html, subtype="html")
    for attachment in composed.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mail.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    mail["Content-Language"] = message.language.replace("_", "-")  # set_content drops Content-*
    return mail
