"""The channel page: one section per setting, each read through the context that owns it and
shown as a form the staff user's role may submit, or read-only (a disabled fieldset) when it
may only read it. A refused form comes back with what was typed and the messages next to the
fields; the other sections show what is stored.

- general, payment: ``channels.update_channel``; read channels:read, change channels:write.
- customer mail: notifications' ``channel_settings``; read notifications:read (the section is
  left out for roles without it), change notifications:configure.
- return policy: returns' ``policies``; read channels:read, change returns:configure.
- tracking-page brand: ``channels.set_brand``; read channels:read, change channels:write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response

from oms import channels
from oms.channels import CaptureMode, Channel, ChannelKind, InvoiceOn
from oms.console.pages.settings import return_policy
from oms.console.shell import FormErrors, Staff, render
from oms.console.shell.guard import uow_of
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.settings import MailSettings
from oms.notifications.services.mail import channel_settings
from oms.platform.security import Permission
from oms.returns.domain.policy import WindowStart
from oms.returns.domain.values import RETURN_REASONS, ShippingPayer
from oms.returns.services import policies

KIND_OPTIONS = [(kind.value, kind.value.replace("_", " ")) for kind in ChannelKind]
LOCATIONS_SHOWN = 200
"""Locations listed as the serving locations' hint (a merchant has tens, not thousands)."""


@dataclass(frozen=True, slots=True)
class Typed:
    """A section's refused form: its name, what was typed and what was wrong."""

    section: str
    values: dict[str, Any]
    errors: FormErrors | None


@dataclass(frozen=True, slots=True)
class Section:
    values: dict[str, Any]
    errors: FormErrors | None
    can: bool
    """Whether the role may change it (else the form is read-only)."""


def general_values(channel: Channel) -> dict[str, Any]:
    return {
        "name": channel.name,
        "kind": channel.kind.value,
        "currency": channel.currency,
        "default_locale": channel.default_locale,
        "locations": ", ".join(channel.location_codes),
        "allows_backorders": channel.allows_backorders,
        "prices_include_tax": channel.prices_include_tax,
        "active": channel.active,
        "version": channel.version,
    }


def payment_values(channel: Channel) -> dict[str, Any]:
    return {
        "payment_before_confirmation": channel.payment_before_confirmation,
        "capture": channel.capture.value,
        "invoice_on": channel.invoice_on.value,
        "version": channel.version,
    }


def brand_values(channel: Channel) -> dict[str, Any]:
    brand = channel.brand
    return {
        "brand.name": brand.name or "",
        "brand.logo_url": brand.logo_url or "",
        "brand.primary_colour": brand.primary_colour or "",
        "brand.accent_colour": brand.accent_colour or "",
        "version": channel.version,
    }


def notification_values(settings: MailSettings) -> dict[str, Any]:
    return {
        "enabled": [kind.value for kind in NotificationKind if kind in settings.enabled],
        "sender_name": settings.sender_name,
        "sender_address": settings.sender_address or "",
        "reply_to": settings.reply_to or "",
        "brand_colour": settings.brand_colour,
        "logo_url": settings.logo_url or "",
        "version": settings.version,
    }


def render_channel(
    request: Request,
    staff: Staff,
    code: str,
    *,
    typed: Typed | None = None,
    status: int = 200,
    done: str | None = None,
) -> Response:
    """The channel page; ``typed`` shows one section's refused form as it was sent."""
    uow = uow_of(request)
    channel = channels.get_channel(code, uow=uow)
    stored: dict[str, tuple[dict[str, Any], Permission]] = {
        "general": (general_values(channel), Permission.CHANNELS_WRITE),
        "payment": (payment_values(channel), Permission.CHANNELS_WRITE),
        "brand": (brand_values(channel), Permission.CHANNELS_WRITE),
        "return_policy": (
            return_policy.values_of(policies.get_return_policy(channel.code, uow=uow)),
            Permission.RETURNS_CONFIGURE,
        ),
    }
    if staff.can(Permission.NOTIFICATIONS_READ):
        mail = channel_settings.get_mail_settings(channel.code, uow=uow)
        stored["notifications"] = (notification_values(mail), Permission.NOTIFICATIONS_CONFIGURE)
    shown = {
        name: Section(values, None, staff.can(permission))
        for name, (values, permission) in stored.items()
    }
    if typed is not None:
        shown[typed.section] = Section(typed.values, typed.errors, True)
    locations = channels.list_locations(uow=uow, after=None, limit=LOCATIONS_SHOWN)
    context = {
        "channel": channel,
        "sections": shown,
        "locations": locations,
        "kind_options": KIND_OPTIONS,
        "captures": list(CaptureMode),
        "invoice_ons": list(InvoiceOn),
        "notification_kinds": list(NotificationKind),
        "reasons": [reason.value for reason in RETURN_REASONS],
        "window_starts": list(WindowStart),
        "payers": list(ShippingPayer),
        "done": done,
    }
    return render(request, "console/settings/channel.html", context, status=status)
