"""Where reconciliation runs are kept: a run with its payouts and exceptions, written once, and
the ledger transactions that files have settled.

The port ``RECONCILIATIONS`` is declared here; services ask ``tx.repo(RECONCILIATIONS)``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, and_, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from oms.payments.settlements.domain import (
    Discrepancy,
    ExceptionKind,
    PayoutTotals,
    ReconciliationRun,
    StatementFormat,
)
from oms.payments.settlements.tables import (
    reconciliation_exceptions,
    reconciliation_payouts,
    reconciliation_runs,
    settled_transactions,
)
from oms.platform.unit_of_work import Port
from oms.shared.money import Money

DETAIL_LENGTH = 500
SETTLED_BATCH = 500
"""Ids per ``IN (...)`` when asking which transactions are settled (SQLite allows 32 766
parameters, PostgreSQL 65 535; a batch keeps statements small either way)."""


class Reconciliations(Protocol):
    """Reconciliation runs and what they settled."""

    def add(
        self,
        run: ReconciliationRun,
        exceptions: Sequence[Discrepancy],
        settled: Mapping[UUID, str | None],
    ) -> None:
        """Keep a run, its payouts and exceptions, and mark ``settled`` transactions (with their
        payout) as settled unless an earlier run already did."""
        ...

    def get(self, run_id: UUID) -> ReconciliationRun | None: ...

    def recent(
        self, *, before: tuple[datetime, UUID] | None, limit: int
    ) -> list[ReconciliationRun]:
        """Runs newest first, older than ``before`` (keyset), without their payouts."""
        ...

    def exceptions(
        self, run_id: UUID, *, after: int | None, limit: int
    ) -> list[tuple[int, Discrepancy]]:
        """A run's exceptions in the order found, with their positions (for the next page)."""
        ...

    def settled_among(self, transaction_ids: Collection[UUID]) -> frozenset[UUID]:
        """Which of ``transaction_ids`` some earlier run has settled."""
        ...


