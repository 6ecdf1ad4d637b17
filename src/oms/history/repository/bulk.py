"""Appending many rows in the caller's transaction: COPY on PostgreSQL (psycopg's
``cursor.copy``), the driver's ``executemany`` on SQLite.

Rows are tuples in the order of ``columns``. Values are what both drivers take without
SQLAlchemy's per-value processing (measured: it was most of an import's time): ids as 32 hex
digits (SQLite stores UUIDs so; PostgreSQL's uuid input reads them), aware UTC datetimes,
dicts and lists for JSON columns. Only the datetime and JSON columns are converted here, per
database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Table

from oms.platform.database import UTCDateTime

Row = tuple[Any, ...]

SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
"""How SQLAlchemy's SQLite dialect stores a (naive, UTC here) datetime: reads compare as text."""


def _sqlite_datetime() -> Any:
    """A converter of datetimes to SQLite's text, remembering each value's text (an import's
    rows share a few tens of thousands of times)."""
    texts: dict[datetime, str] = {}

    def convert(value: datetime | None) -> str | None:
        if value is None:
            return None
        text = texts.get(value)
        if text is None:
            text = texts[value] = value.astimezone(UTC).strftime(SQLITE_DATETIME)
        return text

    return convert


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _converters(table: Table, columns: Sequence[str], sqlite: bool) -> list[tuple[int, Any]]:
    found: list[tuple[int, Any]] = []
    for i, name in enumerate(columns):
        kind = table.c[name].type
        if isinstance(kind, JSON):
            found.append((i, _json))
        elif sqlite and isinstance(kind, UTCDateTime):
            found.append((i, _sqlite_datetime()))
        elif sqlite and isinstance(kind, Boolean):
            found.append((i, lambda value: None if value is None else int(value)))
    return found


def _converted(rows: Iterable[Row], converters: list[tuple[int, Any]]) -> Iterable[Row]:
    if not converters:
        yield from rows
        return
    for row in rows:
        values = list(row)
        for i, convert in converters:
            values[i] = convert(values[i])
        yield tuple(values)


def append(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Row]) -> None:
    """Insert ``rows`` into ``table`` within ``conn``'s transaction."""
    sqlite = conn.dialect.name == "sqlite"
    values = _converted(rows, _converters(table, columns, sqlite))
    names = ", ".join(f'"{name}"' for name in columns)
    driver: Any = conn.connection.dbapi_connection
    assert driver is not None
    if sqlite:
        marks = ", ".join("?" for _ in columns)
        driver.cursor().executemany(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',  # noqa: S608 - table metadata
            values,
        )
        return
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in values:
            copy.write_row(row)
