"""Reconciling a settlement file: read it, match it against the ledger, keep the run.

The order of work keeps transactions short and the write small: the file is read and checked
before any database work (a refused file costs nothing); the ledger is read in one read-only
transaction; matching runs outside any transaction (it is pure and may take a while on a large
file, with a progress callback for the command line); the run, its exceptions and what the file
settled are then written in one transaction. Two runs at once are safe: a transaction settled by
both is kept once (the first run's), and each run records what it saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from oms import payments
from oms.payments.settlements.domain import (
    READERS,
    Discrepancy,
    LedgerEntry,
    LineKind,
    ReconciliationNotFound,
    ReconciliationRun,
    Statement,
    StatementFormat,
    UnreadableStatement,
    reconcile,
)
from oms.payments.settlements.domain.events import ReconciliationRecorded
from oms.payments.settlements.repository import RECONCILIATIONS
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.ids import new_id

DEFAULT_OLDER_THAN_DAYS = 7
MAX_OLDER_THAN_DAYS = 3650
LOOKBACK = timedelta(days=90)
"""How far before the file's first line (or the not-settled cutoff) the ledger is read: a
capture settled more than this before it is not looked for."""
FILE_NAME_LENGTH = 255

Progress = Callable[[int, int], None]
"""Told ``(lines matched, lines in the file)`` as matching goes."""

KINDS = {
    "capture": LineKind.CAPTURE,
    "refund": LineKind.REFUND,
    "chargeback": LineKind.CHARGEBACK,
    "chargeback_reversal": LineKind.CHARGEBACK_REVERSAL,
}
"""The ledger's transaction kinds that settlement files settle (authorisations and voids move
no money)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReconcileFile:
    """Match ``content`` (a file in ``format``) against the ledger, as ``actor``."""

    format: StatementFormat
    content: bytes | str
    file_name: str | None
    actor: str
    older_than_days: int = DEFAULT_OLDER_THAN_DAYS


@dataclass(frozen=True, slots=True)
class Reconciled:
    """A recorded run and every exception it found, in order."""

    run: ReconciliationRun
    exceptions: tuple[Discrepancy, ...]


def reconcile_file(
    command: ReconcileFile, *, uow: UnitOfWork, progress: Progress | None = None
) -> Reconciled:
    """Match a settlement file against the ledger and record the run with its exceptions."""
    if not 0 <= command.older_than_days <= MAX_OLDER_THAN_DAYS:
        raise Invalid(f"must be between 0 and {MAX_OLDER_THAN_DAYS} days", field="older_than_days")
    statement = READERS[command.format](_text(command.content))
    older_than = timedelta(days=command.older_than_days)
    entries, settled_before, now = _read_ledger(statement, older_than, uow=uow)
    found = reconcile(
        statement,
        entries,
        settled_before=settled_before,
        now=now,
        older_than=older_than,
        on_line=_counter(progress, len(statement.lines)),
    )
    with uow.begin() as tx:
        run = ReconciliationRun.record(
            statement,
            found,
            id=new_id(),
            file_name=_file_name(command.file_name),
            actor=command.actor,
            created_at=tx.now,
            older_than_days=command.older_than_days,
        )
        tx.repo(RECONCILIATIONS).add(run, found.discrepancies, found.settled)
        tx.record(_recorded(run, settled=len(found.settled)))
    return Reconciled(run, found.discrepancies)


def _recorded(run: ReconciliationRun, *, settled: int) -> ReconciliationRecorded:
    return ReconciliationRecorded(
        aggregate_id=run.id,
        reconciliation_id=run.id,
        provider=run.provider,
        format=run.format.value,
        lines=run.lines,
        matched=run.matched,
        missing_in_oms=run.missing_in_oms,
        not_settled=run.not_settled,
        amount_mismatch=run.amount_mismatch,
        currency_mismatch=run.currency_mismatch,
        settled=settled,
        occurred_at=run.created_at,
    )


def _read_ledger(
    statement: Statement, older_than: timedelta, *, uow: UnitOfWork
) -> tuple[list[LedgerEntry], frozenset[UUID], datetime]:
    """The provider's succeeded movements from ``LOOKBACK`` before the file's first line (or
    the not-settled cutoff) until now, which of them earlier runs settled, and now."""
    provider = _provider(statement)
    with uow.read() as tx:
        now = tx.now
        since = min([now - older_than, *_instants(statement)]) - LOOKBACK
        until = now + timedelta(minutes=1)
        entries = [
            entry
            for found in payments.ledger_entries(provider, since, until, uow=uow)
            if (entry := _entry(found)) is not None
        ]
        settled = tx.repo(RECONCILIATIONS).settled_among([e.transaction_id for e in entries])
    return entries, settled, now


def _counter(progress: Progress | None, total: int) -> Callable[[], None] | None:
    """A callback that tells ``progress`` how many of ``total`` lines are matched."""
    if progress is None:
        return None
    done = 0

    def one_more() -> None:
        nonlocal done
        done += 1
        progress(done, total)

    return one_more


def get_reconciliation(run_id: UUID, *, uow: UnitOfWork) -> ReconciliationRun:
    """One run with its payouts, or ``ReconciliationNotFound``."""
    with uow.read() as tx:
        run = tx.repo(RECONCILIATIONS).get(run_id)
    if run is None:
        raise ReconciliationNotFound(str(run_id))
    return run


def list_exceptions(
    run_id: UUID, *, uow: UnitOfWork, after: int | None, limit: int
) -> list[tuple[int, Discrepancy]]:
    """A run's exceptions in the order found, after position ``after``; the run must exist."""
    with uow.read() as tx:
        runs = tx.repo(RECONCILIATIONS)
        if runs.get(run_id) is None:
            raise ReconciliationNotFound(str(run_id))
        return runs.exceptions(run_id, after=after, limit=limit)


def _file_name(given: str | None) -> str | None:
    """The uploaded file's name as kept: printable, at most ``FILE_NAME_LENGTH`` characters."""
    kept = "".join(c for c in given or "" if c.isprintable())[:FILE_NAME_LENGTH]
    return kept or None


def _text(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableStatement("the file is not UTF-8 text") from None


def _provider(statement: Statement) -> payments.ProviderName:
    try:
        return payments.ProviderName(statement.provider)
    except ValueError:
        known = ", ".join(p.value for p in payments.ProviderName)
        raise UnreadableStatement(
            f"provider {statement.provider!r} is none of oms's providers ({known})",
            provider=statement.provider,
        ) from None


def _instants(statement: Statement) -> list[datetime]:
    return [line.settled_at for line in statement.lines if line.settled_at is not None]


def _entry(found: payments.LedgerEntry) -> LedgerEntry | None:
    kind = KINDS.get(found.kind.value)
    if kind is None:
        return None
    return LedgerEntry(
        transaction_id=found.transaction_id,
        payment_id=found.payment_id,
        order_id=found.order_id,
        kind=kind,
        amount=found.amount,
        reference=found.provider_reference,
        payment_reference=found.payment_reference,
        succeeded_at=found.settled_at,
    )