class SqlReconciliations:
    """``Reconciliations`` on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(
        self,
        run: ReconciliationRun,
        exceptions: Sequence[Discrepancy],
        settled: Mapping[UUID, str | None],
    ) -> None:
        self.c.execute(insert(reconciliation_runs).values(_run_row(run)))
        if run.payouts:
            self.c.execute(
                insert(reconciliation_payouts),
                [_payout_row(run.id, i, p) for i, p in enumerate(run.payouts, 1)],
            )
        if exceptions:
            self.c.execute(
                insert(reconciliation_exceptions),
                [_exception_row(run.id, i, e) for i, e in enumerate(exceptions, 1)],
            )
        if settled:
            dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
            self.c.execute(
                dialect.insert(settled_transactions).on_conflict_do_nothing(),
                [
                    {
                        "transaction_id": transaction_id,
                        "run_id": run.id,
                        "payout_id": payout_id,
                        "settled_at": run.created_at,
                    }
                    for transaction_id, payout_id in sorted(settled.items())
                ],
            )

    def get(self, run_id: UUID) -> ReconciliationRun | None:
        row = self.c.execute(
            select(reconciliation_runs).where(reconciliation_runs.c.id == run_id)
        ).first()
        if row is None:
            return None
        payouts = self.c.execute(
            select(reconciliation_payouts)
            .where(reconciliation_payouts.c.run_id == run_id)
            .order_by(reconciliation_payouts.c.position)
        ).all()
        return _run(row, tuple(_payout(p) for p in payouts))

    def recent(
        self, *, before: tuple[datetime, UUID] | None, limit: int
    ) -> list[ReconciliationRun]:
        runs = reconciliation_runs.c
        query = select(reconciliation_runs).order_by(runs.created_at.desc(), runs.id.desc())
        if before is not None:
            at, run_id = before
            query = query.where(
                or_(runs.created_at < at, and_(runs.created_at == at, runs.id < run_id))
            )
        return [_run(row, ()) for row in self.c.execute(query.limit(limit))]

    def exceptions(
        self, run_id: UUID, *, after: int | None, limit: int
    ) -> list[tuple[int, Discrepancy]]:
        table = reconciliation_exceptions
        query = select(table).where(table.c.run_id == run_id)
        if after is not None:
            query = query.where(table.c.position > after)
        rows = self.c.execute(query.order_by(table.c.position).limit(limit)).all()
        return [(row.position, _exception(row)) for row in rows]

    def settled_among(self, transaction_ids: Collection[UUID]) -> frozenset[UUID]:
        wanted = sorted(transaction_ids)
        found: set[UUID] = set()
        column = settled_transactions.c.transaction_id
        for start in range(0, len(wanted), SETTLED_BATCH):
            batch = wanted[start : start + SETTLED_BATCH]
            found.update(self.c.scalars(select(column).where(column.in_(batch))))
        return frozenset(found)


COUNTS = (
    "lines",
    "matched",
    "missing_in_oms",
    "not_settled",
    "amount_mismatch",
    "currency_mismatch",
)


def _run_row(run: ReconciliationRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "format": run.format.value,
        "provider": run.provider,
        "file_name": run.file_name,
        "actor": run.actor,
        "created_at": run.created_at,
        "older_than_days": run.older_than_days,
        **{name: getattr(run, name) for name in COUNTS},
    }


def _run(row: Row[Any], payouts: tuple[PayoutTotals, ...]) -> ReconciliationRun:
    return ReconciliationRun(
        id=row.id,
        format=StatementFormat(row.format),
        provider=row.provider,
        file_name=row.file_name,
        actor=row.actor,
        created_at=row.created_at,
        older_than_days=row.older_than_days,
        lines=row.lines,
        matched=row.matched,
        missing_in_oms=row.missing_in_oms,
        not_settled=row.not_settled,
        amount_mismatch=row.amount_mismatch,
        currency_mismatch=row.currency_mismatch,
        payouts=payouts,
    )


PAYOUT_SUMS = ("gross", "fees", "net", "expected_net")


def _payout_row(run_id: UUID, position: int, payout: PayoutTotals) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "position": position,
        "payout_id": payout.payout_id,
        "currency": payout.currency,
        "lines": payout.lines,
        **{f"{name}_minor": getattr(payout, name).minor for name in PAYOUT_SUMS},
    }


def _payout(row: Row[Any]) -> PayoutTotals:
    sums = {
        name: Money.from_minor(getattr(row, f"{name}_minor"), row.currency) for name in PAYOUT_SUMS
    }
    return PayoutTotals(payout_id=row.payout_id, currency=row.currency, lines=row.lines, **sums)


def _exception_row(run_id: UUID, position: int, found: Discrepancy) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "position": position,
        "kind": found.kind.value,
        "line": found.line,
        "reference": found.reference,
        "payout_id": found.payout_id,
        "file_amount_minor": found.in_file.minor if found.in_file else None,
        "file_currency": found.in_file.currency if found.in_file else None,
        "oms_amount_minor": found.in_oms.minor if found.in_oms else None,
        "oms_currency": found.in_oms.currency if found.in_oms else None,
        "transaction_id": found.transaction_id,
        "payment_id": found.payment_id,
        "order_id": found.order_id,
        "detail": found.detail[:DETAIL_LENGTH],
    }


def _exception(row: Row[Any]) -> Discrepancy:
    return Discrepancy(
        kind=ExceptionKind(row.kind),
        detail=row.detail,
        line=row.line,
        reference=row.reference,
        payout_id=row.payout_id,
        in_file=_money(row.file_amount_minor, row.file_currency),
        in_oms=_money(row.oms_amount_minor, row.oms_currency),
        transaction_id=row.transaction_id,
        payment_id=row.payment_id,
        order_id=row.order_id,
    )


def _money(minor: int | None, currency: str | None) -> Money | None:
    return None if minor is None or currency is None else Money.from_minor(minor, currency)


RECONCILIATIONS: Port[Reconciliations] = Port("payments.reconciliations", SqlReconciliations)
