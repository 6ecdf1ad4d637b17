"""API schemas of store credit: a customer's balances and ledger, and a manual adjustment."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from oms.payments.domain.credit import CreditEntry, CreditEntryKind
from oms.payments.services.credit import StoreCreditStatement
from oms.platform.schemas import Input, MoneyIn, MoneyOut, Output


class StoreCreditAdjustmentIn(Input):
    kind: Literal["issue", "deduct"] = Field(
        description="`issue` adds credit; `deduct` takes it away (never below zero)."
    )
    amount: MoneyIn = Field(description="Positive; its currency is the balance it changes.")
    reason: str = Field(min_length=1, max_length=500, examples=["goodwill for a late parcel"])


class CreditEntryOut(Output):
    id: UUID
    kind: CreditEntryKind
    amount: MoneyOut = Field(description="Always positive; `kind` says which way it went.")
    balance_after: MoneyOut = Field(description="The balance in this currency after the entry.")
    reason: str
    actor: str
    order_id: UUID | None
    payment_id: UUID | None
    created_at: datetime

    @classmethod
    def of(cls, entry: CreditEntry) -> CreditEntryOut:
        return cls(
            id=entry.id,
            kind=entry.kind,
            amount=MoneyOut.of(entry.amount),
            balance_after=MoneyOut.of(entry.balance_after),
            reason=entry.reason,
            actor=entry.actor,
            order_id=entry.order_id,
            payment_id=entry.payment_id,
            created_at=entry.created_at,
        )


class StoreCreditOut(Output):
    customer_id: UUID
    balances: list[MoneyOut] = Field(description="One per currency the customer held credit in.")
    entries: list[CreditEntryOut] = Field(description="The ledger, newest entry first.")
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for older entries; null on the last page."
    )

    @classmethod
    def of(cls, statement: StoreCreditStatement, next_cursor: str | None) -> StoreCreditOut:
        return cls(
            customer_id=statement.account.customer_id,
            balances=[MoneyOut.of(b) for b in statement.account.balances],
            entries=[CreditEntryOut.of(e) for e in statement.entries],
            next_cursor=next_cursor,
        )
