"""Matching a statement against the ledger: every line is matched or explained, captures that no
file settled show up after N days, and each payout's net is compared with what oms expected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from oms.payments.settlements.domain import (
    ExceptionKind,
    LedgerEntry,
    LineKind,
    Reconciliation,
    Statement,
    StatementFormat,
    StatementLine,
    reconcile,
)
from oms.shared.money import Money

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def entry(
    kind: LineKind,
    amount: str,
    *,
    reference: str | None = None,
    payment: UUID | None = None,
    payment_reference: str | None = None,
    days_ago: int = 2,
    currency: str = "EUR",
) -> LedgerEntry:
    return LedgerEntry(
        transaction_id=uuid4(),
        payment_id=payment or uuid4(),
        order_id=uuid4(),
        kind=kind,
        amount=Money.of(amount, currency),
        reference=reference,
        payment_reference=payment_reference,
        succeeded_at=NOW - timedelta(days=days_ago),
    )


def line(
    number: int,
    kind: LineKind,
    gross: str,
    *references: str,
    fee: str = "0",
    payout: str | None = "po_1",
    currency: str = "EUR",
    presented: Money | None = None,
) -> StatementLine:
    amount = Money.of(gross, currency)
    charged = Money.of(fee, currency)
    return StatementLine(
        line=number,
        kind=kind,
        category=kind.value,
        references=references,
        gross=amount,
        fee=charged,
        net=amount - charged,
        payout_id=payout,
        presented=presented,
    )


def run(
    lines: list[StatementLine],
    ledger: list[LedgerEntry],
    settled_before: frozenset[UUID] = frozenset(),
) -> Reconciliation:
    statement = Statement(format=StatementFormat.STRIPE, provider="stripe", lines=tuple(lines))
    return reconcile(statement, ledger, settled_before=settled_before, now=NOW, older_than=WEEK)


def test_lines_that_agree_with_the_ledger_are_matched_and_the_payout_nets_out() -> None:
    payment = uuid4()
    capture = entry(LineKind.CAPTURE, "100.00", payment=payment, payment_reference="pi_1")
    refund = entry(LineKind.REFUND, "20.00", reference="re_1", payment=payment)

    found = run(
        [
            line(2, LineKind.CAPTURE, "100.00", "ch_1", "pi_1", fee="1.65"),
            line(3, LineKind.REFUND, "-20.00", "re_1", "ch_1", "pi_1"),
            line(4, LineKind.FEE, "-2.00", "txn_4"),
        ],
        [capture, refund],
    )

    assert (found.lines, found.matched, found.discrepancies) == (3, 2, ())
    assert set(found.settled) == {capture.transaction_id, refund.transaction_id}
    (payout,) = found.payouts
    assert (payout.payout_id, payout.gross, payout.fees, payout.net) == (
        "po_1",
        eur("80.00"),
        eur("3.65"),
        eur("76.35"),
    )
    assert payout.expected_net == payout.net
    assert payout.difference == eur("0.00")


def test_an_amount_off_by_one_is_a_mismatch_that_explains_the_payout_difference() -> None:
    capture = entry(LineKind.CAPTURE, "49.90", payment_reference="pi_7")

    found = run([line(2, LineKind.CAPTURE, "50.90", "ch_7", "pi_7", fee="0.90")], [capture])

    (mismatch,) = found.discrepancies
    assert mismatch.kind is ExceptionKind.AMOUNT_MISMATCH
    assert (mismatch.in_file, mismatch.in_oms) == (eur("50.90"), eur("49.90"))
    assert (mismatch.transaction_id, mismatch.order_id) == (
        capture.transaction_id,
        capture.order_id,
    )
    assert (mismatch.line, mismatch.reference, mismatch.payout_id) == (2, "ch_7", "po_1")
    assert "difference 1.00 EUR" in mismatch.detail
    assert found.matched == 0
    assert found.payouts[0].difference == eur("1.00")


def test_a_line_oms_does_not_know_is_missing_in_oms_and_oms_expected_nothing_of_it() -> None:
    found = run([line(2, LineKind.CAPTURE, "30.00", "ch_9", "pi_9", fee="0.50")], [])

    (missing,) = found.discrepancies
    assert missing.kind is ExceptionKind.MISSING_IN_OMS
    assert "no capture in oms has the reference ch_9 or pi_9" in missing.detail
    assert found.payouts[0].expected_net == eur("0.00")
    assert found.payouts[0].difference == eur("29.50")


def test_the_same_movement_twice_in_a_file_is_missing_in_oms_the_second_time() -> None:
    refund = entry(LineKind.REFUND, "5.00", reference="re_1")

    found = run(
        [line(2, LineKind.REFUND, "-5.00", "re_1"), line(3, LineKind.REFUND, "-5.00", "re_1")],
        [refund],
    )

    assert found.matched == 1
    (twice,) = found.discrepancies
    assert (twice.kind, twice.line) == (ExceptionKind.MISSING_IN_OMS, 3)
    assert "already settled by line 2" in twice.detail


def test_a_capture_line_settles_every_capture_of_its_payment_together() -> None:
    payment = uuid4()
    first = entry(LineKind.CAPTURE, "30.00", payment=payment, payment_reference="pi_2")
    second = entry(LineKind.CAPTURE, "20.00", payment=payment, payment_reference="pi_2")

    found = run([line(2, LineKind.CAPTURE, "50.00", "ch_2", "pi_2")], [first, second])

    assert (found.matched, found.discrepancies) == (1, ())
    assert set(found.settled) == {first.transaction_id, second.transaction_id}


def test_a_refund_found_through_its_payment_is_the_one_of_the_same_amount() -> None:
    payment = uuid4()
    capture = entry(LineKind.CAPTURE, "50.00", payment=payment, reference="ch_3")
    small = entry(LineKind.REFUND, "5.00", payment=payment, days_ago=3)
    large = entry(LineKind.REFUND, "15.00", payment=payment, days_ago=1)

    found = run([line(2, LineKind.REFUND, "-15.00", "re_unknown", "ch_3")], [capture, small, large])

    assert found.discrepancies == ()
    assert found.settled == {large.transaction_id: "po_1"}


def test_another_settlement_currency_is_compared_by_the_customer_facing_amount() -> None:
    capture = entry(LineKind.CAPTURE, "100.00", payment_reference="pi_4", currency="USD")
    converted = line(
        2,
        LineKind.CAPTURE,
        "92.10",
        "ch_4",
        "pi_4",
        presented=Money.of("100.00", "USD"),
    )

    assert run([converted], [capture]).discrepancies == ()


def test_another_currency_without_a_comparable_amount_is_a_currency_mismatch() -> None:
    capture = entry(LineKind.CAPTURE, "100.00", payment_reference="pi_5", currency="USD")

    found = run([line(2, LineKind.CAPTURE, "92.10", "ch_5", "pi_5")], [capture])

    (mismatch,) = found.discrepancies
    assert mismatch.kind is ExceptionKind.CURRENCY_MISMATCH
    assert (mismatch.in_file, mismatch.in_oms) == (eur("92.10"), Money.of("100.00", "USD"))
    assert found.payouts[0].difference == eur("0.00")


def test_captures_older_than_the_window_in_no_file_are_not_settled() -> None:
    old = entry(LineKind.CAPTURE, "10.00", payment_reference="pi_old", days_ago=8)
    recent = entry(LineKind.CAPTURE, "10.00", payment_reference="pi_new", days_ago=6)
    settled_earlier = entry(LineKind.CAPTURE, "10.00", payment_reference="pi_done", days_ago=30)
    old_refund = entry(LineKind.REFUND, "10.00", reference="re_old", days_ago=30)

    found = run(
        [],
        [old, recent, settled_earlier, old_refund],
        settled_before=frozenset({settled_earlier.transaction_id}),
    )

    (unsettled,) = found.discrepancies
    assert unsettled.kind is ExceptionKind.NOT_SETTLED
    assert (unsettled.transaction_id, unsettled.reference) == (old.transaction_id, "pi_old")
    assert unsettled.line is None
    assert "in no settlement file after 7 days" in unsettled.detail


def test_every_payout_and_currency_is_totalled_on_its_own() -> None:
    found = run(
        [
            line(2, LineKind.OTHER, "5.00", "adj_1", payout="po_1"),
            line(3, LineKind.OTHER, "7.00", "adj_2", payout="po_2"),
            line(4, LineKind.OTHER, "9.00", "adj_3", payout="po_2", currency="USD"),
        ],
        [],
    )

    assert [(p.payout_id, p.currency, p.lines, p.net.amount) for p in found.payouts] == [
        ("po_1", "EUR", 1, eur("5.00").amount),
        ("po_2", "EUR", 1, eur("7.00").amount),
        ("po_2", "USD", 1, eur("9.00").amount),
    ]
    assert found.matched == 0
