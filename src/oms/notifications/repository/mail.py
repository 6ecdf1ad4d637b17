"""``MESSAGES``: the mail queue and record (``notification_messages``) on SQLAlchemy Core.

Queueing is one ``INSERT ... ON CONFLICT (event_id, kind) DO NOTHING``, so an event delivered
twice queues its mail once. Sending claims due rows with a lease: on PostgreSQL the candidates
are read ``FOR UPDATE SKIP LOCKED`` so workers share the queue without waiting on each other;
on SQLite the claim runs under ``BEGIN IMMEDIATE`` (one writer at a time). Each claim stamps a
fencing token, and an outcome is stored only while that token is still the row's: a worker
whose lease ran out (it was slow, or died and came back) cannot overwrite the next one's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.notifications.domain.kinds import NotificationKind
from oms.notifications.domain.messages import Message, MessageStatus, SkipReason
from oms.notifications.tables.mail import notification_messages as t
from oms.platform.unit_of_work import Port

_ADDRESS = ("recipient", "locale", "channel_code", "customer_id", "order_number")
"""The columns addressing a message fills (when it is first tried)."""
_OUTCOME = (
    *_ADDRESS,
    "status",
    "skip_reason",
    "attempts",
    "next_attempt_at",
    "first_attempt_at",
    "last_error",
    "subject",
    "sent_at",
    "finished_at",
    "data",
)
"""The columns a message's life changes (the rest is fixed when it is queued)."""


class Messages(Protocol):
    def add(self, message: Message) -> bool:
        """Queue ``message``; False when its event already queued this kind (nothing added)."""
        ...

    def get(self, message_id: UUID) -> Message | None: ...

    def for_order(
        self, order_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Message]:
        """The order's messages, newest first, keyset-paged on (created_at, id)."""
        ...

    def last_of_kind(self, order_id: UUID, kind: NotificationKind) -> Message | None:
        """The order's latest message of ``kind`` (what a resend sends again)."""
        ...

    def order_numbered(self, number: str) -> UUID | None:
        """The id of the order ``number`` names, if any mail was queued for it."""
        ...

    def for_reference(self, kind: NotificationKind, reference_id: UUID) -> Message | None:
        """The first message of ``kind`` about ``reference_id`` (a shipment, a return...)."""
        ...

    def for_customer(self, customer_id: UUID) -> list[Message]:
        """Every message to the customer, locked (erasure rewrites them)."""
        ...

    def claim_due(
        self, *, now: datetime, lease: timedelta, limit: int, claim: UUID
    ) -> list[Message]:
        """Up to ``limit`` queued messages due by ``now`` and not leased, oldest due first,
        leased to ``claim`` until ``now + lease``."""
        ...

    def address(self, message: Message, *, claim: UUID) -> bool:
        """Store who the message goes to (first tried), while ``claim`` holds its lease."""
        ...

    def record(self, message: Message, *, claim: UUID | None) -> bool:
        """Store the message's outcome and end its lease. With ``claim``, only while the
        lease is still that claim's; False when it was lost (nothing stored)."""
        ...


