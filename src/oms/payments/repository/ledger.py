"""Tenders and their ledger on SQLAlchemy Core: loaded whole, saved as the difference.

``SqlLedger`` remembers each payment it loaded or added in this transaction; ``save`` writes
the payment row over the version it was read at, inserts the transactions begun since and
settles the ones answered since, each with a conditional UPDATE (``WHERE status IN
('pending', 'requires_action')``): a transaction is settled once even if two processes answer
it (the database's triggers refuse any change of a final one as well).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from oms.payments.domain import (
    OPEN_STATUSES,
    LedgerEntry,
    Payment,
    PaymentChanged,
    PaymentNotFound,
    PaymentReferenceTaken,
    PaymentTransaction,
    ProviderName,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.tables.ledger import payment_transactions, payments
from oms.shared.money import Money
from oms.shared.permissions import channel_visible

_OPEN = tuple(s.value for s in OPEN_STATUSES)


class Ledger(Protocol):
    """Tenders as whole aggregates, and the questions the sweeper and reconciliation ask."""

    def get(
        self, payment_id: UUID, *, lock: bool = False, visible_to: str | None = None
    ) -> Payment:
        """One payment with its transactions, or ``PaymentNotFound``; ``lock`` takes its row
        lock first (FOR UPDATE), so movements of one payment queue up. Another channel's
        payment does not exist for a caller bound to a channel (``visible_to``)."""
        ...

    def add(self, payment: Payment) -> None:
        """Store a new payment with its transactions; ``PaymentReferenceTaken`` when its
        provider reference is another tender's already."""
        ...

    def save(self, payment: Payment) -> None:
        """Store what changed since the payment was loaded or added: the payment row, the
        transactions begun (appended) and those settled."""
        ...

    def by_order(self, order_id: UUID, *, lock: bool = False) -> list[Payment]:
        """The order's payments, oldest first (locked in id order with ``lock``)."""
        ...

    def find_by_provider_reference(
        self, provider: ProviderName, reference: str, *, lock: bool = False
    ) -> Payment | None:
        """The payment the provider knows by ``reference`` (a PaymentIntent id)."""
        ...

    def pending_before(self, cutoff: datetime, *, limit: int) -> list[tuple[UUID, UUID]]:
        """(payment id, transaction id) of transactions still ``pending`` since before
        ``cutoff``, oldest first: what the sweeper asks the providers about."""
        ...

    def entries(
        self, provider: ProviderName, since: datetime, until: datetime
    ) -> Iterator[LedgerEntry]:
        """Succeeded transactions of ``provider`` settled in [since, until), in settlement
        order, with the references reconciliation matches them by."""
        ...


@dataclass(frozen=True, slots=True)
class _Loaded:
    version: int
    transactions: dict[UUID, PaymentTransaction]

    @classmethod
    def of(cls, payment: Payment) -> _Loaded:
        return cls(payment.version, {t.id: t for t in payment.transactions})


