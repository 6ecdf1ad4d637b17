"""Hot statements as driver-level SQL: written once per dialect, run with ``exec_driver_sql``.

Order placement runs a handful of writes (the order row, its lines, allocations, timeline, the
stock movements and the outbox) on every request. Through Core each one costs a cache-key walk,
a compiled-cache lookup and per-value type processing; as driver SQL the text is fixed and the
values are bound by position. ``Connection.exec_driver_sql`` still fires SQLAlchemy's
``before_cursor_execute`` events, so the statement counts and logs see these statements; a list
of rows goes to the driver's ``executemany`` (pipelined by psycopg).

Values are bound exactly as the Core column types store them, so everything else keeps reading
the rows through Core: ``Uuid`` as 32 hex characters on SQLite and natively on PostgreSQL,
``UTCDateTime`` as naive UTC text on SQLite (SQLAlchemy's ``YYYY-MM-DD HH:MM:SS.ffffff``) and
aware on PostgreSQL, ``JSON`` as JSON text (orjson) (cast ``::json`` on PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
import psycopg
from sqlalchemy import Connection, CursorResult


def _uuid_text(value: UUID | None) -> str | None:
    return None if value is None else value.hex


def _uuid_native(value: UUID | None) -> UUID | None:
    return value


def _at_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _at_native(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
    return value


def _json(value: Any) -> str:
    """JSON text; ``None`` is JSON ``null``, as Core's ``JSON`` stores it (``none_as_null``).
    orjson: a placement writes about ten JSON values (addresses, timeline details with the
    sourcing explanation, event payloads), and the standard library's encoder took 5 us more
    for each; what is read back is the same."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


class Binder:
    """How one dialect takes the values of the Core types (``uuid``, ``at``, ``json``)."""

    __slots__ = ("at", "json", "postgresql", "uuid")

    def __init__(self, postgresql: bool) -> None:
        self.postgresql = postgresql
        self.uuid = _uuid_native if postgresql else _uuid_text
        self.at = _at_native if postgresql else _at_text
        self.json = _json

    def read_uuid(self, value: Any) -> UUID:
        """A ``Uuid`` column's value as the driver returns it (hex text on SQLite)."""
        return value if isinstance(value, UUID) else UUID(hex=value)


_BINDERS = {True: Binder(True), False: Binder(False)}


def binder(connection: Connection) -> Binder:
    return _BINDERS[connection.dialect.name == "postgresql"]


_NUMBERED: dict[str, str] = {}


def _numbered(text: str) -> str:
    """PostgreSQL's text with ``$1, $2, ...`` for its ``%s`` placeholders, made once per text."""
    found = _NUMBERED.get(text)
    if found is None:
        pieces = text.split("%s")
        numbered = [pieces[0]]
        for n, piece in enumerate(pieces[1:], start=1):
            numbered.append(f"${n}{piece}")
        found = _NUMBERED[text] = "".join(numbered)
    return found


def execute(connection: Connection, text: str, params: Any) -> CursorResult[Any]:
    """Run this module's text with ``params`` (one tuple, or a list of them for executemany).

    On PostgreSQL the statement goes to psycopg's ``RawCursor`` with native ``$n`` placeholders:
    psycopg would otherwise parse the text for ``%s`` on every execution of a statement with
    more than 50 parameters (its conversion cache stops there), and a placement's order
    statement has a hundred or more. It still runs through ``exec_driver_sql``, so SQLAlchemy's
    events (statement counts, logs) see it.
    """
    if connection.dialect.name != "postgresql":
        return connection.exec_driver_sql(text, params)
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    previous = driver.cursor_factory
    driver.cursor_factory = psycopg.RawCursor
    try:
        return connection.exec_driver_sql(_numbered(text), params)
    finally:
        driver.cursor_factory = previous


_CAST = re.compile(r"\?::\w+")


