"""An exchange's replacements and the price difference each one settles.

A replacement names the returned order line it stands in for, the SKU sent instead, its units
and the channel's price for it when the exchange was asked for. At approval each one is
settled against what the customer paid for the returned units (their share of the order line,
``refund_amounts.units_value``, after the units earlier returns valued):

- dearer: the linked order charges the difference, spread over the replacement's units
  (``charged_unit_price``; rounded down to the minor unit, so the customer never pays more than
  the difference), and the channel's tax rules tax it as any sale;
- cheaper: the replacement goes out at zero and the difference is refunded once the goods
  arrived (``refund``).

Everything is reckoned in the order's price terms (gross when its prices include tax, net
otherwise); a refund is money and so gross: a net difference takes the returned line's tax
with it. Pairs are settled one by one, not netted: a dearer pair is charged and a cheaper one
refunded, which adds up to the same money without a negative order line. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from uuid import UUID

from oms.shared.money import Money, exponent


@dataclass(frozen=True, slots=True, kw_only=True)
class Replacement:
    """What goes out in place of the units of one returned order line."""

    line_id: UUID
    sku: str
    quantity: int
    unit_price: Money
    """The channel's price for the replacement when the exchange was asked for."""
    charged_unit_price: Money | None = None
    """Set at approval: one unit's price on the linked order (zero when it is not dearer)."""
    refund: Money | None = None
    """Set at approval: what is given back after the goods arrived (zero unless cheaper)."""

    @property
    def settled(self) -> bool:
        return self.charged_unit_price is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnedValue:
    """What the customer paid for the returned units of a line: in the order's price terms
    (``price``) and as money (``paid``, tax included)."""

    price: Money
    paid: Money


def settle(replacement: Replacement, returned: ReturnedValue) -> Replacement:
    """The replacement with its price difference settled against ``returned``."""
    zero = Money.zero(replacement.unit_price.currency)
    difference = replacement.unit_price * replacement.quantity - returned.price
    if difference.amount >= 0:
        unit = (difference.amount / replacement.quantity).quantize(
            _quantum(zero), rounding=ROUND_DOWN
        )
        return replace(replacement, charged_unit_price=Money(unit, zero.currency), refund=zero)
    cheaper = -difference.amount
    if returned.price.amount > 0 and returned.paid != returned.price:
        cheaper = cheaper * returned.paid.amount / returned.price.amount
    refund = min(
        Money(cheaper.quantize(_quantum(zero), rounding=ROUND_HALF_EVEN), zero.currency),
        returned.paid,
    )
    return replace(replacement, charged_unit_price=zero, refund=refund)


def _quantum(zero: Money) -> Decimal:
    return Decimal(1).scaleb(-exponent(zero.currency))