class SqlLedger:
    """``Ledger`` on one connection (one transaction)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection
        self._loaded: dict[UUID, _Loaded] = {}

    def _locking(self, query: Any, lock: bool) -> Any:
        if lock and self.c.dialect.name == "postgresql":
            return query.with_for_update()
        return query

    def get(
        self, payment_id: UUID, *, lock: bool = False, visible_to: str | None = None
    ) -> Payment:
        query = self._locking(select(payments).where(payments.c.id == payment_id), lock)
        found = self._load(self.c.execute(query).all())
        if not found or not channel_visible(found[0].channel, to=visible_to):
            raise PaymentNotFound(str(payment_id))
        return found[0]

    def by_order(self, order_id: UUID, *, lock: bool = False) -> list[Payment]:
        query = select(payments).where(payments.c.order_id == order_id)
        if lock:
            query = self._locking(query.order_by(payments.c.id), lock)
            return sorted(self._load(self.c.execute(query).all()), key=_by_creation)
        query = query.order_by(payments.c.created_at, payments.c.id)
        return self._load(self.c.execute(query).all())

    def find_by_provider_reference(
        self, provider: ProviderName, reference: str, *, lock: bool = False
    ) -> Payment | None:
        query = select(payments).where(
            payments.c.provider == provider.value, payments.c.provider_reference == reference
        )
        found = self._load(self.c.execute(self._locking(query, lock)).all())
        return found[0] if found else None

    def _load(self, rows: Sequence[Row[Any]]) -> list[Payment]:
        """Payments for rows of ``payments``, with their transactions (one more query)."""
        if not rows:
            return []
        ids = [row.id for row in rows]
        transactions: dict[UUID, list[PaymentTransaction]] = {i: [] for i in ids}
        for t in self.c.execute(
            select(payment_transactions)
            .where(payment_transactions.c.payment_id.in_(ids))
            .order_by(payment_transactions.c.created_at, payment_transactions.c.id)
        ):
            transactions[t.payment_id].append(_transaction(t))
        loaded = [_payment(row, transactions[row.id]) for row in rows]
        for payment in loaded:
            self._loaded[payment.id] = _Loaded.of(payment)
        return loaded

    def add(self, payment: Payment) -> None:
        try:
            with self.c.begin_nested():
                self.c.execute(insert(payments).values(_payment_values(payment)))
        except IntegrityError:
            raise PaymentReferenceTaken(
                payment.provider.value, payment.provider_reference or ""
            ) from None
        if payment.transactions:
            self.c.execute(
                insert(payment_transactions),
                [_transaction_values(payment, t) for t in payment.transactions],
            )
        self._loaded[payment.id] = _Loaded.of(payment)

    def save(self, payment: Payment) -> None:
        loaded = self._loaded.get(payment.id)
        if loaded is None:
            raise LookupError(f"payment {payment.id} was not loaded in this transaction")
        self._save_row(payment, loaded.version)
        begun = [t for t in payment.transactions if t.id not in loaded.transactions]
        if begun:
            self.c.execute(
                insert(payment_transactions), [_transaction_values(payment, t) for t in begun]
            )
        for t in payment.transactions:
            before = loaded.transactions.get(t.id)
            if before is not None and before != t:
                self._settle(payment, t)
        self._loaded[payment.id] = _Loaded.of(payment)

    def _save_row(self, payment: Payment, loaded_version: int) -> None:
        values = _payment_values(payment)
        fixed_columns = ("id", "order_id", "channel_code", "customer_id", "provider")
        for fixed in (*fixed_columns, "created_at", "capture_at_once"):
            values.pop(fixed)
        try:
            with self.c.begin_nested():
                written = self.c.execute(
                    update(payments)
                    .where(payments.c.id == payment.id, payments.c.version == loaded_version)
                    .values(**values)
                ).rowcount
        except IntegrityError:
            raise PaymentReferenceTaken(
                payment.provider.value, payment.provider_reference or ""
            ) from None
        if written != 1:
            raise PaymentChanged(str(payment.id))

    def _settle(self, payment: Payment, t: PaymentTransaction) -> None:
        """One answered transaction, only while it is still open (settled once)."""
        values = _transaction_values(payment, t)
        for fixed in ("id", "payment_id", "order_id", "provider", "kind", "actor", "created_at"):
            values.pop(fixed)
        written = self.c.execute(
            update(payment_transactions)
            .where(
                payment_transactions.c.id == t.id,
                payment_transactions.c.status.in_(_OPEN),
            )
            .values(**values)
        ).rowcount
        if written != 1:
            raise PaymentChanged(str(payment.id))

    def pending_before(self, cutoff: datetime, *, limit: int) -> list[tuple[UUID, UUID]]:
        rows = self.c.execute(
            select(payment_transactions.c.payment_id, payment_transactions.c.id)
            .where(
                payment_transactions.c.status == TransactionStatus.PENDING.value,
                payment_transactions.c.created_at < cutoff,
            )
            .order_by(payment_transactions.c.created_at, payment_transactions.c.id)
            .limit(limit)
        )
        return [(row.payment_id, row.id) for row in rows]

    def entries(
        self, provider: ProviderName, since: datetime, until: datetime
    ) -> Iterator[LedgerEntry]:
        t, p = payment_transactions, payments
        query = (
            select(t, p.c.provider_reference.label("payment_reference"))
            .select_from(t.join(p, and_(p.c.id == t.c.payment_id)))
            .where(
                t.c.provider == provider.value,
                t.c.status == TransactionStatus.SUCCEEDED.value,
                t.c.settled_at >= since,
                t.c.settled_at < until,
            )
            .order_by(t.c.settled_at, t.c.id)
        )
        for row in self.c.execute(query):
            yield LedgerEntry(
                transaction_id=row.id,
                payment_id=row.payment_id,
                order_id=row.order_id,
                provider=row.provider,
                kind=TransactionKind(row.kind),
                amount=Money.from_minor(row.amount_minor, row.currency),
                payment_reference=row.payment_reference,
                provider_reference=row.provider_reference,
                settled_at=row.settled_at,
            )


def _by_creation(payment: Payment) -> tuple[datetime, UUID]:
    return payment.created_at, payment.id


def _payment(row: Row[Any], transactions: list[PaymentTransaction]) -> Payment:
    return Payment(
        id=row.id,
        order_id=row.order_id,
        channel=row.channel_code,
        customer_id=row.customer_id,
        provider=ProviderName(row.provider),
        method=row.method,
        currency=row.currency,
        amount=Money.from_minor(row.amount_minor, row.currency),
        provider_reference=row.provider_reference,
        transactions=tuple(transactions),
        version=row.version,
        created_at=row.created_at,
        capture_at_once=row.capture_at_once,
    )


def _transaction(row: Row[Any]) -> PaymentTransaction:
    return PaymentTransaction(
        id=row.id,
        payment_id=row.payment_id,
        kind=TransactionKind(row.kind),
        amount=Money.from_minor(row.amount_minor, row.currency),
        status=TransactionStatus(row.status),
        provider_reference=row.provider_reference,
        failure_code=row.failure_code,
        failure_message=row.failure_message,
        actor=row.actor,
        created_at=row.created_at,
        settled_at=row.settled_at,
        reason=row.reason,
    )


def _payment_values(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "order_id": payment.order_id,
        "channel_code": payment.channel,
        "customer_id": payment.customer_id,
        "provider": payment.provider.value,
        "method": payment.method,
        "status": payment.status.value,
        "currency": payment.currency,
        "amount_minor": payment.amount.minor,
        "provider_reference": payment.provider_reference,
        "capture_at_once": payment.capture_at_once,
        "version": payment.version,
        "created_at": payment.created_at,
        "updated_at": max(
            [payment.created_at, *(t.settled_at or t.created_at for t in payment.transactions)]
        ),
    }


def _transaction_values(payment: Payment, t: PaymentTransaction) -> dict[str, Any]:
    return {
        "id": t.id,
        "payment_id": payment.id,
        "order_id": payment.order_id,
        "provider": payment.provider.value,
        "kind": t.kind.value,
        "status": t.status.value,
        "currency": t.amount.currency,
        "amount_minor": t.amount.minor,
        "provider_reference": t.provider_reference,
        "failure_code": t.failure_code,
        "failure_message": t.failure_message,
        "reason": t.reason,
        "actor": t.actor,
        "created_at": t.created_at,
        "settled_at": t.settled_at,
    }
