"""Doubles of H3's payments ports: store credit, the refund policy and goodwill refunds."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from oms.payments.domain.credit import (
    ERASED_REASON,
    MANUAL_KINDS,
    CreditEntry,
    CreditMovement,
    InsufficientStoreCredit,
    StoreCreditAccount,
)
from oms.payments.domain.refund_policy import (
    GoodwillRefund,
    RefundDestination,
    RefundLimit,
    RefundPolicy,
    RefundReason,
)
from oms.payments.repository.credit import STORE_CREDIT, StoreCredit
from oms.payments.repository.refund_policy import (
    GOODWILL_REFUNDS,
    REFUND_POLICY,
    GoodwillRefunds,
    RefundPolicies,
)
from oms.shared.money import Money


class InMemoryStoreCredit:
    """``StoreCredit`` over dicts: the database's rules kept (never below zero, a source posted
    once, positions in posting order)."""

    def __init__(self) -> None:
        self.balances: dict[tuple[UUID, str], Money] = {}
        self.ledger: list[CreditEntry] = []
        self.positions = itertools.count(1)

    def account(self, customer_id: UUID) -> StoreCreditAccount:
        held = sorted((cur, m) for (cid, cur), m in self.balances.items() if cid == customer_id)
        return StoreCreditAccount(customer_id=customer_id, balances=tuple(m for _, m in held))

    def entries(self, customer_id: UUID, *, before: int | None, limit: int) -> list[CreditEntry]:
        mine = [
            e
            for e in reversed(self.ledger)
            if e.customer_id == customer_id and (before is None or e.position < before)
        ]
        return mine[:limit]

    def by_source(self, source_id: UUID) -> CreditEntry | None:
        return next((e for e in self.ledger if e.source_id == source_id), None)

    def post(self, movement: CreditMovement, at: datetime) -> CreditEntry:
        if movement.source_id is not None and (known := self.by_source(movement.source_id)):
            return known
        key = (movement.customer_id, movement.currency)
        before = self.balances.get(key, Money.zero(movement.currency))
        after = before + movement.delta
        if after.is_negative():
            raise InsufficientStoreCredit(movement.customer_id, movement.amount, before)
        self.balances[key] = after
        entry = dataclasses.replace(
            CreditEntry.posted(movement, after, at), position=next(self.positions)
        )
        self.ledger.append(entry)
        return entry

    def erase_reasons(self, customer_id: UUID) -> int:
        erased = 0
        for index, e in enumerate(self.ledger):
            if (
                e.customer_id == customer_id
                and e.kind in MANUAL_KINDS
                and e.reason != ERASED_REASON
            ):
                self.ledger[index] = dataclasses.replace(e, reason=ERASED_REASON)
                erased += 1
        return erased


class InMemoryRefundPolicies:
    def __init__(self) -> None:
        self.reasons: tuple[RefundReason, ...] = ()
        self.limits: tuple[RefundLimit, ...] = ()

    def current(self) -> RefundPolicy:
        return RefundPolicy(reasons=self.reasons, limits=self.limits)

    def replace_reasons(self, reasons: Sequence[RefundReason], now: datetime) -> None:
        self.reasons = tuple(reasons)

    def replace_limits(self, limits: Sequence[RefundLimit], now: datetime) -> None:
        self.limits = tuple(limits)


class InMemoryGoodwillRefunds:
    def __init__(self) -> None:
        self.stored: list[GoodwillRefund] = []

    def add(self, refund: GoodwillRefund) -> None:
        self.stored.append(refund)

    def get(self, refund_id: UUID) -> GoodwillRefund | None:
        return next((r for r in self.stored if r.id == refund_id), None)

    def by_order(self, order_id: UUID) -> list[GoodwillRefund]:
        return [r for r in self.stored if r.order_id == order_id]

    def credited(self, order_id: UUID, currency: str) -> Money:
        return sum(
            (
                r.amount
                for r in self.by_order(order_id)
                if r.destination is RefundDestination.STORE_CREDIT
            ),
            Money.zero(currency),
        )

    def transaction_ids(self, order_id: UUID) -> frozenset[UUID]:
        return frozenset(
            p.transaction_id
            for r in self.by_order(order_id)
            for p in r.parts
            if p.payment_id is not None
        )

    def erase_notes(self, customer_id: UUID) -> int:
        erased = 0
        for index, r in enumerate(self.stored):
            if r.customer_id == customer_id and r.note:
                self.stored[index] = dataclasses.replace(r, note="")
                erased += 1
        return erased


def credit_doubles() -> dict[str, Any]:
    return {
        STORE_CREDIT.name: InMemoryStoreCredit(),
        REFUND_POLICY.name: InMemoryRefundPolicies(),
        GOODWILL_REFUNDS.name: InMemoryGoodwillRefunds(),
    }


def _typed() -> None:
    """mypy proves each double implements its port's protocol (never called)."""
    checks: tuple[StoreCredit, RefundPolicies, GoodwillRefunds] = (
        InMemoryStoreCredit(),
        InMemoryRefundPolicies(),
        InMemoryGoodwillRefunds(),
    )
    del checks
