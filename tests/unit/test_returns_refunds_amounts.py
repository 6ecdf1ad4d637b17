"""What a return refunds: unit shares cut cumulatively, the restocking fee, shipping (pure)."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from oms.returns.domain.refund_amounts import NO_FEE, FeeRule, KeptUnits, refund_for, units_value
from oms.shared.money import Money


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def kept(
    total: str, billed: int, quantity: int, *, before: int = 0, fee: FeeRule = NO_FEE
) -> KeptUnits:
    return KeptUnits(
        line_id=uuid4(),
        line_total=eur(total),
        billed_quantity=billed,
        refunded_before=before,
        quantity=quantity,
        fee=fee,
    )


def test_a_line_of_three_units_splits_its_total_half_even_and_exactly() -> None:
    shares = [units_value(eur("100.00"), 3, k, 1) for k in range(3)]
    assert shares == [eur("33.33"), eur("33.34"), eur("33.33")]


@given(
    minor=st.integers(min_value=0, max_value=10**9),
    billed=st.integers(min_value=1, max_value=40),
    data=st.data(),
)
def test_however_units_come_back_their_shares_add_up_to_the_line_total(
    minor: int, billed: int, data: st.DataObject
) -> None:
    total = Money.from_minor(minor, "EUR")
    first, parts = 0, []
    while first < billed:
        count = data.draw(st.integers(min_value=1, max_value=billed - first))
        parts.append(units_value(total, billed, first, count))
        first += count
    assert sum(parts, Money.zero("EUR")) == total


def test_a_percent_fee_is_taken_from_the_lines_that_bear_it() -> None:
    ten = FeeRule(percent=Decimal(10))
    refund = refund_for(
        [kept("50.00", 2, 1, fee=ten), kept("30.00", 1, 1)], shipping=eur("0"), currency="EUR"
    )
    assert refund.value == eur("55.00")
    assert refund.restocking_fee == eur("2.50")
    assert refund.total == eur("52.50")


def test_a_fixed_fee_is_charged_once_and_never_above_the_value() -> None:
    five = FeeRule(fixed=eur("5.00"))
    once = refund_for(
        [kept("20.00", 1, 1, fee=five), kept("20.00", 1, 1, fee=five)],
        shipping=eur("0"),
        currency="EUR",
    )
    assert once.restocking_fee == eur("5.00")
    assert once.total == eur("35.00")
    capped = refund_for([kept("3.00", 1, 1, fee=five)], shipping=eur("0"), currency="EUR")
    assert capped.total == eur("0.00")


def test_shipping_given_back_is_added_after_the_fee() -> None:
    refund = refund_for(
        [kept("40.00", 2, 1, before=1, fee=FeeRule(percent=Decimal(10)))],
        shipping=eur("4.90"),
        currency="EUR",
    )
    assert refund.total == eur("20.00") - eur("2.00") + eur("4.90")
