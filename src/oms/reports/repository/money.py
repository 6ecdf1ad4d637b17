"""Payments (captured, refunded, charged back, unreconciled) and settlements (payouts, fees)."""

from __future__ import annotations

from sqlalchemy import Connection

from oms.reports.domain import Filters, Kind, Report, ReportName, Value, columns
from oms.reports.repository.base import dialect_of, fetch, params, where
from oms.reports.repository.sql import scope_filters

PAYMENTS = columns(
    {
        "period": Kind.DIMENSION,
        "channel": Kind.DIMENSION,
        "currency": Kind.DIMENSION,
        "captures": Kind.COUNT,
        "captured_minor": Kind.MONEY,
        "refunds": Kind.COUNT,
        "refunded_minor": Kind.MONEY,
        "charged_back_minor": Kind.MONEY,
        "unreconciled": Kind.COUNT,
        "unreconciled_minor": Kind.MONEY,
    }
)

_SUCCEEDED = "t.status = 'succeeded'"


def payments(connection: Connection, filters: Filters) -> Report:
    """Succeeded ledger transactions by their day x the payment's channel x currency.
    Unreconciled: captures and refunds no settlement file has named yet."""
    d = dialect_of(connection)
    period = d.period("t.created_at", filters.granularity)
    capture, refund = "t.kind = 'capture'", "t.kind = 'refund'"
    conditions = where(
        "t.created_at >= :start", "t.created_at < :end", _SUCCEEDED, scope_filters(d, filters)
    )
    found = fetch(
        connection,
        f"SELECT {period}, p.channel_code, t.currency, "
        f"SUM(CASE WHEN {capture} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {capture} THEN t.amount_minor ELSE 0 END), "
        f"SUM(CASE WHEN {refund} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {refund} THEN t.amount_minor ELSE 0 END), "
        "SUM(CASE WHEN t.kind = 'chargeback' THEN t.amount_minor "
        "WHEN t.kind = 'chargeback_reversal' THEN -t.amount_minor ELSE 0 END), "
        f"SUM(CASE WHEN ({capture} OR {refund}) AND st.transaction_id IS NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN ({capture} OR {refund}) AND st.transaction_id IS NULL "
        "THEN t.amount_minor ELSE 0 END) "
        "FROM payment_transactions t JOIN payments p ON p.id = t.payment_id "
        "JOIN orders o ON o.id = t.order_id "
        "LEFT JOIN settled_transactions st ON st.transaction_id = t.id "
        f"WHERE {conditions} "
        f"GROUP BY {period}, p.channel_code, t.currency",
        params(filters),
    )
    rows: list[tuple[Value, ...]] = [
        (*row[:3], *(int(v or 0) for v in row[3:]))
        for row in sorted(found, key=lambda r: tuple(str(v) for v in r[:3]))
    ]
    return Report(ReportName.PAYMENTS, filters, PAYMENTS, rows)


SETTLEMENTS = columns(
    {
        "period": Kind.DIMENSION,
        "currency": Kind.DIMENSION,
        "payouts": Kind.COUNT,
        "lines": Kind.COUNT,
        "gross_minor": Kind.MONEY,
        "fees_minor": Kind.MONEY,
        "net_minor": Kind.MONEY,
        "expected_net_minor": Kind.MONEY,
    }
)


def settlements(connection: Connection, filters: Filters) -> Report:
    """Payouts of the reconciled settlement files by the run's day x currency: the provider's
    gross, its fees and what it paid out. Files name no channel or country, so neither filter
    applies (the service refuses them)."""
    d = dialect_of(connection)
    period = d.period("r.created_at", filters.granularity)
    found = fetch(
        connection,
        f"SELECT {period}, p.currency, COUNT(*), SUM(p.lines), SUM(p.gross_minor), "
        "SUM(p.fees_minor), SUM(p.net_minor), SUM(p.expected_net_minor) "
        "FROM reconciliation_payouts p JOIN reconciliation_runs r ON r.id = p.run_id "
        f"WHERE r.created_at >= :start AND r.created_at < :end GROUP BY {period}, p.currency",
        params(filters),
    )
    rows: list[tuple[Value, ...]] = [
        (*row[:2], *(int(v or 0) for v in row[2:]))
        for row in sorted(found, key=lambda r: (str(r[0]), str(r[1])))
    ]
    return Report(ReportName.SETTLEMENTS, filters, SETTLEMENTS, rows)
