"""A channel's mail settings: which notifications are on, who sends them, and the brand."""

from __future__ import annotations

from dataclasses import dataclass, field

from oms.notifications.domain.kinds import NotificationKind


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
