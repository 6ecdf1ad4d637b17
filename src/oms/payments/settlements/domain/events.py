"""Events of billing reconciliation (ids and values only; the file's name and who ran it are
free text, so they stay in the run, not in the event)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.shared.events import Event


@dataclass(frozen=True, kw_only=True)
class ReconciliationRecorded(Event):
    """A settlement file was matched against the ledger and its run recorded (``aggregate_id``
    = ``reconciliation_id``); what it settled is no longer reported as not settled."""

    type = "payments.reconciliation_recorded.v1"
    aggregate = "reconciliation"
    reconciliation_id: UUID
    provider: str
    format: str
    lines: int
    matched: int
    missing_in_oms: int
    not_settled: int
    amount_mismatch: int
    currency_mismatch: int
    settled: int
    occurred_at: datetime