class DriverSql:
    """One statement's text for SQLite and PostgreSQL, prepared once.

    Write it with ``?`` for a parameter, cast where PostgreSQL must know the type (``?::json``
    for JSON text, ``?::uuid``, ``?::bigint`` in a VALUES list); SQLite's text drops the casts.
    PostgreSQL's text gets ``%s`` for ``?`` (no ``%`` may appear otherwise).
    """

    __slots__ = ("postgresql", "sqlite")

    def __init__(self, text: str, *, postgresql: str | None = None) -> None:
        self.sqlite = _CAST.sub("?", text)
        self.postgresql = (postgresql if postgresql is not None else text).replace("?", "%s")

    def text(self, connection: Connection) -> str:
        return self.postgresql if connection.dialect.name == "postgresql" else self.sqlite

    def run(self, connection: Connection, params: tuple[Any, ...]) -> CursorResult[Any]:
        """Execute with one row of parameters."""
        return execute(connection, self.text(connection), params)


MANY_ROWS = 64
"""Rows up to which an INSERT is one statement with a VALUES list; more go to ``executemany``."""


class DriverInsert:
    """An INSERT of any number of rows as one statement with a VALUES list, its text written
    once per dialect and row count (more than ``MANY_ROWS`` rows: one ``executemany``).

    One statement for a few rows costs the driver half what ``executemany`` does (psycopg
    enters pipeline mode and syncs for it) and keeps a placement's round trips at one per
    table. ``json`` names the columns bound as JSON text; ``suffix`` follows the VALUES list
    (``ON CONFLICT ...``).
    """

    __slots__ = ("_head", "_row", "_suffix", "_texts")

    def __init__(
        self,
        table: str,
        columns: Sequence[str],
        *,
        json: Collection[str] = (),
        suffix: str = "",
    ) -> None:
        self._head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 (names)
        self._row = "(" + ", ".join("?::json" if c in json else "?" for c in columns) + ")"
        self._suffix = f" {suffix}" if suffix else ""
        self._texts: dict[tuple[bool, int], str] = {}

    def text(self, postgresql: bool, rows: int) -> str:
        """The statement's text for ``rows`` rows."""
        text = self._texts.get((postgresql, rows))
        if text is None:
            sql = DriverSql(self._head + ", ".join([self._row] * rows) + self._suffix)
            text = self._texts[(postgresql, rows)] = sql.postgresql if postgresql else sql.sqlite
        return text

    def run(self, connection: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows`` (nothing when there are none)."""
        if not rows:
            return
        postgresql = connection.dialect.name == "postgresql"
        if len(rows) > MANY_ROWS:
            execute(connection, self.text(postgresql, 1), list(rows))
            return
        params = tuple(value for row in rows for value in row)
        execute(connection, self.text(postgresql, len(rows)), params)


_TOGETHER: dict[tuple[tuple[int, int], ...], str] = {}


def insert_together(
    connection: Connection, inserts: Sequence[tuple[DriverInsert, Sequence[tuple[Any, ...]]]]
) -> None:
    """Several INSERTs in one statement on PostgreSQL: the first is the statement, the others
    data-modifying ``WITH`` parts, so an aggregate's rows cost one round trip; foreign keys
    between them hold (they are checked when the statement ends). SQLite has no writable
    ``WITH``: there (and past ``MANY_ROWS`` rows) each INSERT runs on its own. An INSERT without
    rows is left out. The parts may not touch the same rows twice."""
    present = [(insert, rows) for insert, rows in inserts if rows]
    if (
        connection.dialect.name != "postgresql"
        or len(present) < 2
        or any(len(rows) > MANY_ROWS for _, rows in present)
    ):
        for insert, rows in present:
            insert.run(connection, rows)
        return
    key = tuple((id(insert), len(rows)) for insert, rows in present)
    text = _TOGETHER.get(key)
    if text is None:
        parts = [insert.text(True, len(rows)) for insert, rows in present]
        with_parts = ", ".join(f"w{n} AS ({part})" for n, part in enumerate(parts[1:]))
        text = _TOGETHER[key] = f"WITH {with_parts} {parts[0]}"
    params = tuple(value for _, rows in (*present[1:], present[0]) for row in rows for value in row)
    execute(connection, text, params)
