"""In-process consumers of outbox events, each handling an event at most once.

A consumer records the ids of the events it handled in ``handled_events`` in the same
transaction as its effect, so the relay's at-least-once delivery becomes exactly-once effect.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sqlalchemy.dialects import postgresql, sqlite

from oms.platform.outbox import Message, handled_events
from oms.platform.unit_of_work import UnitOfWork

Handler = Callable[[Message], None]


class Subscribers:
    """A publisher that hands each event to the handlers subscribed to its type's prefix."""

    def __init__(self, handlers: Mapping[str, Sequence[Handler]]) -> None:
        self.handlers = handlers

    def publish(self, message: Message) -> None:
        for prefix, handlers in self.handlers.items():
            if message.event_type.startswith(prefix):
                for handler in handlers:
                    handler(message)


def first_delivery(uow: UnitOfWork, consumer: str, message: Message) -> bool:
    """Inside ``uow``'s transaction: record the event as handled; False if it already was."""
    with uow.begin() as tx:
        dialect = postgresql if tx.dialect == "postgresql" else sqlite
        inserted = tx.connection.execute(
            dialect.insert(handled_events)
            .values(consumer=consumer, event_id=message.event_id, handled_at=tx.now)
            .on_conflict_do_nothing()
            .returning(handled_events.c.event_id)
        ).first()
    return inserted is not None
