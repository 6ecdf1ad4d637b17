"""Where mail goes: the SMTP server when ``OMS_SMTP_HOST`` is set, else ``.eml`` files in
``OMS_MAIL_DIRECTORY`` (the demo's default, and nothing lost when no server is configured)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

from oms.notifications.providers.mail_folder import MailFolder
from oms.notifications.providers.smtp import SmtpTransport
from oms.platform.settings import Settings


class MailTransport(Protocol):
    """Hands one mail over, or raises ``DeliveryRefused`` (for good) or ``DeliveryDeferred``
    (try later). ``close`` ends whatever it kept open between mails (an SMTP session)."""

    def send(self, mail: EmailMessage) -> None: ...

    def close(self) -> None: ...


def build_transport(settings: Settings) -> MailTransport:
    """The deployment's transport."""
    if not settings.smtp_host:
        return MailFolder(settings.mail_directory)
    password = settings.smtp_password
    return SmtpTransport(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        user=settings.smtp_user,
        password=password.get_secret_value() if password is not None else None,
        timeout=settings.smtp_timeout_seconds,
    )
