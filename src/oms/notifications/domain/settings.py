"""A channel's mail settings: which notifications are on, who sends them, and the brand."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parseaddr
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from oms.notifications.domain.kinds import NotificationKind
from oms.shared.errors import FieldProblem, collect

SENDER_NAME_LENGTH = 100
URL_LENGTH = 2000
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LINE_BREAKS = re.compile(r"[\r\n\x00]")


@dataclass(frozen=True, slots=True, kw_only=True)
class MailSettings:
    """Per channel; ``version`` is its ETag. A channel with no row gets ``MailSettings.default``.

    ``sender_address`` None means the deployment's ``OMS_MAIL_FROM``; ``logo_url`` is an https
    address the mail links to (mail clients load it), None for none.
    """

    channel: str
    enabled: frozenset[NotificationKind] = field(
        default_factory=lambda: frozenset(NotificationKind)
    )
    sender_name: str = ""
    sender_address: str | None = None
    reply_to: str | None = None
    brand_colour: str = "#1f4e79"
    logo_url: str | None = None
    version: int = 0

    @classmethod
    def default(cls, channel: str) -> MailSettings:
        return cls(channel=channel)

    @classmethod
    def checked(
        cls,
        channel: str,
        *,
        enabled: Iterable[NotificationKind],
        sender_name: str,
        sender_address: str | None,
        reply_to: str | None,
        brand_colour: str,
        logo_url: str | None,
        version: int,
    ) -> MailSettings:
        """Settings as a merchant set them, every bad field named at once (``Invalid``):
        addresses must be mail addresses, the colour ``#rrggbb``, the logo an https URL, and
        the sender's name one line (it goes into the From header)."""
        problems: list[FieldProblem] = []
        if _LINE_BREAKS.search(sender_name) or len(sender_name) > SENDER_NAME_LENGTH:
            problems.append(
                FieldProblem(
                    "sender_name", f"must be one line of at most {SENDER_NAME_LENGTH} characters"
                )
            )
        sender = _address(sender_address, "sender_address", problems)
        reply = _address(reply_to, "reply_to", problems)
        if not _COLOUR.match(brand_colour):
            problems.append(FieldProblem("brand_colour", "must be a colour as #rrggbb"))
        if logo_url is not None and not _secure_url(logo_url):
            problems.append(FieldProblem("logo_url", "must be an https:// URL"))
        collect(problems, "the mail settings are not valid")
        return cls(
            channel=channel,
            enabled=frozenset(enabled),
            sender_name=sender_name,
            sender_address=sender,
            reply_to=reply,
            brand_colour=brand_colour.lower(),
            logo_url=logo_url,
            version=version,
        )

    def sender(self, default_from: str) -> tuple[str, str]:
        """(name, address) of the From header: the channel's, else the deployment's
        ``OMS_MAIL_FROM`` (with the channel's sender name when it has one)."""
        default_name, default_address = parseaddr(default_from)
        address = self.sender_address or default_address
        return (self.sender_name or default_name, address)


def _address(value: str | None, name: str, problems: list[FieldProblem]) -> str | None:
    if value is None:
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        problems.append(FieldProblem(name, f"must be a mail address: {error}"))
        return None


def _secure_url(value: str) -> bool:
    if len(value) > URL_LENGTH or _LINE_BREAKS.search(value) or " " in value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and not parts.username
