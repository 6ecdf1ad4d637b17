"""A mail transport over SMTP (``smtplib``): plain, STARTTLS or implicit TLS, with login.

What a server answers decides what happens to the mail (``oms.notifications.domain.messages``):

- a 5xx for the recipient (``RCPT TO``) is ``DeliveryRefused(recipient=True)``: the address is
  remembered as refused and not written to again;
- any other 5xx (the sender or the content refused) is ``DeliveryRefused(recipient=False)``;
- a 4xx, a dropped or refused connection, a timeout, TLS the server does not offer or a login
  it refuses is ``DeliveryDeferred``: tried again later. A wrong password or TLS setting is the
  deployment's to fix, not the customer's fault, so those mails wait rather than fail.

One connection serves a batch of mails and is closed with ``close``; a connection the server
dropped while idle is opened again once before a mail counts as deferred.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Literal

from oms.notifications.domain.messages import DeliveryDeferred, DeliveryRefused

Security = Literal["none", "starttls", "tls"]

CLOSING = 421
"""The server is closing the connection: a temporary answer, the session is over."""
ADDRESS_STATUSES = ("5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10", "5.2.1")
"""Enhanced status codes (RFC 3463) that blame the recipient's address, even when a server
gives them after the message instead of at ``RCPT TO``."""


def _text(error: bytes | str) -> str:
    return error.decode("utf-8", "replace") if isinstance(error, bytes) else error


def _answer(code: int, error: bytes | str) -> str:
    return f"{code} {_text(error)}".strip()


class SmtpTransport:
    """``MailTransport`` to one SMTP server."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        security: Security,
        user: str | None,
        password: str | None,
        timeout: float,
    ) -> None:
        self.host = host
        self.port = port
        self.security = security
        self.user = user
        self.password = password
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def send(self, mail: EmailMessage) -> None:
        """Hand ``mail`` to the server, or raise what its answer means (module docstring)."""
        reused = self._smtp is not None
        try:
            self._send(mail)
        except smtplib.SMTPServerDisconnected as error:
            self.close()
            if not reused:
                raise DeliveryDeferred(f"the server closed the connection: {error}") from None
            self._reconnected(mail)

    def close(self) -> None:
        """End the session (QUIT), quietly if the server is gone already."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _reconnected(self, mail: EmailMessage) -> None:
        try:
            self._send(mail)
        except smtplib.SMTPServerDisconnected as error:
            self.close()
            raise DeliveryDeferred(f"the server closed the connection: {error}") from None

    def _send(self, mail: EmailMessage) -> None:
        try:
            self._session().send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            code, answer = next(iter(error.recipients.values()))
            _raise(code, answer, recipient=True)
        except (smtplib.SMTPConnectError, smtplib.SMTPHeloError) as error:
            self.close()
            raise DeliveryDeferred(
                f"the server did not greet: {_answer(error.smtp_code, error.smtp_error)}"
            ) from None
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise DeliveryDeferred(
                f"the server refused the login: {_answer(error.smtp_code, error.smtp_error)}"
            ) from None
        except smtplib.SMTPResponseException as error:
            if error.smtp_code == CLOSING:
                self.close()
            _raise(error.smtp_code, error.smtp_error, recipient=False)
        except smtplib.SMTPServerDisconnected:
            raise
        except smtplib.SMTPNotSupportedError as error:
            self.close()
            raise DeliveryDeferred(f"the server does not support it: {error}") from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            reason = f"cannot reach {self.host}:{self.port}: {error or type(error).__name__}"
            raise DeliveryDeferred(reason) from None

    def _session(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if self.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.user:
                smtp.login(self.user, self.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp


def _raise(code: int, answer: bytes | str, *, recipient: bool) -> None:
    reason = _answer(code, answer)
    if 500 <= code < 600:
        blamed = recipient or _text(answer).strip().startswith(ADDRESS_STATUSES)
        raise DeliveryRefused(reason, recipient=blamed) from None
    raise DeliveryDeferred(reason) from None
