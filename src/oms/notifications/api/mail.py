"""Routes of customer mail: an order's notifications and their resend (customer service), and
each channel's mail settings (``GET/PUT /v1/channels/{code}/notification-settings``).

The settings' ``ETag`` is their version (``"0"`` while the channel has the defaults); a ``PUT``
with ``If-Match`` naming an older version is refused with 412, as a return policy's is.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.schemas.mail import MailSettingsIn, MailSettingsOut, NotificationOut
from oms.notifications.services.mail import channel_settings, history, resending
from oms.platform.http import IfMatch, Tagged, UoW, send_version
from oms.platform.idempotency import OptionalIdempotencyKey, run_idempotent, subject
from oms.platform.pagination import BY_TIME, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["notifications"])

Reader = Annotated[Principal, Depends(Requires(Permission.NOTIFICATIONS_READ))]
Sender = Annotated[Principal, Depends(Requires(Permission.NOTIFICATIONS_SEND))]
Configurer = Annotated[Principal, Depends(Requires(Permission.NOTIFICATIONS_CONFIGURE))]


@router.get("/orders/{order_id}/notifications", responses=responses(401, 403, 404, 422))
def list_order_notifications(
    order_id: UUID, principal: Reader, uow: UoW, limit: Limit = 50, cursor: Cursor = None
) -> Page[NotificationOut]:
    """The mails of the order, newest first: queued, sent, failed (with the server's answer)
    or skipped (with the reason: the kind off for the channel, no marketing consent, an
    address refused before, the customer erased)."""
    found = history.order_notifications(
        order_id,
        uow=uow,
        after=read_cursor(cursor, BY_TIME),
        limit=limit + 1,
        visible_to=principal.channel_scope,
    )
    return Page.of(
        found, limit, lambda m: (m.created_at, m.id), lambda m: NotificationOut.of(m, principal)
    )


@router.post(
    "/orders/{order_id}/notifications/{kind}/resend",
    status_code=202,
    response_model=NotificationOut,
    responses=responses(401, 403, 404, 409, 410, 422),
)
def resend_notification(
    order_id: UUID,
    kind: NotificationKind,
    principal: Sender,
    uow: UoW,
    request: Request,
    idempotency: OptionalIdempotencyKey,
) -> Response:
    """Send the order's last mail of this kind again, to the order's buyer (202: queued; the
    worker sends it). It goes even when the channel turned the kind off; consent, an address
    refused before and erasure still hold (then it is recorded as skipped, with the reason).

    409 `notification-never-queued` when no such mail was ever queued for the order; 409
    `pickup-code-not-kept` for a ready-for-pickup mail whose code is gone (codes are not kept
    once mailed): issue a new code instead, which is mailed by itself. With an optional
    `Idempotency-Key`, a retry returns the first answer instead of queueing again (410 once
    the customer was erased: the answer named them).
    """
    command = resending.ResendNotification(
        order_id=order_id,
        kind=kind,
        actor=principal.actor,
        mail_from=request.app.state.settings.mail_from,
        visible_to=principal.channel_scope,
    )
    return run_idempotent(
        uow,
        idempotency,
        lambda: resending.resend_notification(command, uow=uow),
        lambda message: NotificationOut.of(message, principal),
        status_code=202,
        about=lambda message: subject("order", message.order_id or order_id),
    )


@router.get("/channels/{code}/notification-settings", responses=responses(401, 403, 404))
def get_notification_settings(
    code: str, principal: Reader, uow: UoW, response: Tagged
) -> MailSettingsOut:
    """The channel's mail settings (the defaults, version 0, until set): which notifications
    are on, the sender, reply-to and brand."""
    settings = channel_settings.get_mail_settings(code, uow=uow, visible_to=principal.channel_scope)
    send_version(response, settings.version)
    return MailSettingsOut.of(settings)


@router.put("/channels/{code}/notification-settings", responses=responses(401, 403, 404, 412, 422))
def set_notification_settings(
    code: str,
    body: MailSettingsIn,
    principal: Configurer,
    uow: UoW,
    response: Tagged,
    if_match: IfMatch,
) -> MailSettingsOut:
    """Replace the channel's mail settings whole: the notifications it sends, the sender's
    name and address (null: the deployment's `OMS_MAIL_FROM`), reply-to, brand colour
    (`#rrggbb`) and logo (an https URL).

    With `If-Match` (optional), settings changed since that ETag are refused with 412. Every
    bad field is named at once (422).
    """
    settings = channel_settings.set_mail_settings(
        channel_settings.SetMailSettings(
            channel=code,
            enabled=body.enabled,
            sender_name=body.sender_name,
            sender_address=body.sender_address,
            reply_to=body.reply_to,
            brand_colour=body.brand_colour,
            logo_url=body.logo_url,
            expected=if_match,
            actor=principal.actor,
        ),
        uow=uow,
    )
    send_version(response, settings.version)
    return MailSettingsOut.of(settings)
