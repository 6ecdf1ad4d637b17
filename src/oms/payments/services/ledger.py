"""Reading the ledger for reconciliation: what each provider moved, and when."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from oms.payments.domain import LedgerEntry, ProviderName
from oms.payments.repository import LEDGER
from oms.platform.unit_of_work import UnitOfWork


def ledger_entries(
    provider: ProviderName, since: datetime, until: datetime, *, uow: UnitOfWork
) -> Iterator[LedgerEntry]:
    """Succeeded transactions of ``provider`` settled in [since, until), oldest first, with
    the payment's and the movement's provider references and the order (read in one
    snapshot, then handed out)."""
    with uow.read() as tx:
        found = list(tx.repo(LEDGER).entries(provider, since, until))
    return iter(found)
