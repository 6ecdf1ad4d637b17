"""Reading a history file: plain, xz- or gzip-compressed CSV, parsed line by line into
``SourceLine``s and ``Reject``s, with the file's own figures."""

from __future__ import annotations

import csv
import enum
import gzip
import io
import lzma
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import IO

from oms.history.domain import generic, online_retail
from oms.history.domain.errors import MissingColumns, NotACsv, UnknownFormat
from oms.history.domain.figures import FileFigures
from oms.history.domain.source import BadLine, Reject, SourceLine


class ImportFormat(enum.StrEnum):
    ONLINE_RETAIL = "online-retail"
    GENERIC = "generic"

    @classmethod
    def parse(cls, given: str) -> ImportFormat:
        try:
            return cls(given)
        except ValueError:
            raise UnknownFormat(given) from None


Parser = Callable[[int, Sequence[str]], SourceLine]
"""Makes a ``SourceLine`` of a line's values (in the header's order), given its line number."""
Tick = Callable[[int], None]
"""Told the number of lines read so far, every ``TICK_EVERY`` lines."""
TICK_EVERY = 25_000

_FIGURE_COLUMNS = {
    ImportFormat.ONLINE_RETAIL: (
        "InvoiceNo",
        "StockCode",
        "CustomerID",
        "Country",
        "Quantity",
        "UnitPrice",
    ),
    ImportFormat.GENERIC: ("order_id", "sku", "customer_id", "country", "quantity", "unit_price"),
}


@dataclass(slots=True)
class ReadFile:
    lines: list[SourceLine] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    figures: FileFigures = field(default_factory=FileFigures)


def _required(format_: ImportFormat) -> tuple[str, ...]:
    if format_ is ImportFormat.ONLINE_RETAIL:
        return online_retail.COLUMNS
    return generic.REQUIRED


def _parser(format_: ImportFormat, header: Sequence[str]) -> Parser:
    if format_ is ImportFormat.ONLINE_RETAIL:
        return online_retail.Parser(header)
    return generic.Parser(header)


def decompressed(content: bytes) -> bytes:
    """The CSV's bytes, decompressed when xz or gzip (recognised by their magic bytes)."""
    try:
        if content[:6] == b"\xfd7zXZ\x00":
            return lzma.decompress(content)
        if content[:2] == b"\x1f\x8b":
            return gzip.decompress(content)
    except (lzma.LZMAError, OSError, EOFError) as error:
        raise NotACsv(f"cannot decompress it ({error})") from None
    return content


def _text(content: bytes) -> IO[str]:
    if b"\x00" in content[:4096]:
        raise NotACsv("it holds binary data")
    try:
        return io.StringIO(content.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError as error:
        raise NotACsv(f"not UTF-8 ({error.reason} at byte {error.start})") from None


def read(content: bytes, format_: ImportFormat, tick: Tick | None = None) -> ReadFile:
    """Every line of ``content`` as a source line or a reject; ``MissingColumns`` or
    ``NotACsv`` when the file as a whole cannot be read."""
    reader = csv.reader(_text(decompressed(content)))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise NotACsv("it is empty") from None
    except csv.Error as error:
        raise NotACsv(str(error)) from None
    missing = [name for name in _required(format_) if name not in header]
    if missing:
        raise MissingColumns(missing)
    result = ReadFile()
    try:
        _read_lines(reader, header, format_, result, tick)
    except csv.Error as error:
        raise NotACsv(f"line {reader.line_num}: {error}") from None
    return result


def _read_lines(
    reader: Iterator[list[str]],
    header: list[str],
    format_: ImportFormat,
    result: ReadFile,
    tick: Tick | None,
) -> None:
    """The loop over the data lines, kept to C-speed steps per line: the csv module splits,
    the parser looks its fields up in its caches, the file's figures are set additions and a
    count per (quantity, price) text."""
    parse = _parser(format_, header)
    width = len(header)
    padding = [""] * width
    # a figure column the file lacks (generic's optional ones) reads as an empty last value
    names = _FIGURE_COLUMNS[format_]
    tail = [""] if any(name not in header for name in names) else []
    figures = itemgetter(*(header.index(name) if name in header else width for name in names))
    documents, codes = result.figures.documents, result.figures.codes
    customers, countries = result.figures.customers, result.figures.countries
    pairs = result.figures.pairs
    lines, rejects = result.lines, result.rejects
    counted = 0
    for number, given in enumerate(reader, start=2):
        if not given:
            continue
        values = given if len(given) == width and not tail else (given + padding)[:width] + tail
        document, code, customer, country, quantity, price = figures(values)
        counted += 1
        documents.add(document)
        codes.add(code)
        customers.add(customer)
        countries.add(country)
        pairs[quantity, price] = pairs.get((quantity, price), 0) + 1
        if tick is not None and number % TICK_EVERY == 0:
            tick(number - 1)
        try:
            lines.append(parse(number, values))
        except BadLine as bad:
            rejects.append(_reject(number, bad, document, quantity, price))
    customers.discard("")
    countries.discard("")
    result.figures.lines = counted


def _reject(row: int, bad: BadLine, document: str, quantity: str, price: str) -> Reject:
    """The reject, with its quantity and amount when they can be read (for the summary's
    reconciliation of the file's sums)."""
    try:
        units = int(quantity)
        amount = Decimal(price) * units
    except (ValueError, InvalidOperation):
        units, amount = 0, Decimal(0)
    return Reject(
        row=row,
        field=bad.field,
        reason=bad.reason,
        document=document,
        quantity=units,
        exact_amount=amount,
    )


HEAD_BYTES = 65_536


def _head(content: bytes) -> bytes:
    """The first bytes of the CSV, decompressing only as much as needed."""
    try:
        if content[:6] == b"\xfd7zXZ\x00":
            return lzma.LZMADecompressor().decompress(content, max_length=HEAD_BYTES)
        if content[:2] == b"\x1f\x8b":
            return zlib.decompressobj(wbits=31).decompress(content, HEAD_BYTES)
    except (lzma.LZMAError, zlib.error) as error:
        raise NotACsv(f"cannot decompress it ({error})") from None
    return content[:HEAD_BYTES]


def check_header(content: bytes, format_: ImportFormat) -> None:
    """Refuse at once a file that is no CSV of ``format_`` (``NotACsv``, ``MissingColumns``),
    before it is queued: only its first bytes are read."""
    head = _head(content)
    if not head.strip():
        raise NotACsv("it is empty")
    if b"\x00" in head[:4096]:
        raise NotACsv("it holds binary data")
    first_line = head.split(b"\n", 1)[0]
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotACsv(f"not UTF-8 ({error.reason})") from None
    header = [name.strip() for name in next(csv.reader([text]), [])]
    missing = [name for name in _required(format_) if name not in header]
    if missing:
        raise MissingColumns(missing)
