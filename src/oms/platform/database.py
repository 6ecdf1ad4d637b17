"""Engines and schema primitives for SQLite (embedded) and PostgreSQL (server).

Statement parameters never appear in errors or logs (``hide_parameters``): they hold personal
data such as emails. SQLite runs in WAL mode with ``synchronous=FULL`` and foreign keys on.
pysqlite's own transaction handling is switched off so we can emit ``BEGIN IMMEDIATE`` for
writes: a deferred transaction that later writes can fail with SQLITE_BUSY instead of waiting.

SQLite has one writer at a time. Within a process, writers queue on a mutex per database file
(``WriterLock``) taken just before ``BEGIN IMMEDIATE`` and given back when the connection
returns to the pool (after its COMMIT or ROLLBACK): the next writer is woken at once. Without
it they would meet SQLite's busy handler, which sleeps and retries (up to 100 ms a try), and
the p99 of placement was the sleeping. ``busy_timeout`` still covers writers in other
processes (``oms worker``, the CLI, a second ``oms serve`` worker). Readers take no lock.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Dialect,
    Engine,
    Integer,
    MetaData,
    create_engine,
    event,
)
from sqlalchemy import DateTime as _DateTime
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
"""The one schema. Every context's ``tables`` module registers its tables here."""

BigId = BigInteger().with_variant(Integer(), "sqlite")
"""An auto-incrementing 64-bit key (SQLite only auto-increments INTEGER PRIMARY KEY)."""


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, on both databases."""

    impl = _DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        utc = value.astimezone(UTC)
        # SQLite has no zone-aware type: store naive UTC so text ordering matches time ordering.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002 (part of the TypeDecorator signature)
    ) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_database_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine:
    """Build the engine for ``url`` with oms's durability and transaction settings."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, echo=echo)
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        hide_parameters=True,
        echo=echo,
    )


BUSY_TIMEOUT_SECONDS = 30


class WriterLock:
    """The in-process queue of one SQLite file's writers (see the module's docstring).

    Held from ``BEGIN IMMEDIATE`` until the connection is checked back in (or invalidated), by
    one pooled connection: its ``info`` says so, so a second transaction on the same connection
    does not wait for itself, and only the holder's check-in releases it. A thread that already
    holds it and opens another writing connection does not queue behind itself: it goes
    straight to SQLite, whose busy timeout answers as it did before this lock existed.
    """

    _HELD = "oms_sqlite_writer"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None

    def acquire(self, info: dict[Any, Any]) -> None:
        if info.get(self._HELD) or self._owner == threading.get_ident():
            return
        if not self._lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            raise sqlite3.OperationalError("database is locked (waited for the writer lock)")
        self._owner = threading.get_ident()
        info[self._HELD] = True

    def release(self, info: dict[Any, Any]) -> None:
        if info.pop(self._HELD, False):
            self._owner = None
            self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()


_writer_locks: dict[str, WriterLock] = {}
_writer_locks_guard = threading.Lock()


def writer_lock(engine: Engine) -> WriterLock | None:
    """The writer lock of ``engine``'s SQLite file (shared by every engine on that file in this
    process), or None: PostgreSQL, or an in-memory SQLite database."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if database in (None, "", ":memory:"):
        return None
    path = str(Path(str(database)).resolve())
    with _writer_locks_guard:
        return _writer_locks.setdefault(path, WriterLock())


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    memory = make_url(url).database in (None, "", ":memory:")
    engine = create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        connect_args={
            "timeout": BUSY_TIMEOUT_SECONDS,
            "check_same_thread": False,
            "isolation_level": None,
        },
        **({"poolclass": StaticPool} if memory else {"pool_size": 8, "max_overflow": 8}),
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    lock = writer_lock(engine)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if not conn.get_execution_options().get("oms_write", True):
            conn.exec_driver_sql("BEGIN")
            return
        if lock is None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        info = conn.connection.info  # the pooled connection's, kept until it is closed
        lock.acquire(info)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            lock.release(info)
            raise

    if lock is not None:

        @event.listens_for(engine, "checkin")
        def _checked_in(_dbapi: Any, record: Any) -> None:
            lock.release(record.info)

        @event.listens_for(engine, "invalidate")
        def _invalidated(_dbapi: Any, record: Any, _error: Any) -> None:
            lock.release(record.info)

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
