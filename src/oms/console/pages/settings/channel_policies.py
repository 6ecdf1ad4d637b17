"""The channel page's sections that other contexts own: the channel's customer mail
(notifications, as ``PUT /v1/channels/{code}/notification-settings``) and its return policy
(returns, as ``PUT /v1/channels/{code}/return-policy``), and the brand of its customers'
tracking page (channels, as ``PATCH /v1/channels/{code}`` with ``brand``). Each is replaced
whole from the version the form was read at, so two admins editing at once cannot overwrite
each other unseen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import FormData

from oms import channels
from oms.console.pages.settings import return_policy, sections
from oms.console.pages.settings.fields import FormReader, attempt_form, prefix_of, redirect
from oms.console.shell import ConsoleRequires, Staff, form_data
from oms.console.shell.guard import uow_of
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.settings import MailSettings
from oms.notifications.services.mail import channel_settings
from oms.platform.security import Permission
from oms.returns.domain.policy import ReturnPolicy
from oms.returns.services import policies

router = APIRouter(prefix="/console/settings", include_in_schema=False)

MailConfigurer = Annotated[Staff, Depends(ConsoleRequires(Permission.NOTIFICATIONS_CONFIGURE))]
BrandWriter = Annotated[Staff, Depends(ConsoleRequires(Permission.CHANNELS_WRITE))]
PolicyConfigurer = Annotated[Staff, Depends(ConsoleRequires(Permission.RETURNS_CONFIGURE))]
Form = Annotated[FormData, Depends(form_data)]


@router.post("/channels/{code}/notifications")
def update_notifications(
    request: Request, staff: MailConfigurer, code: str, form: Form
) -> Response:
    """Which mails the channel sends, who sends them, reply-to, the mail's colour and logo."""
    channel = channels.get_channel(code, uow=uow_of(request))
    read = FormReader(form)
    enabled = read.many("enabled")
    known = {kind.value for kind in NotificationKind}
    if any(name not in known for name in enabled):
        read.problem("enabled", "names a notification oms does not send")
    command = channel_settings.SetMailSettings(
        channel=channel.code,
        enabled=[NotificationKind(name) for name in enabled if name in known],
        sender_name=read.text("sender_name"),
        sender_address=read.optional("sender_address"),
        reply_to=read.optional("reply_to"),
        brand_colour=read.text("brand_colour"),
        logo_url=read.optional("logo_url"),
        expected=read.version(),
        actor=staff.principal.actor,
    )

    def save() -> MailSettings:
        read.done("the mail settings are not valid")
        return channel_settings.set_mail_settings(command, uow=uow_of(request))

    _, errors, status = attempt_form(save, rename=prefix_of(1))
    if errors is not None:
        typed = sections.Typed("notifications", read.values, errors)
        return sections.render_channel(request, staff, channel.code, typed=typed, status=status)
    return redirect(f"/console/settings/channels/{channel.code}", "notifications")


@router.post("/channels/{code}/return-policy")
def update_return_policy(
    request: Request, staff: PolicyConfigurer, code: str, form: Form
) -> Response:
    """The return window, restocking fee, who pays the way back, automatic approval, rules per
    reason and overrides per product."""
    channel = channels.get_channel(code, uow=uow_of(request))
    read = FormReader(form)
    document, rename = return_policy.read_policy(read)
    command = policies.SetReturnPolicy(
        channel=channel.code,
        document=document,
        expected=read.version(),
        actor=staff.principal.actor,
    )

    def save() -> ReturnPolicy:
        read.done("the return policy is not valid")
        return policies.set_return_policy(command, uow=uow_of(request))

    _, errors, status = attempt_form(save, rename=rename)
    if errors is not None:
        typed = sections.Typed("return_policy", return_policy.typed_values(read), errors)
        return sections.render_channel(request, staff, channel.code, typed=typed, status=status)
    return redirect(f"/console/settings/channels/{channel.code}", "return_policy")


@router.post("/channels/{code}/brand")
def update_brand(request: Request, staff: BrandWriter, code: str, form: Form) -> Response:
    """The name, logo and colours the channel's customers see on their tracking page (a blank
    field returns to the page's default)."""
    channel = channels.get_channel(code, uow=uow_of(request))
    read = FormReader(form)
    command = channels.SetBrand(
        code=channel.code,
        name=read.optional("brand.name"),
        logo_url=read.optional("brand.logo_url"),
        primary_colour=read.optional("brand.primary_colour"),
        accent_colour=read.optional("brand.accent_colour"),
        expected=read.version(),
    )

    def save() -> channels.Channel:
        read.done("the tracking page's brand is not valid")
        return channels.set_brand(command, uow=uow_of(request))

    _, errors, status = attempt_form(save)
    if errors is not None:
        typed = sections.Typed("brand", read.values, errors)
        return sections.render_channel(request, staff, channel.code, typed=typed, status=status)
    return redirect(f"/console/settings/channels/{channel.code}", "brand")
