"""An order's money at a glance: every row of the payment status rule, the balance due, and what
a new tender may still cover."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from oms.payments.domain import (
    NewTender,
    OrderPayments,
    OrderPaymentStatus,
    Payment,
    ProviderName,
    ProviderOutcome,
    TransactionKind,
    TransactionStatus,
    uncovered,
)
from oms.shared.money import Money

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
TOTAL = Money.of("100", "EUR")
OK = ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference=None)
WAITING = ProviderOutcome(status=TransactionStatus.REQUIRES_ACTION, reference=None)
S = OrderPaymentStatus


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def tender(
    authorized: str = "100",
    *,
    captured: str | None = None,
    refunded: str | None = None,
    voided: bool = False,
    answer: ProviderOutcome = OK,
) -> Payment:
    """A payment of ``authorized`` that went as far as the arguments say."""
    new = NewTender(
        order_id=uuid4(),
        channel="web",
        customer_id=None,
        provider=ProviderName.POS,
        method=None,
        amount=eur(authorized),
    )
    payment, authorization = Payment.open(new, actor="test", at=NOW)
    payment.settle(authorization.id, answer, at=NOW)
    moves = [
        (TransactionKind.CAPTURE, captured),
        (TransactionKind.REFUND, refunded),
        (TransactionKind.VOID, "0" if voided else None),
    ]
    for kind, amount in moves:
        if amount is not None:
            begun = payment.begin(
                kind, None if kind is TransactionKind.VOID else eur(amount), actor="t", at=NOW
            )
            payment.settle(begun.id, OK, at=NOW)
    return payment


@pytest.mark.parametrize(
    ("payments", "status"),
    [
        ([], S.UNPAID),
        ([tender(answer=WAITING)], S.UNPAID),
        ([tender()], S.AUTHORIZED),
        ([tender(captured="40")], S.PARTIALLY_PAID),
        ([tender(captured="100")], S.PAID),
        ([tender("60", captured="60"), tender("40", captured="40")], S.PAID),
        ([tender(captured="100", refunded="30")], S.PARTIALLY_REFUNDED),
        ([tender(captured="100", refunded="100")], S.REFUNDED),
        ([tender(voided=True)], S.VOIDED),
        ([tender(voided=True), tender("50")], S.AUTHORIZED),
    ],
    ids=lambda value: value.value if isinstance(value, S) else "",
)
def test_the_payment_status_follows_the_documented_rule(
    payments: list[Payment], status: OrderPaymentStatus
) -> None:
    assert OrderPayments.of(TOTAL, payments).payment_status is status


def test_the_figures_are_the_ledger_s_sums() -> None:
    summary = OrderPayments.of(
        TOTAL, [tender("60", captured="60", refunded="10"), tender("40"), tender(voided=True)]
    )
    assert (summary.authorized, summary.captured, summary.refunded) == (
        eur("100"),
        eur("60"),
        eur("10"),
    )
    assert summary.balance_due == eur("50")


def test_nothing_is_due_on_a_cancelled_order_or_beyond_the_total() -> None:
    assert OrderPayments.of(TOTAL, [], cancelled=True).balance_due == eur("0")
    assert OrderPayments.of(eur("80"), [tender(captured="100")]).balance_due == eur("0")


def test_a_new_tender_covers_what_live_tenders_do_not() -> None:
    live = [tender("30"), tender("20", answer=WAITING), tender(voided=True)]
    assert uncovered(TOTAL, live) == eur("50")
    assert uncovered(TOTAL, [tender(captured="100", refunded="25")]) == eur("25")
    assert uncovered(TOTAL, [tender(captured="100")]) == eur("0")


def test_what_a_final_partial_capture_released_is_no_longer_authorised_nor_covering() -> None:
    payment = tender("100")
    capture = payment.begin(TransactionKind.CAPTURE, eur("60"), actor="test", at=NOW)
    final = ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference="pi_1", final=True)
    payment.settle(capture.id, final, at=NOW)

    summary = OrderPayments.of(TOTAL, [payment])
    assert (summary.authorized, summary.captured, summary.balance_due) == (
        eur("60"),
        eur("60"),
        eur("40"),
    )
    assert summary.payment_status is S.PARTIALLY_PAID
    assert uncovered(TOTAL, [payment]) == eur("40")


def test_a_goodwill_refund_is_refunded_and_conceded_but_not_owed_again() -> None:
    payment = tender("100", captured="100")
    concession = payment.begin(TransactionKind.REFUND, eur("40"), actor="test", at=NOW)
    payment.settle(concession.id, OK, at=NOW)

    summary = OrderPayments.of(TOTAL, [payment], concessions={concession.id})
    assert (summary.refunded, summary.conceded, summary.balance_due) == (
        eur("40"),
        eur("40"),
        eur("0"),
    )
    assert summary.payment_status is S.PARTIALLY_REFUNDED
    assert uncovered(TOTAL, [payment], {concession.id}) == eur("0")


def test_a_plain_refund_next_to_a_concession_is_still_owed() -> None:
    payment = tender("100", captured="100", refunded="10")
    concession = payment.begin(TransactionKind.REFUND, eur("40"), actor="test", at=NOW)
    payment.settle(concession.id, OK, at=NOW)

    summary = OrderPayments.of(TOTAL, [payment], concessions={concession.id})
    assert (summary.refunded, summary.conceded, summary.balance_due) == (
        eur("50"),
        eur("40"),
        eur("10"),
    )
    assert uncovered(TOTAL, [payment], {concession.id}) == eur("10")


def test_a_concession_still_in_flight_is_not_conceded_yet() -> None:
    payment = tender("100", captured="100")
    pending = payment.begin(TransactionKind.REFUND, eur("40"), actor="test", at=NOW)

    summary = OrderPayments.of(TOTAL, [payment], concessions={pending.id})
    assert (summary.refunded, summary.conceded, summary.balance_due) == (
        eur("0"),
        eur("0"),
        eur("0"),
    )
