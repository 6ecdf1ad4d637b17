"""oms's generic settlement CSV, for providers without a report of their own.

Documented for merchants in docs/reconciliation.md.

Columns (a header line, comma-separated, UTF-8; other columns are ignored):

============ ======== ==================================================================
column       required meaning
============ ======== ==================================================================
provider     yes      the oms provider the money went through (``manual``, ``pos``, ...);
                      one provider per file
reference    yes      the provider's reference of the movement or of its payment
type         yes      ``capture``, ``refund``, ``chargeback``, ``chargeback_reversal``, ``fee``
amount       yes      the size of the movement in major units, never negative (``type``
                      says which way it went)
currency     yes      ISO 4217 code
fee          no       what the provider kept on this movement (empty: nothing)
settled_at   no       when it was paid out (ISO 8601; no zone means UTC)
payout_id    no       the payout (bank transfer) the movement was part of
============ ======== ==================================================================
"""

from __future__ import annotations

from decimal import Decimal

from oms.payments.settlements.domain.errors import UnreadableStatement
from oms.payments.settlements.domain.reading import (
    BadCell,
    Row,
    money,
    parse_currency,
    parse_decimal,
    parse_instant,
    read_rows,
)
from oms.payments.settlements.domain.statement import (
    LineKind,
    Statement,
    StatementFormat,
    StatementLine,
)

REQUIRED_COLUMNS = ("provider", "reference", "type", "amount", "currency")
OPTIONAL_COLUMNS = ("fee", "settled_at", "payout_id")
TYPES = {
    kind.value: kind
    for kind in (
        LineKind.CAPTURE,
        LineKind.REFUND,
        LineKind.CHARGEBACK,
        LineKind.CHARGEBACK_REVERSAL,
        LineKind.FEE,
    )
}


def read_generic_csv(text: str) -> Statement:
    """The file's lines; refuses missing columns, unreadable cells and a mix of providers."""
    providers: dict[str, int] = {}
    lines: list[StatementLine] = []
    for row in read_rows(text, required=REQUIRED_COLUMNS):
        provider = (row.text("provider") or "").lower()
        if provider:
            providers.setdefault(provider, row.line)
        else:
            row.problem("provider", "is empty")
        line = _line(row)
        if line is not None:
            lines.append(line)
    if len(providers) > 1:
        named = ", ".join(f"{name} (line {line})" for name, line in providers.items())
        raise UnreadableStatement(f"the file mixes providers {named}: one provider per file")
    if not providers:
        raise UnreadableStatement("the file has no lines")
    provider = next(iter(providers))
    return Statement(format=StatementFormat.GENERIC, provider=provider, lines=tuple(lines))


def _line(row: Row) -> StatementLine | None:
    kind = row.read("type", _parse_type)
    currency = row.read("currency", parse_currency)
    size = money(row, "amount", row.read("amount", _parse_size), currency)
    fee = money(row, "fee", row.read("fee", parse_decimal, required=False) or Decimal(0), currency)
    settled_at = row.read("settled_at", parse_instant, required=False)
    reference = row.text("reference")
    if reference is None:
        row.problem("reference", "is empty")
    if kind is None or size is None or fee is None or reference is None:
        return None
    gross = -size if kind.leaves_balance or kind is LineKind.FEE else size
    return StatementLine(
        line=row.line,
        kind=kind,
        category=kind.value,
        references=(reference,),
        gross=gross,
        fee=fee,
        net=gross - fee,
        payout_id=row.text("payout_id"),
        settled_at=settled_at,
    )


def _parse_type(value: str) -> LineKind:
    found = TYPES.get(value.lower())
    if found is None:
        raise BadCell(f"{value!r} is not one of {', '.join(TYPES)}")
    return found


def _parse_size(value: str) -> Decimal:
    amount = parse_decimal(value)
    if amount < 0:
        raise BadCell("is negative: give the size of the movement, its type says which way")
    return amount
