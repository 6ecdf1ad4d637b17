"""The money an order's tenders moved, as the order shows it.

Payments owns the ledger and works these out after every movement; the order keeps a copy so
that reading an order (and its list) costs no ledger query. They change only through
``Order.record_payment``, in the same transaction as the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oms.orders.domain.lifecycle import PaymentStatus
from oms.shared.money import Money


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentFigures:
    status: PaymentStatus
    authorized: Money
    captured: Money
    refunded: Money
    conceded: Money
    """The part of ``refunded`` given as goodwill (a concession on top of the price): it went
    back to the buyer, but they do not owe it again."""

    @classmethod
    def unpaid(cls, currency: str) -> PaymentFigures:
        """An order no tender has moved money for (every new order)."""
        zero = Money.zero(currency)
        return cls(
            status=PaymentStatus.UNPAID,
            authorized=zero,
            captured=zero,
            refunded=zero,
            conceded=zero,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentNote:
    """The timeline entry for the movement that changed the figures (worded by payments)."""

    kind: str
    summary: str
    actor: str
    details: dict[str, Any] = field(default_factory=dict)
