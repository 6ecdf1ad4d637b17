"""A reconciliation run: one settlement file matched at one time, kept so finance can look back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.payments.settlements.domain.matching import ExceptionKind, PayoutTotals, Reconciliation
from oms.payments.settlements.domain.statement import Statement, StatementFormat
from oms.shared.money import Money


@dataclass(frozen=True, slots=True, kw_only=True)
class ReconciliationRun:
    """What a run found, in numbers; its exceptions are read page by page beside it."""

    id: UUID
    format: StatementFormat
    provider: str
    file_name: str | None
    actor: str
    created_at: datetime
    older_than_days: int
    lines: int
    matched: int
    missing_in_oms: int
    not_settled: int
    amount_mismatch: int
    currency_mismatch: int
    payouts: tuple[PayoutTotals, ...]

    @classmethod
    def record(
        cls,
        statement: Statement,
        found: Reconciliation,
        *,
        id: UUID,
        file_name: str | None,
        actor: str,
        created_at: datetime,
        older_than_days: int,
    ) -> ReconciliationRun:
        """The run of ``statement`` that found ``found``."""
        return cls(
            id=id,
            format=statement.format,
            provider=statement.provider,
            file_name=file_name,
            actor=actor,
            created_at=created_at,
            older_than_days=older_than_days,
            lines=found.lines,
            matched=found.matched,
            missing_in_oms=found.count(ExceptionKind.MISSING_IN_OMS),
            not_settled=found.count(ExceptionKind.NOT_SETTLED),
            amount_mismatch=found.count(ExceptionKind.AMOUNT_MISMATCH),
            currency_mismatch=found.count(ExceptionKind.CURRENCY_MISMATCH),
            payouts=found.payouts,
        )

    @property
    def exceptions(self) -> int:
        """How many exceptions the run found, of every kind."""
        return (
            self.missing_in_oms + self.not_settled + self.amount_mismatch + self.currency_mismatch
        )

    def fees(self) -> tuple[Money, ...]:
        """The fees of every payout, one total per currency."""
        return _per_currency(p.fees for p in self.payouts)

    def net(self) -> tuple[Money, ...]:
        """What the file pays out, one total per currency."""
        return _per_currency(p.net for p in self.payouts)

    def expected_net(self) -> tuple[Money, ...]:
        """What oms expected to be paid out, one total per currency."""
        return _per_currency(p.expected_net for p in self.payouts)


def _per_currency(amounts: Iterable[Money]) -> tuple[Money, ...]:
    totals: dict[str, Money] = {}
    for amount in amounts:
        totals[amount.currency] = totals.get(amount.currency, Money.zero(amount.currency)) + amount
    return tuple(totals[c] for c in sorted(totals))
