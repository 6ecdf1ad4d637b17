"""oms's generic history CSV, for a merchant bringing history from any shop (docs/import.md).

Columns (header names, any order; extra columns are ignored):

- required: ``order_id``, ``placed_at`` (ISO 8601; without an offset it is UTC), ``currency``
  (ISO 4217), ``sku``, ``quantity`` (whole number), ``unit_price`` (decimal, major units);
- optional: ``kind`` (``order``, the default, or ``credit`` for a credit note whose quantities
  are negative), ``customer_id``, ``email``, ``name``, ``country`` (ISO 3166-1 alpha-2),
  ``product_name``, ``line_kind`` (``product``, the default, ``shipping``, ``fee``,
  ``discount``, ``adjustment``, ``manual``, ``other``), ``original_order_id`` (on a credit note:
  the order whose units come back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from oms.history.domain.source import (
    BadLine,
    DocumentKind,
    LineKind,
    SourceLine,
    parse_price,
    parse_quantity,
    priced,
)
from oms.shared.categories import category_path, check_category
from oms.shared.money import is_currency

REQUIRED = ("order_id", "placed_at", "currency", "sku", "quantity", "unit_price")
OPTIONAL = (
    "kind",
    "customer_id",
    "email",
    "name",
    "country",
    "product_name",
    "line_kind",
    "original_order_id",
)
UNKNOWN_COUNTRY = "ZZ"
_LINE_KINDS = {kind.value: kind for kind in LineKind if kind is not LineKind.BAD_DEBT}
_DOCUMENT_KINDS = {"order": DocumentKind.ORDER, "credit": DocumentKind.CANCELLATION}


def _text(values: Mapping[str, str], name: str, limit: int) -> str:
    text = (values.get(name) or "").strip()
    if len(text) > limit:
        raise BadLine(name, f"longer than {limit} characters")
    return text


def parse_placed_at(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadLine("placed_at", f"not an ISO 8601 date and time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _country(values: Mapping[str, str]) -> str:
    country = _text(values, "country", 60).upper() or UNKNOWN_COUNTRY
    if len(country) != 2 or not country.isalpha():
        raise BadLine("country", f"not an ISO 3166-1 alpha-2 code: {country!r}")
    return country


def _category(values: Mapping[str, str]) -> str | None:
    raw = _text(values, "category", 200)
    problems = check_category(raw)
    if problems:
        raise BadLine("category", problems[0].message)
    return category_path(raw)


def _kinds(values: Mapping[str, str]) -> tuple[DocumentKind, LineKind]:
    document = _text(values, "kind", 20).lower() or "order"
    if document not in _DOCUMENT_KINDS:
        raise BadLine("kind", f"not order or credit: {document!r}")
    line = _text(values, "line_kind", 20).lower() or "product"
    if line not in _LINE_KINDS:
        raise BadLine("line_kind", f"unknown line kind {line!r}")
    return _DOCUMENT_KINDS[document], _LINE_KINDS[line]


class Parser:
    """Lines of a generic file (values in the order of its ``header``) as ``SourceLine``s."""

    def __init__(self, header: Sequence[str]) -> None:
        self._header = list(header)

    def __call__(self, row: int, values: Sequence[str]) -> SourceLine:
        return parse_line(row, dict(zip(self._header, values, strict=False)))


def parse_line(row: int, values: Mapping[str, str]) -> SourceLine:
    """One line of a generic file as a ``SourceLine``, or ``BadLine`` naming the field."""
    document = _text(values, "order_id", 100)
    if not document:
        raise BadLine("order_id", "missing")
    sku = _text(values, "sku", 64)
    if not sku:
        raise BadLine("sku", "missing")
    currency = _text(values, "currency", 3).upper()
    if not is_currency(currency):
        raise BadLine("currency", f"not an ISO 4217 currency: {currency!r}")
    document_kind, kind = _kinds(values)
    quantity = parse_quantity(values.get("quantity") or "")
    price = parse_price(values.get("unit_price") or "")
    if document_kind is DocumentKind.ORDER and quantity < 0:
        raise BadLine("quantity", "negative on an order (a returned unit belongs on a credit)")
    if document_kind is DocumentKind.CANCELLATION and quantity > 0:
        raise BadLine("quantity", "positive on a credit note")
    if price < 0 and kind is not LineKind.DISCOUNT:
        raise BadLine("unit_price", "negative (only a discount may be)")
    email = _text(values, "email", 320) or None
    if email is not None and "@" not in email:
        raise BadLine("email", f"not an email address: {email!r}")
    country = _country(values)
    money = priced(quantity, price, currency)
    return SourceLine(
        row=row,
        document=document,
        document_kind=document_kind,
        placed_at=parse_placed_at(values.get("placed_at") or ""),
        customer_ref=_text(values, "customer_id", 100) or None,
        email=email,
        name=_text(values, "name", 200) or None,
        country=country,
        country_name=country,
        currency=currency,
        code=sku,
        description=_text(values, "product_name", 300) or sku,
        quantity=quantity,
        unit_price=price,
        kind=kind,
        exact_amount=money.exact_amount,
        amount_minor=money.amount_minor,
        unit_price_minor=money.unit_price_minor,
        original_document=_text(values, "original_order_id", 100) or None,
        category=_category(values),
    )
