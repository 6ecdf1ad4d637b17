"""Running a report's SQL: the range bound as UTC instants, rows as plain tuples of ints and
strings (a driver's ``Decimal`` from ``SUM`` becomes an ``int``: every figure is whole)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, text

from oms.platform.database import UTCDateTime
from oms.reports.domain import Filters, Value
from oms.reports.repository.sql import Dialect

INSTANTS = ("start", "end", "demand_start")


def dialect_of(connection: Connection) -> Dialect:
    return Dialect(connection.dialect.name)


def params(filters: Filters, **more: Any) -> dict[str, Any]:
    """The bound values: the range as instants (``end`` exclusive), channel and country."""
    found: dict[str, Any] = {
        "start": datetime.combine(filters.start, time(), tzinfo=UTC),
        "end": datetime.combine(filters.end_exclusive, time(), tzinfo=UTC),
        "demand_start": datetime.combine(
            filters.end_exclusive - timedelta(days=28), time(), tzinfo=UTC
        ),
    }
    if filters.channel is not None:
        found["channel"] = filters.channel
    if filters.country is not None:
        found["country"] = filters.country
    found.update(more)
    return found


def fetch(connection: Connection, sql: str, values: dict[str, Any]) -> list[tuple[Value, ...]]:
    """The rows of ``sql``, each value an ``int``, a ``str`` or None."""
    statement = text(sql)
    typed = [bindparam(name, type_=UTCDateTime()) for name in INSTANTS if f":{name}" in sql]
    if typed:
        statement = statement.bindparams(*typed)
    used = {name: value for name, value in values.items() if f":{name}" in sql}
    return [tuple(_plain(value) for value in row) for row in connection.execute(statement, used)]


def _plain(value: object) -> Value:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float):
        whole = int(value)
        if whole != value:
            raise ValueError(f"a report figure is not whole: {value!r}")
        return whole
    return str(value)


def where(*conditions: str | Sequence[str]) -> str:
    found: list[str] = []
    for condition in conditions:
        found.extend([condition] if isinstance(condition, str) else condition)
    return " AND ".join(found) if found else "1 = 1"
