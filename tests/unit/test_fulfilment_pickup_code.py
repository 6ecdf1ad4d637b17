"""The pickup code: six random digits, kept as a salted scrypt hash, checked in constant time;
the hold's last day and when a pickup counts as uncollected."""

from __future__ import annotations

from datetime import date

from oms.fulfilment.domain import pickup


def test_a_code_is_six_digits_and_its_hash_does_not_contain_it() -> None:
    drawn = pickup.draw_code()
    assert len(drawn.code) == 6
    assert drawn.code.isdigit()
    assert drawn.code not in drawn.hashed.split("$", 4)[-1]
    assert drawn.hashed.startswith("scrypt$16384$8$1$")
    assert pickup.code_matches(drawn.code, drawn.hashed)


def test_the_same_code_hashes_differently_each_time_but_matches_both() -> None:
    first, second = pickup.hash_code("004217"), pickup.hash_code("004217")
    assert first != second
    assert pickup.code_matches("004217", first)
    assert pickup.code_matches("004217", second)


def test_only_the_exact_code_matches() -> None:
    hashed = pickup.hash_code("004217")
    for tried in ("4217", "004218", "0042170", "００４２１７", "00421a", ""):
        assert not pickup.code_matches(tried, hashed), tried
    assert not pickup.code_matches("004217", None), "no code issued: nothing matches"


def test_the_hold_ends_after_the_stores_days_and_only_then_is_uncollected() -> None:
    last_day = pickup.expiry(date(2026, 12, 3), 7)
    assert last_day == date(2026, 12, 10)
    assert not pickup.uncollected(last_day, date(2026, 12, 10))
    assert pickup.uncollected(last_day, date(2026, 12, 11))
    assert not pickup.uncollected(None, date(2030, 1, 1))