class SqlMessages:
    """``Messages`` on one connection (one transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, message: Message) -> bool:
        dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
        inserted = self.c.execute(
            dialect.insert(t)
            .values(_row(message))
            .on_conflict_do_nothing(index_elements=["event_id", "kind"])
            .returning(t.c.id)
        ).first()
        return inserted is not None

    def get(self, message_id: UUID) -> Message | None:
        row = self.c.execute(select(t).where(t.c.id == message_id)).first()
        return None if row is None else _message(row)

    def for_order(
        self, order_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Message]:
        query = select(t).where(t.c.order_id == order_id)
        if after is not None:
            query = query.where(tuple_(t.c.created_at, t.c.id) < tuple_(*after))
        query = query.order_by(t.c.created_at.desc(), t.c.id.desc()).limit(limit)
        return [_message(row) for row in self.c.execute(query)]

    def last_of_kind(self, order_id: UUID, kind: NotificationKind) -> Message | None:
        row = self.c.execute(
            select(t)
            .where(t.c.order_id == order_id, t.c.kind == kind.value)
            .order_by(t.c.created_at.desc(), t.c.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _message(row)

    def order_numbered(self, number: str) -> UUID | None:
        row = self.c.execute(
            select(t.c.order_id).where(t.c.order_number == number).limit(1)
        ).first()
        return None if row is None else row.order_id

    def for_reference(self, kind: NotificationKind, reference_id: UUID) -> Message | None:
        row = self.c.execute(
            select(t)
            .where(t.c.kind == kind.value, t.c.reference_id == reference_id)
            .order_by(t.c.created_at, t.c.id)
            .limit(1)
        ).first()
        return None if row is None else _message(row)

    def for_customer(self, customer_id: UUID) -> list[Message]:
        query = select(t).where(t.c.customer_id == customer_id).order_by(t.c.id)
        if self.c.dialect.name == "postgresql":
            query = query.with_for_update()
        return [_message(row) for row in self.c.execute(query)]

    def claim_due(
        self, *, now: datetime, lease: timedelta, limit: int, claim: UUID
    ) -> list[Message]:
        due = (
            select(t.c.id)
            .where(
                t.c.status == MessageStatus.QUEUED.value,
                t.c.next_attempt_at <= now,
                or_(t.c.locked_until.is_(None), t.c.locked_until < now),
            )
            .order_by(t.c.next_attempt_at, t.c.id)
            .limit(limit)
        )
        if self.c.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = [row.id for row in self.c.execute(due)]
        if not ids:
            return []
        self.c.execute(
            update(t).where(t.c.id.in_(ids)).values(locked_until=now + lease, claim=claim)
        )
        rows = self.c.execute(select(t).where(t.c.id.in_(ids)).order_by(t.c.next_attempt_at))
        return [_message(row) for row in rows]

    def address(self, message: Message, *, claim: UUID) -> bool:
        row = _row(message)
        query = update(t).where(
            t.c.id == message.id, t.c.claim == claim, t.c.status == MessageStatus.QUEUED.value
        )
        values = {name: row[name] for name in _ADDRESS}
        return self.c.execute(query.values(values)).rowcount == 1

    def record(self, message: Message, *, claim: UUID | None) -> bool:
        row = _row(message)
        query = update(t).where(t.c.id == message.id)
        if claim is not None:
            query = query.where(t.c.claim == claim, t.c.status == MessageStatus.QUEUED.value)
        values = {name: row[name] for name in _OUTCOME} | {"locked_until": None, "claim": None}
        return self.c.execute(query.values(values)).rowcount == 1


def _row(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "order_id": m.order_id,
        "order_number": m.order_number,
        "customer_id": m.customer_id,
        "channel_code": m.channel,
        "kind": m.kind.value,
        "reference_id": m.reference_id,
        "event_id": m.event_id,
        "data": dict(m.data),
        "recipient": m.recipient,
        "locale": m.locale,
        "status": m.status.value,
        "skip_reason": m.skip_reason.value if m.skip_reason else None,
        "message_id": m.message_id,
        "attempts": m.attempts,
        "next_attempt_at": m.next_attempt_at,
        "first_attempt_at": m.first_attempt_at,
        "last_error": m.last_error,
        "subject": m.subject,
        "sent_at": m.sent_at,
        "finished_at": m.finished_at,
        "created_at": m.created_at,
        "requested_by": m.requested_by,
        "resend_of": m.resend_of,
    }


def _message(row: Row[Any]) -> Message:
    return Message(
        id=row.id,
        kind=NotificationKind(row.kind),
        channel=row.channel_code,
        order_id=row.order_id,
        order_number=row.order_number,
        customer_id=row.customer_id,
        reference_id=row.reference_id,
        event_id=row.event_id,
        data=dict(row.data),
        recipient=row.recipient,
        locale=row.locale,
        status=MessageStatus(row.status),
        skip_reason=SkipReason(row.skip_reason) if row.skip_reason else None,
        message_id=row.message_id,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        first_attempt_at=row.first_attempt_at,
        last_error=row.last_error,
        subject=row.subject,
        sent_at=row.sent_at,
        finished_at=row.finished_at,
        created_at=row.created_at,
        requested_by=row.requested_by,
        resend_of=row.resend_of,
    )


MESSAGES: Port[Messages] = Port("notifications.messages", SqlMessages)
