"""Sending one of an order's notifications again, from the list of its mails on the order page.

The notifications context resends by kind: the order's last mail of that kind, addressed anew
to the buyer as the order names them now (``POST /v1/orders/{id}/notifications/{kind}/resend``).
The page names the mail it was shown; its kind is what goes again. A refusal (a pickup code is
not kept once mailed) answers with a page saying why, as the API's 409 would.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from oms.console.pages.order_actions.lookup import find_order, order_path
from oms.console.shell import ConsoleRequires, Staff
from oms.console.shell.guard import uow_of
from oms.notifications.services.mail import history, resending
from oms.platform.security import Permission

router = APIRouter(prefix="/console", include_in_schema=False)

Sender = Annotated[Staff, Depends(ConsoleRequires(Permission.NOTIFICATIONS_SEND))]


@router.post("/orders/{number}/notifications/{notification_id}/resend")
def resend_notification(
    request: Request, number: str, notification_id: UUID, staff: Sender
) -> Response:
    """Queue the mail's kind again for the order's buyer, then back to the order."""
    order = find_order(request, staff, number)
    uow, scope = uow_of(request), staff.principal.channel_scope
    message = history.order_message(order.id, notification_id, uow=uow, visible_to=scope)
    command = resending.ResendNotification(
        order_id=order.id,
        kind=message.kind,
        actor=staff.principal.actor,
        mail_from=request.app.state.settings.mail_from,
        visible_to=scope,
    )
    resending.resend_notification(command, uow=uow)
    target = f"{order_path(order)}?done=resent&kind={message.kind.value}#notifications"
    return RedirectResponse(target, status_code=303)
