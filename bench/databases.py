"""The databases a run measures: a fresh PostgreSQL database and a fresh SQLite file.

Each is created for the run and dropped after it. ``connect_raw`` opens a plain driver
connection with exactly the settings oms's engine uses, for the raw arm and bulk loading.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from oms.app import migrations
from oms.platform.database import create_database_engine

POSTGRESQL = "postgresql"
SQLITE = "sqlite"


@dataclass(frozen=True, slots=True)
class Database:
    kind: str
    url: str
    """The URL as ``OMS_DATABASE_URL`` takes it."""
    engine: Engine

    @property
    def is_postgres(self) -> bool:
        return self.kind == POSTGRESQL


def libpq_url(url: str, database: str | None = None) -> str:
    """``url`` as libpq (psycopg, pgbench) takes it, naming ``database`` if given."""
    found = make_url(url).set(drivername="postgresql")
    if database is not None:
        found = found.set(database=database)
    return found.render_as_string(hide_password=False)


def _admin(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection to the server's ``postgres`` database (CREATE/DROP DATABASE)."""
    return psycopg.connect(libpq_url(url, "postgres"), autocommit=True)


def drop_postgres(url: str) -> None:
    name = make_url(url).database
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_postgres(url: str) -> None:
    """An empty database named by ``url`` (a leftover from an interrupted run is replaced)."""
    drop_postgres(url)
    name = make_url(url).database
    with _admin(url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def postgres(url: str, *, pool_size: int) -> Iterator[Database]:
    """A migrated PostgreSQL database for the length of the block."""
    create_postgres(url)
    engine = create_database_engine(url, pool_size=pool_size)
    try:
        migrations.upgrade(url)
        yield Database(POSTGRESQL, url, engine)
    finally:
        engine.dispose()
        drop_postgres(url)


@contextmanager
def sqlite() -> Iterator[Database]:
    """A migrated SQLite file in a temporary directory for the length of the block."""
    with tempfile.TemporaryDirectory(prefix="oms-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'oms.db'}"
        migrations.upgrade(url)
        engine = create_database_engine(url)
        try:
            yield Database(SQLITE, url, engine)
        finally:
            engine.dispose()


def connect_raw(db: Database) -> Any:
    """A driver connection (psycopg or sqlite3) set up as oms's engine sets up its own."""
    if db.is_postgres:
        return psycopg.connect(libpq_url(db.url))
    path = str(make_url(db.url).database)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    for pragma in (
        "journal_mode=WAL",
        "synchronous=FULL",
        "foreign_keys=ON",
        "busy_timeout=30000",
    ):
        connection.execute(f"PRAGMA {pragma}")
    return connection
