"""Store credit: a customer's balance per currency, kept as an append-only ledger of entries.

Every change is one entry: credit **issued** or **deducted** by finance, **spent** as a tender on
an order, a goodwill **refund** to credit, or a spent tender **restored** (voided or refunded).
An entry records the balance it left, so the ledger explains every balance. The balance never goes
below zero; the repository enforces that with one conditional UPDATE per entry (the rule here
says what an entry does, the database decides whether the balance allows it, atomically).

    kind      sign   who
    issue      +     finance/admin (POST /v1/customers/{id}/store-credit)
    deduct     -     finance/admin
    spend      -     the store-credit provider (a tender's authorisation, captured at once)
    refund     +     a goodwill refund or a return to store credit
    restore    +     the store-credit provider (a void or refund of a spent tender)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from oms.shared.errors import Conflict, Invalid
from oms.shared.events import Event
from oms.shared.money import Money


class CreditEntryKind(StrEnum):
    ISSUE = "issue"
    DEDUCT = "deduct"
    SPEND = "spend"
    REFUND = "refund"
    RESTORE = "restore"

    @property
    def sign(self) -> int:
        """+1 when the entry adds to the balance, -1 when it takes from it."""
        return -1 if self in (CreditEntryKind.DEDUCT, CreditEntryKind.SPEND) else 1


MANUAL_KINDS = (CreditEntryKind.ISSUE, CreditEntryKind.DEDUCT)
"""What people do by hand; the other kinds follow payments."""

ERASED_REASON = "(erased with the customer's personal data)"
"""What a manual entry's reason becomes when its customer is erased: staff typed it, so it
may name or describe the person (ADR 0005); the amounts and balances stay for the books."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditMovement:
    """An entry to post: what it is, how much (always positive) and what caused it.

    ``source_id`` is unique across the ledger when given: the payment transaction a spend or a
    restore answers, the refund a refund entry pays out. Posting the same source twice gives back
    the first entry, so a retried provider call or a replayed event moves the balance once.
    """

    id: UUID
    customer_id: UUID
    kind: CreditEntryKind
    amount: Money
    reason: str
    actor: str
    order_id: UUID | None = None
    payment_id: UUID | None = None
    source_id: UUID | None = None

    def __post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise Invalid("must be a positive amount", field="amount.amount")
        if not self.reason.strip():
            raise Invalid("say why the balance changes", field="reason")

    @property
    def delta(self) -> Money:
        """The signed change to the balance."""
        return self.amount * self.kind.sign

    @property
    def currency(self) -> str:
        return self.amount.currency


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditEntry:
    """One posted entry of the ledger, with the balance it left in its currency."""

    id: UUID
    customer_id: UUID
    kind: CreditEntryKind
    amount: Money
    balance_after: Money
    reason: str
    actor: str
    created_at: datetime
    order_id: UUID | None = None
    payment_id: UUID | None = None
    source_id: UUID | None = None
    position: int = 0
    """Its place in the ledger (the order the balance moved in); 0 until it is stored."""

    @classmethod
    def posted(cls, movement: CreditMovement, balance_after: Money, at: datetime) -> CreditEntry:
        return cls(
            id=movement.id,
            customer_id=movement.customer_id,
            kind=movement.kind,
            amount=movement.amount,
            balance_after=balance_after,
            reason=movement.reason,
            actor=movement.actor,
            created_at=at,
            order_id=movement.order_id,
            payment_id=movement.payment_id,
            source_id=movement.source_id,
        )

    def changed(self) -> StoreCreditChanged:
        """The event announcing this entry (ids and amounts only: the reason is free text)."""
        return StoreCreditChanged(
            aggregate_id=self.customer_id,
            customer_id=self.customer_id,
            entry_id=self.id,
            kind=self.kind.value,
            amount_minor=self.amount.minor,
            balance_minor=self.balance_after.minor,
            currency=self.amount.currency,
            order_id=self.order_id,
            payment_id=self.payment_id,
            occurred_at=self.created_at,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreCreditAccount:
    """A customer's balances, one per currency they ever held credit in."""

    customer_id: UUID
    balances: tuple[Money, ...]

    def balance(self, currency: str) -> Money:
        return next((b for b in self.balances if b.currency == currency), Money.zero(currency))


class InsufficientStoreCredit(Conflict):
    code = "insufficient-store-credit"
    title = "Not enough store credit"

    def __init__(self, customer_id: UUID, requested: Money, available: Money) -> None:
        super().__init__(
            f"the customer has {available} of store credit, {requested} was asked for",
            customer_id=str(customer_id),
            requested=str(requested.amount),
            available=str(available.amount),
            currency=requested.currency,
        )


@dataclass(frozen=True, kw_only=True)
class StoreCreditChanged(Event):
    """A customer's store credit moved; ``kind`` is a ``CreditEntryKind`` value."""

    type = "payments.store_credit_changed.v1"
    aggregate = "store_credit"
    customer_id: UUID
    entry_id: UUID
    kind: str
    amount_minor: int
    balance_minor: int
    currency: str
    order_id: UUID | None
    payment_id: UUID | None
    occurred_at: datetime
