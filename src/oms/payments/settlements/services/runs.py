"""Looking back over reconciliation runs: the newest first, a page at a time."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from oms.payments.settlements.domain import ReconciliationRun
from oms.payments.settlements.repository import RECONCILIATIONS
from oms.platform.unit_of_work import UnitOfWork


def list_reconciliations(
    *, uow: UnitOfWork, before: tuple[datetime, UUID] | None = None, limit: int = 50
) -> list[ReconciliationRun]:
    """Runs newest first (their counts; ``get_reconciliation`` reads one with its payouts),
    older than the ``(created_at, id)`` of the last one seen."""
    with uow.read() as tx:
        return tx.repo(RECONCILIATIONS).recent(before=before, limit=limit)
