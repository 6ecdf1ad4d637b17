"""A double of the payments ledger port: tenders in a dict, kept as the database keeps them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from oms.payments.domain import (
    LedgerEntry,
    Payment,
    PaymentChanged,
    PaymentNotFound,
    PaymentReferenceTaken,
    ProviderName,
    TransactionStatus,
)
from oms.payments.repository import LEDGER, Ledger
from oms.payments.repository.refund_policy import GOODWILL_REFUNDS


def _stored(payment: Payment) -> Payment:
    """A copy as the database keeps it: values only (transactions are immutable)."""
    return replace(payment, events=[])


class InMemoryLedger:
    """``Ledger`` over a dict. Like the database it keeps one tender per provider reference,
    writes a payment only over the version it was loaded at, and never changes a settled
    transaction."""

    def __init__(self) -> None:
        self.stored: dict[UUID, Payment] = {}
        self.loaded: dict[UUID, int] = {}

    def _load(self, payment: Payment) -> Payment:
        self.loaded[payment.id] = payment.version
        return _stored(payment)

    def get(
        self, payment_id: UUID, *, lock: bool = False, visible_to: str | None = None
    ) -> Payment:
        found = self.stored.get(payment_id)
        if found is None or visible_to not in (None, found.channel):
            raise PaymentNotFound(str(payment_id))
        return self._load(found)

    def add(self, payment: Payment) -> None:
        if payment.provider_reference is not None:
            self._refuse_taken(payment)
        self.stored[payment.id] = _stored(payment)
        self.loaded[payment.id] = payment.version

    def _refuse_taken(self, payment: Payment) -> None:
        for other in self.stored.values():
            same = (other.provider, other.provider_reference)
            if other.id != payment.id and same == (payment.provider, payment.provider_reference):
                raise PaymentReferenceTaken(payment.provider.value, str(payment.provider_reference))

    def save(self, payment: Payment) -> None:
        stored = self.stored[payment.id]
        if stored.version != self.loaded.get(payment.id):
            raise PaymentChanged(str(payment.id))
        before = {t.id: t for t in stored.transactions}
        for t in payment.transactions:
            was = before.get(t.id)
            if was is not None and not was.open and was != t:
                raise PaymentChanged(str(payment.id))
        if payment.provider_reference is not None:
            self._refuse_taken(payment)
        self.stored[payment.id] = _stored(payment)
        self.loaded[payment.id] = payment.version

    def by_order(self, order_id: UUID, *, lock: bool = False) -> list[Payment]:
        found = [p for p in self.stored.values() if p.order_id == order_id]
        return [self._load(p) for p in sorted(found, key=lambda p: (p.created_at, p.id))]

    def find_by_provider_reference(
        self, provider: ProviderName, reference: str, *, lock: bool = False
    ) -> Payment | None:
        for p in self.stored.values():
            if (p.provider, p.provider_reference) == (provider, reference):
                return self._load(p)
        return None

    def pending_before(self, cutoff: datetime, *, limit: int) -> list[tuple[UUID, UUID]]:
        pending = sorted(
            (t.created_at, t.id, p.id)
            for p in self.stored.values()
            for t in p.transactions
            if t.status is TransactionStatus.PENDING and t.created_at < cutoff
        )
        return [(payment_id, t_id) for _, t_id, payment_id in pending[:limit]]

    def entries(
        self, provider: ProviderName, since: datetime, until: datetime
    ) -> Iterator[LedgerEntry]:
        for p in self.stored.values():
            for t in p.transactions:
                settled_at = t.settled_at
                if p.provider is not provider or not t.succeeded or settled_at is None:
                    continue
                if since <= settled_at < until:
                    yield LedgerEntry(
                        transaction_id=t.id,
                        payment_id=p.id,
                        order_id=p.order_id,
                        provider=p.provider.value,
                        kind=t.kind,
                        amount=t.amount,
                        payment_reference=p.provider_reference,
                        provider_reference=t.provider_reference,
                        settled_at=settled_at,
                    )


def payment_doubles() -> dict[str, Any]:
    """Doubles of the payments ports, by port name (the ledger, and the goodwill refunds that
    the order's figures leave out of what is owed)."""
    from tests.unit.doubles.credit import InMemoryGoodwillRefunds

    return {LEDGER.name: InMemoryLedger(), GOODWILL_REFUNDS.name: InMemoryGoodwillRefunds()}


def _typed() -> None:
    """mypy proves the double implements its port's protocol (never called)."""
    check: Ledger = InMemoryLedger()
    del check
