"""``MAIL_SETTINGS``: each channel's mail settings (``channel_mail_settings``) on Core.

A channel without a row has the defaults at version 0; the first ``PUT`` stores version 1.
Writes are one conditional statement each, as return policies' are: the first ``INSERT``
conflicts with a concurrent first write, an ``UPDATE`` names the version it replaces; a lost
update is refused with ``StaleVersion`` (412) either way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.settings import MailSettings
from oms.notifications.tables.mail import channel_mail_settings as t
from oms.platform.unit_of_work import Port
from oms.shared.versions import StaleVersion

_KINDS = {kind.value: kind for kind in NotificationKind}


class ChannelMailSettings(Protocol):
    def get(self, channel: str) -> MailSettings:
        """The channel's settings (the defaults at version 0 if it never set any)."""
        ...

    def put(
        self, settings: MailSettings, *, expected: int, actor: str, at: datetime
    ) -> MailSettings:
        """Store ``settings`` over version ``expected``; the stored settings (version + 1)."""
        ...


class SqlChannelMailSettings:
    """``ChannelMailSettings`` on one connection (one transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def get(self, channel: str) -> MailSettings:
        row = self.c.execute(select(t).where(t.c.channel_code == channel)).first()
        return MailSettings.default(channel) if row is None else _settings(row)

    def put(
        self, settings: MailSettings, *, expected: int, actor: str, at: datetime
    ) -> MailSettings:
        values: dict[str, Any] = {
            "enabled": sorted(kind.value for kind in settings.enabled),
            "sender_name": settings.sender_name,
            "sender_address": settings.sender_address,
            "reply_to": settings.reply_to,
            "brand_colour": settings.brand_colour,
            "logo_url": settings.logo_url,
            "version": expected + 1,
            "updated_at": at,
            "updated_by": actor,
        }
        if expected == 0:
            try:
                with self.c.begin_nested():
                    self.c.execute(insert(t).values(channel_code=settings.channel, **values))
            except IntegrityError:
                raise _stale(settings.channel, expected) from None
        else:
            written = self.c.execute(
                update(t)
                .where(t.c.channel_code == settings.channel, t.c.version == expected)
                .values(values)
            ).rowcount
            if written != 1:
                raise _stale(settings.channel, expected)
        return self.get(settings.channel)


def _settings(row: Row[Any]) -> MailSettings:
    return MailSettings(
        channel=row.channel_code,
        enabled=frozenset(_KINDS[v] for v in row.enabled if v in _KINDS),
        sender_name=row.sender_name,
        sender_address=row.sender_address,
        reply_to=row.reply_to,
        brand_colour=row.brand_colour,
        logo_url=row.logo_url,
        version=row.version,
    )


def _stale(channel: str, expected: int) -> StaleVersion:
    """Another writer stored a version over ``expected`` since it was read (a lost update)."""
    return StaleVersion("notification settings", channel, expected=[expected])


MAIL_SETTINGS: Port[ChannelMailSettings] = Port(
    "notifications.mail_settings", SqlChannelMailSettings
)
