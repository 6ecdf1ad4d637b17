"""Reconciliation's use cases on an in-memory unit of work: a refused file costs no database
work, a run is recorded with what it settled, and a later run no longer reports it."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from oms.payments.domain import LedgerEntry, ProviderName, TransactionKind
from oms.payments.settlements import ReconciliationRecorded
from oms.payments.settlements.domain import (
    Discrepancy,
    ExceptionKind,
    MissingColumns,
    ReconciliationNotFound,
    ReconciliationRun,
    StatementFormat,
    UnreadableStatement,
)
from oms.payments.settlements.repository import RECONCILIATIONS, Reconciliations
from oms.payments.settlements.services import (
    ReconcileFile,
    get_reconciliation,
    list_exceptions,
    reconcile_file,
)
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.clock import FixedClock
from oms.shared.errors import Invalid
from oms.shared.money import Money

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
HEADER = "automatic_payout_id,balance_transaction_id,currency,gross,fee,net,reporting_category,"
HEADER += "source_id,payment_intent_id"


class InMemoryReconciliations:
    """``Reconciliations`` over dicts: runs, their exceptions in order, settled once each."""

    def __init__(self) -> None:
        self.runs: dict[UUID, ReconciliationRun] = {}
        self.found: dict[UUID, list[Discrepancy]] = {}
        self.settled: dict[UUID, UUID] = {}

    def add(
        self,
        run: ReconciliationRun,
        exceptions: Sequence[Discrepancy],
        settled: Mapping[UUID, str | None],
    ) -> None:
        self.runs[run.id] = run
        self.found[run.id] = list(exceptions)
        for transaction_id in settled:
            self.settled.setdefault(transaction_id, run.id)

    def get(self, run_id: UUID) -> ReconciliationRun | None:
        return self.runs.get(run_id)

    def recent(
        self, *, before: tuple[datetime, UUID] | None, limit: int
    ) -> list[ReconciliationRun]:
        newest = sorted(self.runs.values(), key=lambda r: (r.created_at, r.id), reverse=True)
        return [r for r in newest if before is None or (r.created_at, r.id) < before][:limit]

    def exceptions(
        self, run_id: UUID, *, after: int | None, limit: int
    ) -> list[tuple[int, Discrepancy]]:
        numbered = list(enumerate(self.found.get(run_id, []), 1))
        return [(n, d) for n, d in numbered if after is None or n > after][:limit]

    def settled_among(self, transaction_ids: Collection[UUID]) -> frozenset[UUID]:
        return frozenset(t for t in transaction_ids if t in self.settled)


class LedgerEntries:
    """The one question reconciliation asks the ledger, over a list of entries."""

    def __init__(self, *entries: LedgerEntry) -> None:
        self.recorded = list(entries)
        self.asked = 0

    def entries(
        self, provider: ProviderName, since: datetime, until: datetime
    ) -> Iterator[LedgerEntry]:
        self.asked += 1
        return iter(
            e for e in self.recorded if e.provider == provider and since <= e.settled_at < until
        )


def capture(reference: str, amount: str, days_ago: int) -> LedgerEntry:
    return LedgerEntry(
        transaction_id=uuid4(),
        payment_id=uuid4(),
        order_id=uuid4(),
        provider="stripe",
        kind=TransactionKind.CAPTURE,
        amount=Money.of(amount, "EUR"),
        payment_reference=reference,
        provider_reference=reference,
        settled_at=NOW - timedelta(days=days_ago),
    )


def fake(*entries: LedgerEntry) -> tuple[FakeUnitOfWork, InMemoryReconciliations, LedgerEntries]:
    runs, ledger = InMemoryReconciliations(), LedgerEntries(*entries)
    _typed: Reconciliations = runs
    uow = FakeUnitOfWork(
        {RECONCILIATIONS.name: runs, "payments.ledger": ledger}, clock=FixedClock(NOW)
    )
    return uow, runs, ledger


def command(text: str, days: int = 7) -> ReconcileFile:
    return ReconcileFile(
        format=StatementFormat.STRIPE,
        content=text.encode(),
        file_name="payout.csv",
        actor="finance",
        older_than_days=days,
    )


def test_a_file_that_cannot_be_read_is_refused_before_the_ledger_is_asked() -> None:
    uow, runs, ledger = fake()

    with pytest.raises(MissingColumns):
        reconcile_file(command("currency,gross\neur,1.00\n"), uow=uow)

    assert (ledger.asked, runs.runs, uow.commits) == (0, {}, 0)


def test_a_run_is_recorded_and_what_it_settled_is_no_longer_unsettled() -> None:
    matched, old = capture("pi_1", "10.00", days_ago=2), capture("pi_2", "20.00", days_ago=9)
    uow, runs, _ = fake(matched, old)
    text = f"{HEADER}\npo_1,txn_1,eur,10.00,0.30,9.70,charge,ch_1,pi_1\n"

    first = reconcile_file(command(text), uow=uow)

    assert get_reconciliation(first.run.id, uow=uow) == first.run
    assert [(d.kind, d.transaction_id) for d in first.exceptions] == [
        (ExceptionKind.NOT_SETTLED, old.transaction_id)
    ]
    assert list_exceptions(first.run.id, uow=uow, after=None, limit=5) == [(1, first.exceptions[0])]
    assert runs.settled == {matched.transaction_id: first.run.id}
    (recorded,) = uow.committed
    assert recorded == ReconciliationRecorded(
        aggregate_id=first.run.id,
        reconciliation_id=first.run.id,
        provider="stripe",
        format="stripe",
        lines=1,
        matched=1,
        missing_in_oms=0,
        not_settled=1,
        amount_mismatch=0,
        currency_mismatch=0,
        settled=1,
        occurred_at=NOW,
    )
    assert ReconciliationRecorded.from_payload(recorded.payload()) == recorded
    settling = f"{HEADER}\npo_2,txn_2,eur,20.00,0.50,19.50,charge,ch_2,pi_2\n"
    assert reconcile_file(command(settling), uow=uow).exceptions == ()
    assert reconcile_file(command(HEADER), uow=uow).run.not_settled == 0


def test_the_window_and_the_provider_are_checked_before_anything_is_read() -> None:
    uow, _, ledger = fake()

    with pytest.raises(Invalid) as refused:
        reconcile_file(command(HEADER, days=-1), uow=uow)
    assert refused.value.problems[0].field == "older_than_days"
    generic = ReconcileFile(
        format=StatementFormat.GENERIC,
        content=b"provider,reference,type,amount,currency\npaypal,P-1,capture,5,EUR\n",
        file_name=None,
        actor="finance",
    )
    with pytest.raises(UnreadableStatement, match="provider 'paypal' is none of oms's"):
        reconcile_file(generic, uow=uow)
    assert ledger.asked == 0


def test_an_unknown_run_is_not_found() -> None:
    uow, _, _ = fake()

    with pytest.raises(ReconciliationNotFound):
        get_reconciliation(uuid4(), uow=uow)
    with pytest.raises(ReconciliationNotFound):
        list_exceptions(uuid4(), uow=uow, after=None, limit=5)


def test_runs_are_listed_newest_first_a_page_at_a_time() -> None:
    from oms.payments.settlements.services.runs import list_reconciliations

    uow, _, _ = fake(capture("pi_1", "10.00", days_ago=1))
    text = f"{HEADER}\npo_1,txn_1,eur,10.00,0.30,9.70,charge,ch_1,pi_1\n"
    first = reconcile_file(command(text), uow=uow).run
    uow.clock = FixedClock(NOW + timedelta(minutes=1))
    second = reconcile_file(command(text), uow=uow).run
    assert [r.id for r in list_reconciliations(uow=uow)] == [second.id, first.id]
    page = list_reconciliations(uow=uow, before=(second.created_at, second.id), limit=1)
    assert [r.id for r in page] == [first.id]
