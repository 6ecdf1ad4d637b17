"""SQLite writers in one process queue on a mutex in front of ``BEGIN IMMEDIATE``.

The proof that nobody polls: SQLite's busy timeout is set to zero on every connection, so a
writer that met another's lock inside SQLite would fail at once with ``database is locked``.
Many threads writing through the unit of work all succeed, so each waited on the in-process lock
and was woken when the previous writer's connection went back to the pool.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from oms.platform.database import create_database_engine, writer_lock
from oms.platform.unit_of_work import UnitOfWork

THREADS = 12
WRITES = 20


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'writers.db'}")

    @event.listens_for(engine, "connect")
    def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER PRIMARY KEY)"))
    yield engine
    engine.dispose()


def _next(uow: UnitOfWork) -> None:
    """Read the highest number and write the next: wrong numbers if writers overlapped."""
    with uow.begin() as tx:
        top = tx.connection.execute(text("SELECT coalesce(max(n), 0) FROM counter")).scalar_one()
        tx.connection.execute(text("INSERT INTO counter (n) VALUES (:n)"), {"n": top + 1})


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM counter")).scalar_one())


def test_concurrent_writers_queue_without_database_is_locked(engine: Engine) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def write() -> None:
        uow = UnitOfWork(engine)
        start.wait()
        for _ in range(WRITES):
            try:
                _next(uow)
            except Exception as error:  # collected, asserted on below
                errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert _count(engine) == THREADS * WRITES
    with engine.connect() as connection:
        assert connection.execute(text("SELECT max(n) FROM counter")).scalar_one() == (
            THREADS * WRITES
        )
    lock = writer_lock(engine)
    assert lock is not None
    assert not lock.locked()


def test_the_lock_is_released_when_the_transaction_fails(engine: Engine) -> None:
    uow = UnitOfWork(engine)
    lock = writer_lock(engine)
    assert lock is not None

    held: list[bool] = []

    def refuse() -> None:
        with uow.begin() as tx:
            tx.connection.execute(text("INSERT INTO counter (n) VALUES (1)"))
            held.append(lock.locked())
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        refuse()
    assert held == [True]

    assert not lock.locked()
    done = threading.Thread(target=_next, args=(UnitOfWork(engine),))
    done.start()
    done.join(timeout=5)
    assert not done.is_alive()
    assert _count(engine) == 1  # the refused insert rolled back; the next writer's stands


def test_the_lock_is_released_when_a_statement_fails(engine: Engine) -> None:
    uow = UnitOfWork(engine)
    _next(uow)
    with pytest.raises(Exception, match="UNIQUE"), uow.begin() as tx:
        tx.connection.execute(text("INSERT INTO counter (n) VALUES (1)"))
    lock = writer_lock(engine)
    assert lock is not None
    assert not lock.locked()
    _next(uow)
    assert _count(engine) == 2


def test_readers_do_not_wait_for_the_writer(engine: Engine) -> None:
    _next(UnitOfWork(engine))
    writing, read_done = threading.Event(), threading.Event()
    seen: list[int] = []

    def read() -> None:
        writing.wait(5)
        with UnitOfWork(engine).read() as tx:
            seen.append(tx.connection.execute(text("SELECT count(*) FROM counter")).scalar_one())
        read_done.set()

    reader = threading.Thread(target=read)
    reader.start()
    with UnitOfWork(engine).begin() as tx:
        tx.connection.execute(text("INSERT INTO counter (n) VALUES (2)"))
        writing.set()
        assert read_done.wait(5), "a reader waited for the writer"
    reader.join(timeout=5)
    assert seen == [1]


def test_one_lock_per_file_and_none_for_postgresql_or_memory(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    first = create_database_engine(f"sqlite:///{path}")
    second = create_database_engine(f"sqlite:///{path}")
    memory = create_database_engine("sqlite://")
    try:
        assert writer_lock(first) is writer_lock(second) is not None
        assert writer_lock(memory) is None
    finally:
        for engine in (first, second, memory):
            engine.dispose()
