"""Money refuses amounts it could not store, instead of failing deep in Decimal or the database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oms.shared.errors import Invalid
from oms.shared.money import MAX_MINOR_UNITS, Money


def test_the_largest_storable_amount_round_trips_through_minor_units() -> None:
    largest = Money.from_minor(MAX_MINOR_UNITS, "EUR")
    assert largest.minor == MAX_MINOR_UNITS
    assert Money.from_minor(-MAX_MINOR_UNITS, "JPY").minor == -MAX_MINOR_UNITS


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("92233720368547758.08", "EUR"), ("-9223372036854775808", "JPY"), ("1E+30", "EUR")],
)
def test_an_amount_beyond_the_stored_range_is_refused_on_the_amount(
    amount: str, currency: str
) -> None:
    with pytest.raises(Invalid) as refused:
        Money.of(amount, currency)
    assert [p.field for p in refused.value.problems] == ["amount"]


def test_a_product_beyond_the_stored_range_is_refused_rather_than_overflowing() -> None:
    with pytest.raises(Invalid):
        Money.of("20.00", "EUR") * 10**30
    assert Money.of("20.00", "EUR") * 10**12 == Money(Decimal("2E+13"), "EUR")
