"""What the edge accepts: instants with their zone, emails within RFC 5321, text that shows,
money exact in its currency, and cursors only in the shape the list issued."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

from oms.platform.inputs import Email, Instant, exact_money, is_invisible
from oms.platform.pagination import (
    BY_CODE,
    BY_POSITION,
    BY_TIME,
    Page,
    encode_cursor,
    read_cursor,
)
from oms.shared.errors import Invalid
from oms.shared.money import Money


class Form(BaseModel):
    at: Instant | None = None
    email: Email | None = None


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01",
        "2026-01-01T10:00:00",
        "9999-12-31T23:59:59-00:01",
        "0001-01-01T00:00:00+00:01",
        "2026-02-29T00:00:00Z",
    ],
)
def test_an_instant_needs_a_zone_and_a_utc_form_within_years_1_to_9999(value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Form(at=value)
    assert refused.value.errors()[0]["loc"] == ("at",)


def test_an_instant_is_normalised_to_utc() -> None:
    at = Form(at="2026-06-01T02:00:00+02:00").at
    assert at == datetime(2026, 6, 1, tzinfo=UTC)
    assert at is not None
    assert at.utcoffset() == timedelta(0)
    edge = Form(at=datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=1)))).at
    assert edge == datetime(9999, 12, 31, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("a" * 64 + "@example.com", True),
        ("a" * 65 + "@example.com", False),
        ("a@" + "b" * 249 + ".com", False),
        ("a@" + "b" * 248 + ".com", True),
    ],
)
def test_emails_are_held_to_rfc_5321_lengths(email: str, ok: bool) -> None:
    if ok:
        assert Form(email=email).email == email
    else:
        with pytest.raises(ValidationError):
            Form(email=email)


@pytest.mark.parametrize(
    "text", ["\u200b", " \u200c\u200d ", "\u2060\ufeff\u00ad", "\u3164\u115f", "\u0301\u20dd"]
)
def test_text_that_shows_nothing_is_invisible(text: str) -> None:
    assert is_invisible(text)


@pytest.mark.parametrize("text", ["", "a", "\u200ba", "Zoë", "李", "🙂", "٣"])
def test_text_with_anything_to_show_is_not(text: str) -> None:
    assert not is_invisible(text)


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [
        ("19.999", "EUR", "price.amount"),
        ("1.5", "JPY", "price.amount"),
        ("1.0001", "BHD", "price.amount"),
        ("NaN", "EUR", "price.amount"),
        ("1E+30", "EUR", "price.amount"),
        ("1.00", "EURO", "price.currency"),
    ],
)
def test_money_is_refused_when_rounding_would_change_it(
    amount: str, currency: str, field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        exact_money(Decimal(amount), currency, field="price")
    assert refused.value.problems[0].field == field


def test_exact_money_keeps_the_amount() -> None:
    assert exact_money(Decimal("19.990"), "eur", field="p") == Money(Decimal("19.99"), "EUR")
    assert exact_money(Decimal("1.125"), "BHD", field="p").amount == Decimal("1.125")


def test_a_cursor_reads_back_the_key_it_was_made_from() -> None:
    at, key = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), uuid4()
    assert read_cursor(encode_cursor([at, key]), BY_TIME) == (at, key)
    assert read_cursor(encode_cursor([2**63 - 1]), BY_POSITION) == (2**63 - 1,)
    assert read_cursor(encode_cursor(["web"]), BY_CODE) == ("web",)
    assert read_cursor(None, BY_TIME) is None


@pytest.mark.parametrize(
    "key",
    [[2**63], [-1], [True], ["1"], [1.0], [None], [], [1, 2], "x"],
)
def test_a_position_cursor_takes_only_a_64_bit_position(key: Any) -> None:
    with pytest.raises(Invalid) as refused:
        read_cursor(encode_cursor(key) if isinstance(key, list) else key, BY_POSITION)
    assert refused.value.problems[0].field == "cursor"


def test_a_page_says_whether_there_is_more() -> None:
    rows = [(n, f"row {n}") for n in range(3)]
    more = Page.of(rows, 2, lambda r: (r[0],), lambda r: r[1])
    assert more.items == ["row 0", "row 1"]
    assert read_cursor(more.next_cursor, BY_POSITION) == (1,)
    last = Page.of(rows[:2], 2, lambda r: (r[0],), lambda r: r[1])
    assert (last.items, last.next_cursor) == (["row 0", "row 1"], None)
    assert Page.of([], 2, lambda r: (r,), str).next_cursor is None
