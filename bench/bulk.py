"""Loading generated rows fast: COPY on PostgreSQL, executemany of a Core insert on SQLite.

Rows are tuples of Python values in the order of ``columns`` (UUIDs, aware datetimes, dicts for
JSON columns), so one generator serves both databases.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import JSON, Table, insert

from bench.databases import Database, connect_raw

Row = tuple[Any, ...]
BATCH = 5_000


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def load(db: Database, table: Table, columns: Sequence[str], rows: Iterable[Row]) -> int:
    """Append ``rows`` to ``table`` in one transaction; returns how many were written."""
    if db.is_postgres:
        return _copy(db, table, columns, rows)
    count = 0
    statement = insert(table)
    with db.engine.begin() as connection:
        for chunk in _chunks(rows, BATCH):
            connection.execute(statement, [dict(zip(columns, row, strict=True)) for row in chunk])
            count += len(chunk)
    return count


def _copy(db: Database, table: Table, columns: Sequence[str], rows: Iterable[Row]) -> int:
    as_json = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    names = ", ".join(f'"{name}"' for name in columns)
    count = 0
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    with connect_raw(db) as connection, connection.cursor().copy(statement) as copy:
        for row in rows:
            values = list(row)
            for i in as_json:
                if values[i] is not None:
                    values[i] = json.dumps(values[i])
            copy.write_row(values)
            count += 1
    return count


def analyze(db: Database) -> None:
    """Refresh the planner's statistics (and, on PostgreSQL, the visibility map) after a load,
    so no autovacuum or stale plan lands in the middle of a measurement."""
    connection = connect_raw(db)
    try:
        if db.is_postgres:
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE")
        else:
            connection.execute("ANALYZE")
    finally:
        connection.close()


SECONDARY_INDEXES = """
SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
"""


@contextmanager
def secondary_indexes_deferred(db: Database, tables: Sequence[str]) -> Iterator[None]:
    """On PostgreSQL, drop the tables' indexes that back no constraint for the block and build
    them again after it: one sort per index instead of a million random inserts."""
    if not db.is_postgres:
        yield
        return
    with connect_raw(db) as connection:
        connection.autocommit = True
        found = connection.execute(SECONDARY_INDEXES, [list(tables)]).fetchall()
        for name, _ in found:
            connection.execute(f'DROP INDEX "{name}"')
        try:
            yield
        finally:
            for _, definition in found:
                connection.execute(definition)
