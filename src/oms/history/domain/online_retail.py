"""The UCI "Online Retail" export: ``InvoiceNo,StockCode,Description,Quantity,InvoiceDate,
UnitPrice,CustomerID,Country``, prices in GBP, dates ``M/D/YYYY H:MM`` in UK local time.

What each kind of line becomes is decided here (docs/import.md has the table):

- ``InvoiceNo`` ``C...`` is a credit note (cancellation), ``A...`` a bad-debt adjustment, any
  other an order.
- Codes that are not goods (postage, fees, discounts, manual entries, vouchers) become charges
  of the ``CODE_KINDS`` kind.
- A negative quantity outside a credit note (stock written off: "damaged", "?", price 0, no
  customer) is no sale: rejected, since history does not move stock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from operator import itemgetter
from zoneinfo import ZoneInfo

from oms.history.domain.source import (
    BadLine,
    DocumentKind,
    LineKind,
    Priced,
    SourceLine,
    parse_price,
    parse_quantity,
    priced,
)

COLUMNS = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
CURRENCY = "GBP"
UK = ZoneInfo("Europe/London")

CODE_KINDS: Mapping[str, LineKind] = {
    "POST": LineKind.SHIPPING,
    "DOT": LineKind.SHIPPING,
    "C2": LineKind.SHIPPING,
    "D": LineKind.DISCOUNT,
    "M": LineKind.MANUAL,
    "BANK CHARGES": LineKind.FEE,
    "AMAZONFEE": LineKind.FEE,
    "CRUK": LineKind.FEE,
    "S": LineKind.ADJUSTMENT,
    "B": LineKind.BAD_DEBT,
}
"""Codes that are not goods, upper-cased (the file has ``M`` and ``m``). ``PADS`` ("pads to
match all cushions") is goods and stays a product; gift vouchers (``gift_0001_*``) are
``other``."""

VOUCHER_PREFIX = "GIFT_"

COUNTRIES: Mapping[str, str] = {
    "Australia": "AU",
    "Austria": "AT",
    "Bahrain": "BH",
    "Belgium": "BE",
    "Brazil": "BR",
    "Canada": "CA",
    "Channel Islands": "JE",
    "Cyprus": "CY",
    "Czech Republic": "CZ",
    "Denmark": "DK",
    "EIRE": "IE",
    "European Community": "EU",
    "Finland": "FI",
    "France": "FR",
    "Germany": "DE",
    "Greece": "GR",
    "Hong Kong": "HK",
    "Iceland": "IS",
    "Israel": "IL",
    "Italy": "IT",
    "Japan": "JP",
    "Lebanon": "LB",
    "Lithuania": "LT",
    "Malta": "MT",
    "Netherlands": "NL",
    "Norway": "NO",
    "Poland": "PL",
    "Portugal": "PT",
    "RSA": "ZA",
    "Saudi Arabia": "SA",
    "Singapore": "SG",
    "Spain": "ES",
    "Sweden": "SE",
    "Switzerland": "CH",
    "USA": "US",
    "United Arab Emirates": "AE",
    "United Kingdom": "GB",
    "Unspecified": "ZZ",
}
"""The file's country names and the ISO 3166-1 code on the order's address. Three have none:
``Channel Islands`` -> ``JE`` (Jersey and Guernsey have codes of their own; the file does not
say which, Jersey is the larger), ``European Community`` -> ``EU`` (exceptionally reserved for
the European Union), ``Unspecified`` -> ``ZZ`` (user-assigned, "unknown"). The name as written is
kept in ``history_documents.source_country``."""


def line_kind(code: str) -> LineKind:
    """What a stock code is: goods, or the kind of charge it stands for."""
    upper = code.upper()
    if upper.startswith(VOUCHER_PREFIX):
        return LineKind.OTHER
    return CODE_KINDS.get(upper, LineKind.PRODUCT)


def parse_invoice_date(text: str) -> datetime:
    """``M/D/YYYY H:MM`` in UK local time, as an aware UTC instant."""
    try:
        day, clock = text.strip().split(" ")
        month, dom, year = (int(part) for part in day.split("/"))
        hour, minute = (int(part) for part in clock.split(":"))
        local = datetime(year, month, dom, hour, minute, tzinfo=UK)
    except ValueError:
        raise BadLine("InvoiceDate", f"not M/D/YYYY H:MM: {text!r}") from None
    return local.astimezone(UTC)


def _document(text: str) -> tuple[str, DocumentKind]:
    invoice = text.strip()
    if not invoice or len(invoice) > 100:
        raise BadLine("InvoiceNo", "missing" if not invoice else "longer than 100 characters")
    if invoice.startswith("C"):
        return invoice, DocumentKind.CANCELLATION
    if invoice.startswith("A"):
        return invoice, DocumentKind.ADJUSTMENT
    return invoice, DocumentKind.ORDER


def _code(text: str) -> tuple[str, LineKind]:
    code = text.strip()
    if not code or len(code) > 64:
        raise BadLine("StockCode", "missing" if not code else "longer than 64 characters")
    return code, line_kind(code)


def _customer_ref(text: str) -> str | None:
    ref = text.strip()
    if ref.endswith(".0"):
        ref = ref[:-2]
    return ref or None


def _country(text: str) -> tuple[str, str]:
    name = text.strip()
    country = COUNTRIES.get(name)
    if country is None:
        raise BadLine("Country", f"unknown country {name!r}")
    return country, name


_NEGATIVE_OUTSIDE_A_CREDIT_NOTE = (
    "negative quantity outside a credit note: a stock adjustment, not a sale "
    "(history does not move stock)"
)


_Document = tuple[str, DocumentKind, int, datetime, str | None, str, str]
"""What a line's invoice, date, customer and country texts say: (document, kind, its
``_RULES`` number, placed_at, customer ref, ISO country, country as written)."""
_Item = tuple[str, LineKind, str]
"""What a line's code and description texts say: (code, kind of line, description)."""


