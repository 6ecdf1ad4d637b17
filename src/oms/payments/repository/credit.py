"""Reading and writing store credit (SQLAlchemy Core), behind the ``STORE_CREDIT`` port.

A balance changes only by one conditional statement per entry, in the transaction that appends
the entry: a credit adds to the row (creating it on the first credit), a debit subtracts only
``WHERE balance_minor >= amount``. Two spends racing for the last euro therefore queue on the
balance row (PostgreSQL re-checks the condition on the row the first one committed; SQLite has
one writer) and exactly one of them finds the money. Never read-compute-write.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from oms.payments.domain.credit import (
    ERASED_REASON,
    MANUAL_KINDS,
    CreditEntry,
    CreditEntryKind,
    CreditMovement,
    InsufficientStoreCredit,
    StoreCreditAccount,
)
from oms.payments.tables.credit import store_credit_accounts, store_credit_entries
from oms.platform.unit_of_work import Port
from oms.shared.money import Money


class StoreCredit(Protocol):
    """A customer's store-credit balances and the ledger of their entries."""

    def account(self, customer_id: UUID) -> StoreCreditAccount:
        """Every balance the customer holds (none yet: no balances)."""
        ...

    def entries(self, customer_id: UUID, *, before: int | None, limit: int) -> list[CreditEntry]:
        """The customer's entries, newest first, before the ledger position ``before``."""
        ...

    def by_source(self, source_id: UUID) -> CreditEntry | None:
        """The entry a payment transaction or a refund caused, if it was posted."""
        ...

    def erase_reasons(self, customer_id: UUID) -> int:
        """Replace the reasons staff typed on the customer's manual entries by
        ``ERASED_REASON``; how many were replaced."""
        ...

    def post(self, movement: CreditMovement, at: datetime) -> CreditEntry:
        """Append the entry and move the balance; ``InsufficientStoreCredit`` when a debit
        finds less than its amount. A movement whose ``source_id`` was posted before gives
        back that entry and changes nothing."""
        ...


def _entry(row: Row[Any]) -> CreditEntry:
    return CreditEntry(
        id=row.id,
        customer_id=row.customer_id,
        kind=CreditEntryKind(row.kind),
        amount=Money.from_minor(row.amount_minor, row.currency),
        balance_after=Money.from_minor(row.balance_after_minor, row.currency),
        reason=row.reason,
        actor=row.actor,
        created_at=row.created_at,
        order_id=row.order_id,
        payment_id=row.payment_id,
        source_id=row.source_id,
        position=row.position,
    )


class SqlStoreCredit:
    """``StoreCredit`` on ``store_credit_accounts`` and ``store_credit_entries``."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def account(self, customer_id: UUID) -> StoreCreditAccount:
        rows = self.c.execute(
            select(store_credit_accounts.c.currency, store_credit_accounts.c.balance_minor)
            .where(store_credit_accounts.c.customer_id == customer_id)
            .order_by(store_credit_accounts.c.currency)
        ).all()
        return StoreCreditAccount(
            customer_id=customer_id,
            balances=tuple(Money.from_minor(r.balance_minor, r.currency) for r in rows),
        )

    def entries(self, customer_id: UUID, *, before: int | None, limit: int) -> list[CreditEntry]:
        t = store_credit_entries
        query = (
            select(t)
            .where(t.c.customer_id == customer_id)
            .order_by(t.c.position.desc())
            .limit(limit)
        )
        if before is not None:
            query = query.where(t.c.position < before)
        return [_entry(row) for row in self.c.execute(query)]

    def by_source(self, source_id: UUID) -> CreditEntry | None:
        row = self.c.execute(
            select(store_credit_entries).where(store_credit_entries.c.source_id == source_id)
        ).first()
        return _entry(row) if row else None

    def erase_reasons(self, customer_id: UUID) -> int:
        t = store_credit_entries
        return int(
            self.c.execute(
                update(t)
                .where(
                    t.c.customer_id == customer_id,
                    t.c.kind.in_([k.value for k in MANUAL_KINDS]),
                    t.c.reason != ERASED_REASON,
                )
                .values(reason=ERASED_REASON)
            ).rowcount
        )

    def post(self, movement: CreditMovement, at: datetime) -> CreditEntry:
        if movement.source_id is not None:
            posted = self.by_source(movement.source_id)
            if posted is not None:
                return posted
        try:
            # A savepoint: a concurrent post of the same source loses on the unique source_id,
            # and its balance change must go with its entry.
            with self.c.begin_nested():
                balance = self._move(movement, at)
                entry = CreditEntry.posted(movement, balance, at)
                position = self.c.execute(
                    insert(store_credit_entries)
                    .values(**_entry_values(entry))
                    .returning(store_credit_entries.c.position)
                ).scalar_one()
        except IntegrityError:
            posted = self.by_source(movement.source_id) if movement.source_id else None
            if posted is None:
                raise
            return posted
        return dataclasses.replace(entry, position=position)

    def _move(self, movement: CreditMovement, at: datetime) -> Money:
        """The guarded balance change; returns the balance it left."""
        t = store_credit_accounts
        amount = movement.amount
        if movement.kind.sign > 0:
            dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
            upsert = dialect.insert(t).values(
                customer_id=movement.customer_id,
                currency=amount.currency,
                balance_minor=amount.minor,
                created_at=at,
                updated_at=at,
            )
            statement = upsert.on_conflict_do_update(
                index_elements=[t.c.customer_id, t.c.currency],
                set_={"balance_minor": t.c.balance_minor + amount.minor, "updated_at": at},
            ).returning(t.c.balance_minor)
        else:
            statement = (
                update(t)
                .where(
                    t.c.customer_id == movement.customer_id,
                    t.c.currency == amount.currency,
                    t.c.balance_minor >= amount.minor,
                )
                .values(balance_minor=t.c.balance_minor - amount.minor, updated_at=at)
                .returning(t.c.balance_minor)
            )
        left = self.c.execute(statement).scalar_one_or_none()
        if left is None:
            available = self.account(movement.customer_id).balance(amount.currency)
            raise InsufficientStoreCredit(movement.customer_id, amount, available)
        return Money.from_minor(left, amount.currency)


def _entry_values(entry: CreditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "customer_id": entry.customer_id,
        "currency": entry.amount.currency,
        "kind": entry.kind.value,
        "amount_minor": entry.amount.minor,
        "balance_after_minor": entry.balance_after.minor,
        "reason": entry.reason,
        "actor": entry.actor,
        "order_id": entry.order_id,
        "payment_id": entry.payment_id,
        "source_id": entry.source_id,
        "created_at": entry.created_at,
    }


STORE_CREDIT: Port[StoreCredit] = Port("payments.store_credit", SqlStoreCredit)
