"""A csr sends an order's notification again (``POST .../notifications/{kind}/resend``).

The new message copies the last one of that kind for the order (what it was about and the
event's values) and is addressed anew: to the order's buyer as the order names them now, in
their language. It goes even when the channel turned the kind off (a person asked for it);
consent, a refused address and erasure still hold, and such a resend is recorded as skipped.

A ready-for-pickup mail carries a code that is not kept once mailed: sending it again needs a
new code, which fulfilment issues (``POST /v1/fulfilment/orders/{fo_id}/pickup-code``) and
which is then mailed by itself. The resend says so (409 ``pickup-code-not-kept``) rather than
issue one behind the desk's back: a new code invalidates the one the customer may hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from oms import orders
from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.messages import Message, NeverQueued, PickupCodeNotKept
from oms.notifications.repository.mail import MESSAGES
from oms.notifications.services.mail.deciding import Intent
from oms.notifications.services.mail.queueing import Requested, queue_requested
from oms.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class ResendNotification:
    order_id: UUID
    kind: NotificationKind
    actor: str
    mail_from: str
    visible_to: str | None = None


def resend_notification(command: ResendNotification, *, uow: UnitOfWork) -> Message:
    """Queue the order's last ``kind`` mail again for its buyer; 404 for an order the caller
    cannot see, 409 when that kind was never queued for it (or its pickup code is gone)."""
    order = orders.get_order(command.order_id, uow=uow, visible_to=command.visible_to)
    with uow.begin() as tx:
        last = tx.repo(MESSAGES).last_of_kind(order.id, command.kind)
        if last is None:
            raise NeverQueued(order.number, command.kind)
        if command.kind is NotificationKind.READY_FOR_PICKUP and "pickup_code" not in last.data:
            raise PickupCodeNotKept(order.number)
        intent = Intent(
            kind=command.kind,
            order_id=order.id,
            customer_id=last.customer_id,
            reference_id=last.reference_id,
            data=last.data,
        )
        how = Requested(requested_by=command.actor, resend_of=last.id, mail_from=command.mail_from)
        return queue_requested(intent, how, uow=uow)
