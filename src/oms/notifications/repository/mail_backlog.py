"""``RELAY_BACKLOG``: how far behind the outbox relay is, which the mail loop gives way to.

The relay and the mail loop share a worker process, and CPython runs one thread's Python at a
time: a mail loop busy writing mail (templates, CSS, MIME) makes every database round trip of
the relay wait for the interpreter again (measured: a relay draining 1000 events took 2.4 s
instead of 1.0 s beside a mail loop at full speed). The relay carries every context's events,
mail can wait a little: while the relay is behind, the loop sends one batch per interval.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, select

from oms.platform.outbox import outbox_table as t
from oms.platform.unit_of_work import Port


class RelayBacklog(Protocol):
    def oldest_unpublished_at(self) -> datetime | None:
        """When the oldest event the relay has not fanned out yet happened, if any."""
        ...


class SqlRelayBacklog:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def oldest_unpublished_at(self) -> datetime | None:
        row = self.c.execute(
            select(t.c.occurred_at)
            .where(t.c.published_at.is_(None))
            .order_by(t.c.published_at, t.c.position)
            .limit(1)
        ).first()
        return None if row is None else row.occurred_at


RELAY_BACKLOG: Port[RelayBacklog] = Port("notifications.relay_backlog", SqlRelayBacklog)
