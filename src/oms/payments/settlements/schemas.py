"""What the reconciliation API answers: a run with its payouts and totals, and its exceptions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from oms.payments.settlements.domain import (
    Discrepancy,
    ExceptionKind,
    PayoutTotals,
    ReconciliationRun,
    StatementFormat,
)
from oms.platform.pagination import Page
from oms.platform.schemas import MoneyOut, Output


class PayoutOut(Output):
    payout: str | None = Field(description="The provider's payout id; null for lines of none.")
    lines: int
    gross: MoneyOut
    fees: MoneyOut = Field(description="Fees of every line plus the provider's fee lines.")
    net: MoneyOut = Field(description="What the file pays out.")
    expected_net: MoneyOut = Field(
        description="What oms expected: the ledger's amounts less the file's fees, the file's "
        "own net for fee and other lines, nothing for lines oms does not know."
    )
    difference: MoneyOut = Field(description="`net - expected_net`.")

    @classmethod
    def of(cls, payout: PayoutTotals) -> PayoutOut:
        return cls(
            payout=payout.payout_id,
            lines=payout.lines,
            gross=MoneyOut.of(payout.gross),
            fees=MoneyOut.of(payout.fees),
            net=MoneyOut.of(payout.net),
            expected_net=MoneyOut.of(payout.expected_net),
            difference=MoneyOut.of(payout.difference),
        )


class ExceptionCounts(Output):
    missing_in_oms: int = Field(description="Lines of the file oms has no movement for.")
    not_settled: int = Field(description="Captures older than the window that no file settled.")
    amount_mismatch: int
    currency_mismatch: int


class ExceptionOut(Output):
    kind: ExceptionKind
    detail: str
    line: int | None = Field(
        description="The file's line (the header is line 1); null for `not_settled`."
    )
    reference: str | None
    payout: str | None = Field(description="The provider's payout the line is part of.")
    in_file: MoneyOut | None
    in_oms: MoneyOut | None
    transaction_id: UUID | None
    payment_id: UUID | None
    order_id: UUID | None

    @classmethod
    def of(cls, found: Discrepancy) -> ExceptionOut:
        return cls(
            kind=found.kind,
            detail=found.detail,
            line=found.line,
            reference=found.reference,
            payout=found.payout_id,
            in_file=MoneyOut.of(found.in_file) if found.in_file else None,
            in_oms=MoneyOut.of(found.in_oms) if found.in_oms else None,
            transaction_id=found.transaction_id,
            payment_id=found.payment_id,
            order_id=found.order_id,
        )


class ReconciliationOut(Output):
    id: UUID
    format: StatementFormat
    provider: str
    file_name: str | None
    actor: str
    created_at: datetime
    older_than_days: int
    lines: int
    matched: int
    exception_counts: ExceptionCounts
    fees: list[MoneyOut] = Field(description="Fees of the whole file, one total per currency.")
    net: list[MoneyOut] = Field(description="What the file pays out, per currency.")
    expected_net: list[MoneyOut] = Field(description="What oms expected, per currency.")
    payouts: list[PayoutOut]
    exceptions: Page[ExceptionOut] = Field(
        description="The first page of exceptions, in the order found; "
        "`GET /v1/reconciliations/{id}/exceptions?cursor=...` pages on."
    )

    @classmethod
    def of(cls, run: ReconciliationRun, exceptions: Page[ExceptionOut]) -> ReconciliationOut:
        return cls(
            id=run.id,
            format=run.format,
            provider=run.provider,
            file_name=run.file_name,
            actor=run.actor,
            created_at=run.created_at,
            older_than_days=run.older_than_days,
            lines=run.lines,
            matched=run.matched,
            exception_counts=ExceptionCounts(
                missing_in_oms=run.missing_in_oms,
                not_settled=run.not_settled,
                amount_mismatch=run.amount_mismatch,
                currency_mismatch=run.currency_mismatch,
            ),
            fees=[MoneyOut.of(m) for m in run.fees()],
            net=[MoneyOut.of(m) for m in run.net()],
            expected_net=[MoneyOut.of(m) for m in run.expected_net()],
            payouts=[PayoutOut.of(p) for p in run.payouts],
            exceptions=exceptions,
        )