_RULES = {DocumentKind.ORDER: 0, DocumentKind.CANCELLATION: 1, DocumentKind.ADJUSTMENT: 2}
"""The sign rules of each kind of document as a plain number: cache keys hash it at C speed
(an enum member's hash is a Python call)."""
_ADJUSTMENT = _RULES[DocumentKind.ADJUSTMENT]
_BAD_DEBT = LineKind.BAD_DEBT


class Parser:
    """Lines of one file (values in the order of its ``header``) as ``SourceLine``s, or
    ``BadLine`` naming the field and why.

    A year of a shop's lines repeats a few tens of thousands of invoices (each with its date,
    customer and country), a few thousand codes with their descriptions and a few thousand
    (quantity, price) pairs: each distinct combination is read once (``Decimal`` once per
    price, a date once per ``InvoiceDate``, codes and names shared by every line that has
    them), so a line costs three dictionary look-ups. A combination not seen before takes the
    one checked path (``_checked``), field by field in the file's order, which fills the
    caches when the whole line is good. The caches live as long as the parser: one file."""

    def __init__(self, header: Sequence[str]) -> None:
        self._fields = itemgetter(*(header.index(name) for name in COLUMNS))
        self._documents: dict[tuple[str, str, str, str], _Document] = {}
        self._items: dict[tuple[str, str], _Item] = {}
        self._money: dict[tuple[int, str, str], Priced] = {}

    def __call__(self, row: int, values: Sequence[str]) -> SourceLine:
        invoice, code, description, quantity, date, price, ref, where = self._fields(values)
        try:
            document, document_kind, rule, placed_at, customer_ref, country, country_name = (
                self._documents[invoice, date, ref, where]
            )
            code, kind, description = self._items[code, description]
            money = self._money[rule, quantity, price]
        except KeyError:
            return self._checked(row, values)
        return SourceLine(
            row,
            document,
            document_kind,
            placed_at,
            customer_ref,
            None,
            None,
            country,
            country_name,
            CURRENCY,
            code,
            description,
            money.quantity,
            money.unit_price,
            _BAD_DEBT if rule == _ADJUSTMENT else kind,
            money.exact_amount,
            money.amount_minor,
            money.unit_price_minor,
        )

    def _checked(self, row: int, values: Sequence[str]) -> SourceLine:
        """The line read field by field (the first bad field is the one a reject names); its
        readings cached once it is known good."""
        invoice_text, code_text, description_text, quantity_text, date_text, price_text = (
            self._fields(values)[:6]
        )
        ref_text, where = self._fields(values)[6:]
        document, document_kind = _document(invoice_text)
        code, kind = _code(code_text)
        quantity = parse_quantity(quantity_text, "Quantity")
        price = parse_price(price_text, "UnitPrice")
        placed_at = parse_invoice_date(date_text)
        country, country_name = _country(where)
        if document_kind is not DocumentKind.ADJUSTMENT:
            _check_signs(document_kind, quantity, price)
        rule = _RULES[document_kind]
        self._documents[invoice_text, date_text, ref_text, where] = (
            document, document_kind, rule, placed_at, _customer_ref(ref_text), country,
            country_name,
        )  # fmt: skip
        self._items[code_text, description_text] = (
            code, kind, description_text.strip()[:300] or code,
        )  # fmt: skip
        self._money[rule, quantity_text, price_text] = priced(quantity, price, CURRENCY)
        return self(row, values)


def parse_line(row: int, values: Mapping[str, str]) -> SourceLine:
    """One line, given by column name, as a ``SourceLine`` (a parser of its own: for a single
    line; a file is read with one ``Parser``)."""
    return Parser(COLUMNS)(row, [values[name] for name in COLUMNS])


def _check_signs(document_kind: DocumentKind, quantity: int, price: Decimal) -> None:
    if document_kind is DocumentKind.ORDER and quantity < 0:
        raise BadLine("Quantity", _NEGATIVE_OUTSIDE_A_CREDIT_NOTE)
    if document_kind is DocumentKind.CANCELLATION and quantity > 0:
        raise BadLine("Quantity", "positive quantity on a credit note")
    if price < 0:
        raise BadLine("UnitPrice", "negative price")
