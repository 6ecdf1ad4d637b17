"""The unit of work: one database transaction, the events it records, and the time it runs at.

Services open it with ``with uow.begin() as tx`` (writes) or ``with uow.read() as tx`` (reads).
Scopes nest: an inner ``begin()`` joins the outer transaction, so an idempotent HTTP call can wrap a
service and store its response in the same commit. The outermost scope commits on a clean exit and
rolls back on any exception. Events go to the outbox in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, Engine

from oms.platform import outbox
from oms.shared.clock import Clock, SystemClock
from oms.shared.events import Event


class Transaction:
    """What a service sees inside a unit of work."""

    def __init__(self, connection: Connection, now: datetime, *, writable: bool) -> None:
        self.connection = connection
        self.now = now
        self.writable = writable
        self._events: list[Event] = []

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    def record(self, *events: Event) -> None:
        """Queue events; they are written to the outbox just before commit."""
        if not self.writable:
            raise RuntimeError("a read-only transaction cannot record events")
        self._events.extend(events)

    def flush_events(self) -> None:
        if self._events:
            outbox.append(self.connection, self._events, self.now)
            self._events.clear()


class UnitOfWork:
    """Opens transactions on one engine; re-entrant within one thread of work."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self._current: Transaction | None = None

    @contextmanager
    def begin(self) -> Iterator[Transaction]:
        """A writing transaction (``BEGIN IMMEDIATE`` on SQLite)."""
        with self._scope(writable=True) as tx:
            yield tx

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """A reading transaction: a consistent snapshot, no events."""
        with self._scope(writable=False) as tx:
            yield tx

    @contextmanager
    def _scope(self, *, writable: bool) -> Iterator[Transaction]:
        if self._current is not None:
            if writable and not self._current.writable:
                raise RuntimeError("cannot write inside a read-only transaction")
            yield self._current
            return
        connection = self.engine.connect().execution_options(oms_write=writable)
        try:
            with connection.begin():
                tx = Transaction(connection, self.clock.now(), writable=writable)
                self._current = tx
                try:
                    yield tx
                    if writable:
                        tx.flush_events()
                finally:
                    self._current = None
        finally:
            connection.close()
