"""The unit of work: one database transaction, the events it records, and the time it runs at.

Services open it with ``with uow.begin() as tx`` (writes) or ``with uow.read() as tx`` (reads).
Scopes nest: an inner ``begin()`` joins the outer transaction, so an idempotent HTTP call can wrap a
service and store its response in the same commit. The outermost scope commits on a clean exit and
rolls back on any exception. Events go to the outbox in the same transaction as the change.

Services never touch the connection: they ask the transaction for a repository through a typed
``Port`` (``tx.repo(ORDERS)``), which binds the context's SQL repository to this transaction. The
in-memory ``FakeUnitOfWork`` answers the same ports with test doubles, so a service can be tested
without a database (the way httpx ships ``MockTransport`` beside its transports).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Connection, Engine

from oms.platform import outbox
from oms.platform.reference import UNCACHED, ReferenceCache, ReferenceView, cache_for, read_version
from oms.shared.clock import Clock, SystemClock
from oms.shared.events import Event

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Port(Generic[R]):
    """A typed name for a repository and how to bind its SQL implementation to a connection.

    Each context declares its ports next to its repositories (``ORDERS = Port("orders",
    SqlOrders)``); services ask ``tx.repo(ORDERS)`` and get an object of the port's type.
    """

    name: str
    bind: Callable[[Connection], R]


class Transaction:
    """What a service sees inside a unit of work: the time, its events and its repositories."""

    def __init__(
        self,
        connection: Connection,
        now: datetime,
        *,
        writable: bool,
        reference: ReferenceCache | None = None,
    ) -> None:
        self.connection = connection
        """For repositories and the platform only; services use ``repo``."""
        self.now = now
        self.writable = writable
        self._events: list[Event] = []
        self._repositories: dict[str, Any] = {}
        self._reference_cache = reference
        self._reference: ReferenceView | None = None

    @property
    def reference(self) -> ReferenceView:
        """Reference data (oms.platform.reference) as this transaction sees it: the version is
        read once, on first use, before anything is loaded; the process's cache answers if it
        holds that version."""
        view = self._reference
        if view is None:
            cache = self._reference_cache
            view = UNCACHED if cache is None else cache.view(read_version(self.connection))
            self._reference = view
        return view

    def forget_reference(self) -> None:
        """After a change in this transaction: the next use of reference data reads the version
        again (the change moved it, and what this transaction reads next must include it)."""
        self._reference = None

    def repo(self, port: Port[R]) -> R:
        """The repository behind ``port``, bound to this transaction (one per transaction)."""
        found = self._repositories.get(port.name)
        if found is None:
            found = self._repositories[port.name] = self._bind(port)
        return cast(R, found)

    def _bind(self, port: Port[R]) -> R:
        return port.bind(self.connection)

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    def record(self, *events: Event) -> None:
        """Queue events; they are written to the outbox just before commit."""
        if not self.writable:
            raise RuntimeError("a read-only transaction cannot record events")
        self._events.extend(events)
        self._reference = None  # it changed something, perhaps reference data: forget_reference

    def flush_events(self) -> None:
        if self._events:
            outbox.append(self.connection, self._events, self.now)
            self._events.clear()


class UnitOfWork:
    """Opens transactions on one engine; re-entrant within one thread of work."""

    def __init__(
        self, engine: Engine, clock: Clock | None = None, reference: ReferenceCache | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.reference = reference if reference is not None else cache_for(engine)
        """The process's reference-data cache for this database (one per engine by default)."""
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
                tx = Transaction(
                    connection, self.clock.now(), writable=writable, reference=self.reference
                )
                self._current = tx
                try:
                    yield tx
                    if writable:
                        tx.flush_events()
                finally:
                    self._current = None
        finally:
            connection.close()


class FakeTransaction(Transaction):
    """A transaction without a database: ports answer with the doubles given to the fake."""

    def __init__(self, doubles: Mapping[str, Any], now: datetime, *, writable: bool) -> None:
        super().__init__(cast(Connection, None), now, writable=writable)
        self._doubles = doubles
        self.recorded: list[Event] = []

    def _bind(self, port: Port[R]) -> R:
        try:
            return cast(R, self._doubles[port.name])
        except KeyError:
            raise LookupError(
                f"the fake unit of work has no double for port {port.name!r}"
            ) from None

    def flush_events(self) -> None:
        self.recorded.extend(self._events)
        self._events.clear()


class FakeUnitOfWork(UnitOfWork):
    """An in-memory unit of work for service tests: repository doubles by port name, a clock,
    and the events each committed scope recorded (``committed``); a failing scope records none."""

    def __init__(self, doubles: Mapping[str, Any], clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self.doubles = dict(doubles)
        self.committed: list[Event] = []
        self.commits = 0
        self._current: Transaction | None = None

    @contextmanager
    def _scope(self, *, writable: bool) -> Iterator[Transaction]:
        if self._current is not None:
            if writable and not self._current.writable:
                raise RuntimeError("cannot write inside a read-only transaction")
            yield self._current
            return
        tx = FakeTransaction(self.doubles, self.clock.now(), writable=writable)
        self._current = tx
        try:
            yield tx
            if writable:
                tx.flush_events()
                self.committed.extend(tx.recorded)
                self.commits += 1
        finally:
            self._current = None
