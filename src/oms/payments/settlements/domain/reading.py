"""Reading a settlement CSV: its header, its cells, and every problem named by line and column.

A file is read whole before anything is matched: a header that lacks required columns is refused
at once, naming them all; bad cells are collected (up to ``MAX_PROBLEMS``) and refused together as
``line N, column``, so a finance user fixes a file in one round instead of one error at a time.
Columns the format does not know are ignored (providers add columns over time).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from oms.payments.settlements.domain.errors import (
    MissingColumns,
    UnreadableStatement,
    UnreadableValues,
)
from oms.shared.errors import FieldProblem
from oms.shared.money import Money, in_range, is_currency

MAX_PROBLEMS = 50
T = TypeVar("T")


class BadCell(ValueError):
    """A cell that cannot be read; the message says why, the reader adds where."""


class Row:
    """One data line of the file: its line number and its cells by column name."""

    def __init__(self, line: int, cells: Mapping[str, str], problems: list[FieldProblem]) -> None:
        self.line = line
        self._cells = cells
        self._problems = problems

    def text(self, column: str) -> str | None:
        """The cell stripped of blanks, or None when it is empty or the column is absent."""
        value = (self._cells.get(column) or "").strip()
        return value or None

    def read(self, column: str, parse: Callable[[str], T], *, required: bool = True) -> T | None:
        """The cell parsed, or None (empty and optional, or unreadable: the problem is kept)."""
        value = self.text(column)
        if value is None:
            if required:
                self.problem(column, "is empty")
            return None
        try:
            return parse(value)
        except BadCell as bad:
            self.problem(column, str(bad))
            return None

    def problem(self, column: str, message: str) -> None:
        self._problems.append(FieldProblem(f"line {self.line}, {column}", message))


def read_rows(text: str, *, required: Sequence[str]) -> Iterator[Row]:
    """The file's data rows, after checking that its header has every required column.

    Raises ``MissingColumns`` naming every absent required column, and ``UnreadableValues``
    (after the last row) naming every bad cell the caller reported through ``Row.problem``.
    """
    if "\x00" in text:
        raise UnreadableStatement("the file contains NUL characters: it is not a CSV text file")
    whole = text.removeprefix("\ufeff")
    body = whole.lstrip("\r\n")  # blank lines before the header
    skipped = whole[: len(whole) - len(body)].count("\n")
    reader = csv.DictReader(io.StringIO(body))
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        raise UnreadableStatement(f"the header line is not valid CSV: {error}") from None
    if not header:
        raise UnreadableStatement("the file is empty: it has no header line")
    reader.fieldnames = header
    missing = [name for name in required if name not in header]
    if missing:
        raise MissingColumns(missing, found=header)
    problems: list[FieldProblem] = []
    try:
        for cells in reader:
            if not any((value or "").strip() for value in cells.values() if isinstance(value, str)):
                continue  # a blank line (spreadsheets often leave one at the end)
            yield Row(reader.line_num + skipped, cells, problems)
            if len(problems) >= MAX_PROBLEMS:
                break
    except csv.Error as error:
        raise UnreadableStatement(
            f"line {reader.line_num + skipped} is not valid CSV: {error}"
        ) from None
    if problems:
        raise UnreadableValues(problems[:MAX_PROBLEMS])


def parse_decimal(value: str) -> Decimal:
    """An amount in major units (``-20.00``); a decimal comma (``-20,00``) is read as a point."""
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise BadCell(f"{value!r} is not a decimal amount") from None
    if not amount.is_finite():
        raise BadCell(f"{value!r} is not a finite amount")
    return amount


def parse_currency(value: str) -> str:
    """An ISO 4217 code in any case (Stripe writes ``usd``)."""
    code = value.upper()
    if not is_currency(code):
        raise BadCell(f"{value!r} is not an ISO 4217 currency")
    return code


def parse_instant(value: str) -> datetime:
    """A UTC instant: ``2026-11-30 14:05:00`` (Stripe's ``*_utc`` columns), ISO 8601 with or
    without a zone (none means UTC), a bare date, or Unix seconds."""
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadCell(f"{value!r} is not a date and time") from None
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def money(row: Row, column: str, amount: Decimal | None, currency: str | None) -> Money | None:
    """``amount`` in ``currency`` with exactly the currency's minor units, or None (the problem
    is kept): ``1.005`` EUR is refused, not rounded, because a settlement is never a fraction of
    a cent."""
    if amount is None or currency is None:
        return None
    if not in_range(amount, currency):
        row.problem(column, f"{amount} is too large for {currency}")
        return None
    found = Money(amount, currency)
    if found.amount != amount:
        row.problem(column, f"{amount} has more decimals than {currency} has minor units")
        return None
    return found
