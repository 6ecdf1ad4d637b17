"""An order's money at a glance, from its total and its tenders' ledgers.

The figures are sums of succeeded transactions over every tender of the order:

- ``authorized`` = authorisations - voids (a void gives back what was authorised);
- ``captured`` = captures;
- ``refunded`` = refunds + chargebacks - chargeback reversals (money that went back);
- ``balance_due`` = total - captured + refunded, never below zero, and zero once the order is
  cancelled (nothing is owed for a cancelled order; what was captured is refunded instead).

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

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

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
    balance_due: Money
    payment_status: OrderPaymentStatus

    @classmethod
    def of(
        cls, total: Money, payments: Iterable[Payment], *, cancelled: bool = False
    ) -> OrderPayments:
        """The summary of ``payments`` for an order of ``total`` (see the module docstring)."""
        zero = Money.zero(total.currency)
        authorized = captured = refunded = zero
        voided = False
        for p in payments:
            authorized += p.authorized - p.released
            captured += p.captured
            refunded += p.refunded + p.charged_back
            voided = voided or p.voided
        due = zero if cancelled else total - captured + refunded
        return cls(
            total=total,
            authorized=authorized,
            captured=captured,
            refunded=refunded,
            balance_due=zero if due < zero else due,
            payment_status=_status(total, authorized, captured, refunded, voided=voided),
        )


def uncovered(total: Money, payments: Iterable[Payment]) -> Money:
    """What no live tender covers yet: the total less what each tender that has not failed
    or been voided holds (authorised less released, or asked and awaited), less what went
    back from it."""
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
        left = left - held + p.refunded + p.charged_back
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
