"""What a resolved return gives back: the value of the units the merchant keeps, less the
restocking fee, plus the original shipping when the whole order came back.

A unit is worth its share of what its order line cost (the line's total, tax and discount
included, over its billed units). Shares are cut cumulatively, half-even: the first ``k`` units
of a line are worth ``round(total * k / n)``, so unit ``k`` is worth the difference with ``k - 1``,
and however a line's units come back, over one return or several, their shares add up to the
line's total exactly (100.00 over 3 units: 33.33, 33.34, 33.33). Each return takes the next
units of the line after those earlier returns refunded.

The fee is the policy's (a per-product override first): a percent of the kept units' value,
per line, or a fixed amount, once per return; a line whose reason waives the fee (``damaged``)
bears none, and the fee never exceeds what it is taken from. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from uuid import UUID

from oms.returns.domain.policy import NO_FEE, FeeRule
from oms.shared.money import Money, exponent

__all__ = [
    "NO_FEE",
    "FeeRule",
    "KeptUnits",
    "LineRefund",
    "RefundAmount",
    "refund_for",
    "units_value",
]

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True, kw_only=True)
class KeptUnits:
    """Units of one order line the merchant keeps (restocked, damaged or written off)."""

    line_id: UUID
    line_total: Money
    billed_quantity: int
    refunded_before: int
    """Units of the line earlier returns already refunded (their shares are spent)."""
    quantity: int
    fee: FeeRule
    """The fee rule for this line, ``NO_FEE`` when its reason waives the fee."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LineRefund:
    line_id: UUID
    quantity: int
    value: Money
    fee: Money

    @property
    def unit_value(self) -> Money:
        """The average unit's value (for display; the exact shares are in ``value``)."""
        return Money(self.value.amount / self.quantity, self.value.currency)


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundAmount:
    lines: tuple[LineRefund, ...]
    value: Money
    restocking_fee: Money
    shipping: Money
    total: Money


def units_value(total: Money, billed: int, first: int, count: int) -> Money:
    """The value of units ``first + 1 .. first + count`` of a line of ``billed`` units costing
    ``total``: the cumulative share up to the last of them less the share up to ``first``."""
    if count <= 0 or billed <= 0:
        return Money.zero(total.currency)
    return total.share(first + count, billed) - total.share(first, billed)


def percent_of(value: Money, percent: Decimal) -> Money:
    """``percent`` of ``value``, half-even to the currency's minor unit."""
    quantum = Decimal(1).scaleb(-exponent(value.currency))
    return Money(
        (value.amount * percent / HUNDRED).quantize(quantum, ROUND_HALF_EVEN), value.currency
    )


def refund_for(kept: Sequence[KeptUnits], *, shipping: Money, currency: str) -> RefundAmount:
    """The refund of a return's kept units, its fee and the shipping it gives back (pass zero
    unless the policy refunds shipping and this return brings the last billed unit back)."""
    zero = Money.zero(currency)
    lines: list[LineRefund] = []
    fixed = zero
    for units in kept:
        value = units_value(
            units.line_total, units.billed_quantity, units.refunded_before, units.quantity
        )
        fee = zero
        if units.fee.percent:
            fee = min(percent_of(value, units.fee.percent), value)
        elif units.fee.fixed is not None:
            fixed = max(fixed, units.fee.fixed)
        lines.append(
            LineRefund(line_id=units.line_id, quantity=units.quantity, value=value, fee=fee)
        )
    value = sum((line.value for line in lines), zero)
    percent_fees = sum((line.fee for line in lines), zero)
    fee = percent_fees + min(fixed, value - percent_fees)
    return RefundAmount(
        lines=tuple(lines),
        value=value,
        restocking_fee=fee,
        shipping=shipping,
        total=value - fee + shipping,
    )
