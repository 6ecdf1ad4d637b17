"""Store credit use cases: read a customer's balances and ledger, issue or deduct credit by hand,
and pay a refund out as credit.

Spending credit on an order is not here: it is a tender (``provider: store_credit``) and goes
through the payments path like every other tender; ``providers/store_credit.py`` moves the
balance for it. Every entry, whoever posts it, is announced by ``payments.store_credit_changed.v1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from oms import customers
from oms.payments.domain.credit import (
    MANUAL_KINDS,
    CreditEntry,
    CreditEntryKind,
    CreditMovement,
    StoreCreditAccount,
)
from oms.payments.repository.credit import STORE_CREDIT
from oms.payments.repository.refund_policy import GOODWILL_REFUNDS
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.ids import new_id
from oms.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class AdjustStoreCredit:
    """Finance issues credit to a customer or deducts it, saying why."""

    customer_id: UUID
    kind: CreditEntryKind
    amount: Money
    reason: str
    actor: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreCreditStatement:
    """A customer's balances and one page of their ledger, newest entry first."""

    account: StoreCreditAccount
    entries: list[CreditEntry]


def store_credit_statement(
    customer_id: UUID,
    *,
    uow: UnitOfWork,
    before: int | None = None,
    limit: int = 50,
) -> StoreCreditStatement:
    """A customer's balances and entries (``limit`` of them, before ledger position
    ``before``)."""
    customers.get_customer(customer_id, uow=uow)
    with uow.read() as tx:
        credit = tx.repo(STORE_CREDIT)
        return StoreCreditStatement(
            account=credit.account(customer_id),
            entries=credit.entries(customer_id, before=before, limit=limit),
        )


def adjust_store_credit(cmd: AdjustStoreCredit, *, uow: UnitOfWork) -> CreditEntry:
    """Issue or deduct credit by hand; a deduction never takes the balance below zero."""
    if cmd.kind not in MANUAL_KINDS:
        raise Invalid("must be issue or deduct", field="kind")
    customers.get_customer(cmd.customer_id, uow=uow)
    movement = CreditMovement(
        id=new_id(),
        customer_id=cmd.customer_id,
        kind=cmd.kind,
        amount=cmd.amount,
        reason=cmd.reason,
        actor=cmd.actor,
    )
    return post_credit(movement, uow=uow)


def refund_to_store_credit(
    customer_id: UUID,
    amount: Money,
    *,
    reason: str,
    order_id: UUID | None,
    source_id: UUID,
    actor: str,
    uow: UnitOfWork,
) -> CreditEntry:
    """Pay a refund out as store credit, once per ``source_id`` (the refund it pays)."""
    movement = CreditMovement(
        id=new_id(),
        customer_id=customer_id,
        kind=CreditEntryKind.REFUND,
        amount=amount,
        reason=reason,
        actor=actor,
        order_id=order_id,
        source_id=source_id,
    )
    return post_credit(movement, uow=uow)


def post_credit(movement: CreditMovement, *, uow: UnitOfWork) -> CreditEntry:
    """Post one entry and announce it; a source posted before gives its entry back, silently."""
    with uow.begin() as tx:
        entry = tx.repo(STORE_CREDIT).post(movement, tx.now)
        if entry.id == movement.id:
            tx.record(entry.changed())
    return entry


def erase_customer_texts(customer_id: UUID, *, uow: UnitOfWork) -> int:
    """Remove what staff typed about an erased customer from payments (the reasons of manual
    store-credit entries, the notes of goodwill refunds); amounts, balances and reason codes
    stay for the books. Returns how many texts were removed."""
    with uow.begin() as tx:
        erased = tx.repo(STORE_CREDIT).erase_reasons(customer_id)
        return erased + tx.repo(GOODWILL_REFUNDS).erase_notes(customer_id)
