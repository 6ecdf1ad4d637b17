"""Store credit's rules without a database: what each kind of entry does to a balance, what an
entry must say, and what its event carries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from oms.payments.domain.credit import (
    MANUAL_KINDS,
    CreditEntry,
    CreditEntryKind,
    CreditMovement,
    InsufficientStoreCredit,
    StoreCreditAccount,
    StoreCreditChanged,
)
from oms.shared.errors import Invalid
from oms.shared.ids import new_id
from oms.shared.money import Money

AT = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def movement(kind: CreditEntryKind, amount: str = "5.00", reason: str = "why") -> CreditMovement:
    return CreditMovement(
        id=new_id(),
        customer_id=new_id(),
        kind=kind,
        amount=Money.of(amount, "EUR"),
        reason=reason,
        actor="test",
    )


@pytest.mark.parametrize(
    ("kind", "delta"),
    [
        (CreditEntryKind.ISSUE, "5.00"),
        (CreditEntryKind.REFUND, "5.00"),
        (CreditEntryKind.RESTORE, "5.00"),
        (CreditEntryKind.DEDUCT, "-5.00"),
        (CreditEntryKind.SPEND, "-5.00"),
    ],
)
def test_each_kind_of_entry_adds_to_or_takes_from_the_balance(
    kind: CreditEntryKind, delta: str
) -> None:
    assert movement(kind).delta == Money.of(delta, "EUR")


def test_only_issue_and_deduct_are_done_by_hand() -> None:
    assert set(MANUAL_KINDS) == {CreditEntryKind.ISSUE, CreditEntryKind.DEDUCT}


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_an_entry_moves_a_positive_amount(amount: str) -> None:
    with pytest.raises(Invalid) as refused:
        movement(CreditEntryKind.ISSUE, amount)
    assert refused.value.problems[0].field == "amount.amount"


def test_an_entry_says_why() -> None:
    with pytest.raises(Invalid) as refused:
        movement(CreditEntryKind.ISSUE, reason="   ")
    assert refused.value.problems[0].field == "reason"


def test_a_currency_never_held_has_a_zero_balance() -> None:
    account = StoreCreditAccount(customer_id=new_id(), balances=(Money.of("3.00", "EUR"),))
    assert account.balance("EUR") == Money.of("3.00", "EUR")
    assert account.balance("USD") == Money.zero("USD")


def test_the_refusal_names_what_was_asked_and_what_is_there() -> None:
    refused = InsufficientStoreCredit(new_id(), Money.of("9.00", "EUR"), Money.of("4.50", "EUR"))
    assert (refused.facts["requested"], refused.facts["available"]) == ("9.00", "4.50")
    assert refused.code == "insufficient-store-credit"


def test_the_event_carries_amounts_and_ids_but_not_the_free_text_reason() -> None:
    posted = CreditEntry.posted(
        movement(CreditEntryKind.SPEND, reason="Ada asked nicely"),
        Money.of("7.25", "EUR"),
        AT,
    )
    event = posted.changed()
    assert event.type == "payments.store_credit_changed.v1"
    assert (event.amount_minor, event.balance_minor, event.currency) == (500, 725, "EUR")
    assert event.aggregate_id == posted.customer_id
    assert "reason" not in event.payload()
    assert StoreCreditChanged.from_payload(event.payload()) == event
