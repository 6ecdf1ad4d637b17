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

from sqlalchemy import JSON, Table

from bench.databases import Database, connect_raw

Row = tuple[Any, ...]
BATCH = 5_000


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def load(db: Database, table: Table, columns: Sequence[str], rows: Iterable[Row]) -> int:
    """Append ``rows`` to ``table`` in one transaction; returns how many were written.

    The rows are generated consistent, so neither database checks their foreign keys here
    (PostgreSQL's replica role skips the per-row constraint triggers; SQLite's connection turns
    ``foreign_keys`` off); unique and check constraints still hold."""
    if db.is_postgres:
        return _copy(db, table, columns, rows)
    return _sqlite_many(db, table, columns, rows)


def _sqlite_many(db: Database, table: Table, columns: Sequence[str], rows: Iterable[Row]) -> int:
    """``executemany`` on the driver with each value converted by its column's own bind
    processor (UUIDs, UTC instants and JSON stored exactly as oms stores them)."""
    dialect = db.engine.dialect
    processors = [table.c[name].type.bind_processor(dialect) for name in columns]
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608 (our names)
    count = 0
    connection = connect_raw(db)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("BEGIN IMMEDIATE")
        for chunk in _chunks(rows, BATCH):
            connection.executemany(
                statement,
                [
                    tuple(v if p is None else p(v) for p, v in zip(processors, row, strict=True))
                    for row in chunk
                ],
            )
            count += len(chunk)
        connection.execute("COMMIT")
    finally:
        connection.close()
    return count


def _copy(db: Database, table: Table, columns: Sequence[str], rows: Iterable[Row]) -> int:
    as_json = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    names = ", ".join(f'"{name}"' for name in columns)
    count = 0
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    with connect_raw(db) as connection:
        connection.execute("SET session_replication_role = replica")
        with connection.cursor().copy(statement) as copy:
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
