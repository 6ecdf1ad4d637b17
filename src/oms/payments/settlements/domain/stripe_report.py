"""Stripe's itemized payout reconciliation report (``payout_reconciliation.itemized.*``) as a
``Statement``.

One line per balance transaction settled in an automatic payout. Amounts are decimal major units
signed as they moved the balance (``gross``, ``fee``, ``net = gross - fee``); ``currency`` is the
settlement currency in lower case; ``reporting_category`` says what the line is. Required: the
columns matching and the payout's net need. Stripe's other documented columns are read when the
export has them (``payment_intent_id``, ``charge_id``, ``customer_facing_amount`` /
``customer_facing_currency``, ``automatic_payout_effective_at``, ``available_on_utc``,
``created_utc``, ``description``); any other column (``payment_metadata[...]``, card or customer
details) is ignored.
"""

from __future__ import annotations

from oms.payments.settlements.domain.reading import (
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
from oms.shared.money import Money

PROVIDER = "stripe"

REQUIRED_COLUMNS = (
    "automatic_payout_id",
    "balance_transaction_id",
    "currency",
    "gross",
    "fee",
    "net",
    "reporting_category",
    "source_id",
)

KINDS = {
    "charge": LineKind.CAPTURE,
    "refund": LineKind.REFUND,
    "dispute": LineKind.CHARGEBACK,
    "dispute_reversal": LineKind.CHARGEBACK_REVERSAL,
    "fee": LineKind.FEE,
    "network_cost": LineKind.FEE,
    "tax": LineKind.FEE,
}
"""Stripe's reporting categories that oms tells apart; every other category (``adjustment``,
``refund_failure``, ``partial_capture_reversal``, ``transfer``, ...) is ``OTHER``: counted in the
payout as Stripe reports it, matched against nothing."""

SETTLED_AT_COLUMNS = (
    "automatic_payout_effective_at_utc",
    "automatic_payout_effective_at",
    "available_on_utc",
    "created_utc",
)


def read_stripe_report(text: str) -> Statement:
    """The report's lines; refuses a file without the required columns or with unreadable cells."""
    lines = [
        line
        for row in read_rows(text, required=REQUIRED_COLUMNS)
        if (line := _line(row)) is not None
    ]
    return Statement(format=StatementFormat.STRIPE, provider=PROVIDER, lines=tuple(lines))


def _line(row: Row) -> StatementLine | None:
    currency = row.read("currency", parse_currency)
    gross = money(row, "gross", row.read("gross", parse_decimal), currency)
    fee = money(row, "fee", row.read("fee", parse_decimal), currency)
    net = money(row, "net", row.read("net", parse_decimal), currency)
    category = (row.text("reporting_category") or "").lower()
    if not category:
        row.problem("reporting_category", "is empty")
    settled_at = next(
        (
            found
            for column in SETTLED_AT_COLUMNS
            if (found := row.read(column, parse_instant, required=False)) is not None
        ),
        None,
    )
    presented = _presented(row)
    if gross is None or fee is None or net is None or not category:
        return None
    kind = KINDS.get(category, LineKind.OTHER)
    references = tuple(
        dict.fromkeys(
            value
            for column in ("source_id", "charge_id", "payment_intent_id")
            if (value := row.text(column)) is not None
        )
    )
    return StatementLine(
        line=row.line,
        kind=kind,
        category=category,
        references=references or _own_id(row),
        gross=gross,
        fee=fee,
        net=net,
        payout_id=row.text("automatic_payout_id"),
        settled_at=settled_at,
        presented=presented,
        description=row.text("description"),
    )


def _presented(row: Row) -> Money | None:
    currency = row.read("customer_facing_currency", parse_currency, required=False)
    amount = row.read("customer_facing_amount", parse_decimal, required=False)
    return money(row, "customer_facing_amount", amount, currency)


def _own_id(row: Row) -> tuple[str, ...]:
    """A line with no source names itself by its balance transaction (``txn_...``)."""
    found = row.text("balance_transaction_id")
    return (found,) if found else ()
