"""An order's money at a glance, from its total and its tenders' ledgers.

The figures are sums of succeeded transactions over every tender of the order:

- ``authorized`` = authorisations - voids (a void gives back what was authorised);
- ``captured`` = captures;
- ``refunded`` = refunds + chargebacks - chargeback reversals (money that went back);
- ``conceded`` = the refunds among those that goodwill refunds began (concessions, ids given
  by the caller from ``GOODWILL_REFUNDS``): money given back on top of the price, which the
  buyer does not owe again;
- ``balance_due`` = total - captured + (refunded - conceded), never below zero, and zero once
  the order is cancelled (nothing is owed for a cancelled order; what was captured is refunded
  instead). A 40.00 goodwill refund of a paid 100.00 order leaves it ``partially_refunded``
  with nothing due.

``payment_status``, the first row that matches:

| payment_status       | when                                                     |
| -------------------- | -------------------------------------------------------- |
| `refunded`           | refunded > 0 and refunded >= captured                    |
| `partially_refunded` | refunded > 0                                             |
| `paid`               | captured > 0 and captured >= total                       |
| `partially_paid`     | captured > 0                                             |
| `authorized`         | authorized > 0                                           |
| `voided`             | a tender was voided (and nothing above applies)          |
| `unpaid`             | otherwise (no tender, or only failed or waiting ones)    |
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from oms.payments.domain.ledger import TransactionKind
from oms.payments.domain.tender import Payment, TenderStatus
from oms.shared.money import Money


class OrderPaymentStatus(StrEnum):
    UNPAID = "unpaid"
    AUTHORIZED = "authorized"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderPayments:
    total: Money
    authorized: Money
    captured: Money
    refunded: Money
    conceded: Money
    balance_due: Money
    payment_status: OrderPaymentStatus

    @classmethod
    def of(
        cls,
        total: Money,
        payments: Iterable[Payment],
        *,
        cancelled: bool = False,
        concessions: Collection[UUID] = frozenset(),
    ) -> OrderPayments:
        """The summary of ``payments`` for an order of ``total`` whose goodwill refunds began
        the refund transactions ``concessions`` (see the module docstring)."""
        zero = Money.zero(total.currency)
        authorized = captured = refunded = conceded = zero
        voided = False
        for p in payments:
            authorized += p.authorized - p.released
            captured += p.captured
            refunded += p.refunded + p.charged_back
            conceded += conceded_by(p, concessions)
            voided = voided or p.voided
        due = zero if cancelled else total - captured + refunded - conceded
        return cls(
            total=total,
            authorized=authorized,
            captured=captured,
            refunded=refunded,
            conceded=conceded,
            balance_due=zero if due < zero else due,
            payment_status=_status(total, authorized, captured, refunded, voided=voided),
        )


def conceded_by(payment: Payment, concessions: Collection[UUID]) -> Money:
    """The succeeded refunds of ``payment`` that are concessions (goodwill refunds)."""
    return sum(
        (
            t.amount
            for t in payment.transactions
            if t.kind is TransactionKind.REFUND and t.succeeded and t.id in concessions
        ),
        Money.zero(payment.currency),
    )


def uncovered(
    total: Money, payments: Iterable[Payment], concessions: Collection[UUID] = frozenset()
) -> Money:
    """What no live tender covers yet: the total less what each tender that has not failed
    or been voided holds (authorised less released, or asked and awaited), less what went
    back from it other than as a concession (a goodwill refund lowers what the buyer pays,
    so no new tender is asked for it)."""
    left = total
    for p in payments:
        if p.status in (TenderStatus.FAILED, TenderStatus.VOIDED):
            continue
        held = p.authorized - p.released
        if p.authorized.amount == 0:
            held = sum(
                (t.amount for t in p.open_transactions if t.kind is TransactionKind.AUTHORIZE),
                Money.zero(total.currency),
            )
        left = left - held + p.refunded + p.charged_back - conceded_by(p, concessions)
    zero = Money.zero(total.currency)
    return zero if left < zero else left


def _status(
    total: Money, authorized: Money, captured: Money, refunded: Money, *, voided: bool
) -> OrderPaymentStatus:
    if refunded.amount > 0:
        return (
            OrderPaymentStatus.REFUNDED
            if captured <= refunded
            else OrderPaymentStatus.PARTIALLY_REFUNDED
        )
    if captured.amount > 0:
        return OrderPaymentStatus.PAID if total <= captured else OrderPaymentStatus.PARTIALLY_PAID
    if authorized.amount > 0:
        return OrderPaymentStatus.AUTHORIZED
    return OrderPaymentStatus.VOIDED if voided else OrderPaymentStatus.UNPAID
