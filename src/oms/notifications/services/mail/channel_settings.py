"""Reading and setting a channel's mail settings (``GET/PUT
/v1/channels/{code}/notification-settings``).

The channel is read first (404 for one that does not exist or that a channel key may not see).
A change names the version it was made from (``If-Match``): a stale one is refused with 412
before anything is written, and the repository's conditional write refuses a writer that
raced past the check. Every bad field is named at once (``MailSettings.checked``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from oms import channels
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.settings import MailSettings
from oms.notifications.repository.mail_settings import MAIL_SETTINGS
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.versions import ExpectedVersion, check_expected


@dataclass(frozen=True, slots=True, kw_only=True)
class SetMailSettings:
    channel: str
    enabled: Collection[NotificationKind]
    sender_name: str
    sender_address: str | None
    reply_to: str | None
    brand_colour: str
    logo_url: str | None
    expected: ExpectedVersion | None
    actor: str


def get_mail_settings(
    channel_code: str, *, uow: UnitOfWork, visible_to: str | None = None
) -> MailSettings:
    """The channel's mail settings: the defaults at version 0 until it sets its own."""
    channel = channels.get_channel(channel_code, uow=uow, visible_to=visible_to)
    with uow.read() as tx:
        return tx.repo(MAIL_SETTINGS).get(channel.code)


def set_mail_settings(command: SetMailSettings, *, uow: UnitOfWork) -> MailSettings:
    """Replace the channel's mail settings whole; 422 names every bad field, 412 a stale
    ``If-Match``."""
    channel = channels.get_channel(command.channel, uow=uow)
    with uow.begin() as tx:
        repo = tx.repo(MAIL_SETTINGS)
        current = repo.get(channel.code)
        check_expected(command.expected, "notification settings", channel.code, current.version)
        settings = MailSettings.checked(
            channel.code,
            enabled=command.enabled,
            sender_name=command.sender_name,
            sender_address=command.sender_address,
            reply_to=command.reply_to,
            brand_colour=command.brand_colour,
            logo_url=command.logo_url,
            version=current.version,
        )
        return repo.put(settings, expected=current.version, actor=command.actor, at=tx.now)
