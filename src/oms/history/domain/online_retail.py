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

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from oms.history.domain.source import (
    BadLine,
    DocumentKind,
    LineKind,
    SourceLine,
    parse_price,
    parse_quantity,
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


@lru_cache(maxsize=65536)
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


def _document_kind(invoice: str) -> DocumentKind:
    if invoice.startswith("C"):
        return DocumentKind.CANCELLATION
    if invoice.startswith("A"):
        return DocumentKind.ADJUSTMENT
    return DocumentKind.ORDER


def _customer_ref(text: str) -> str | None:
    ref = text.strip()
    if ref.endswith(".0"):
        ref = ref[:-2]
    return ref or None


def parse_line(row: int, values: Mapping[str, str]) -> SourceLine:
    """One line of the file as a ``SourceLine``, or ``BadLine`` naming the field and why."""
    invoice = values["InvoiceNo"].strip()
    if not invoice or len(invoice) > 100:
        raise BadLine("InvoiceNo", "missing" if not invoice else "longer than 100 characters")
    code = values["StockCode"].strip()
    if not code or len(code) > 64:
        raise BadLine("StockCode", "missing" if not code else "longer than 64 characters")
    quantity = parse_quantity(values["Quantity"], "Quantity")
    price = parse_price(values["UnitPrice"], "UnitPrice")
    placed_at = parse_invoice_date(values["InvoiceDate"])
    country_name = values["Country"].strip()
    country = COUNTRIES.get(country_name)
    if country is None:
        raise BadLine("Country", f"unknown country {country_name!r}")
    document_kind = _document_kind(invoice)
    kind = LineKind.BAD_DEBT if document_kind is DocumentKind.ADJUSTMENT else line_kind(code)
    _check_signs(document_kind, quantity, price)
    return SourceLine(
        row=row,
        document=invoice,
        document_kind=document_kind,
        placed_at=placed_at,
        customer_ref=_customer_ref(values["CustomerID"]),
        email=None,
        name=None,
        country=country,
        country_name=country_name,
        currency=CURRENCY,
        code=code,
        description=values["Description"].strip()[:300] or code,
        quantity=quantity,
        unit_price=price,
        kind=kind,
    )


def _check_signs(document_kind: DocumentKind, quantity: int, price: Decimal) -> None:
    if document_kind is DocumentKind.ADJUSTMENT:
        return
    if document_kind is DocumentKind.ORDER and quantity < 0:
        raise BadLine(
            "Quantity",
            "negative quantity outside a credit note: a stock adjustment, not a sale "
            "(history does not move stock)",
        )
    if document_kind is DocumentKind.CANCELLATION and quantity > 0:
        raise BadLine("Quantity", "positive quantity on a credit note")
    if price < 0:
        raise BadLine("UnitPrice", "negative price")
