"""The payment aggregate: its whole transition table walked, the amount rules (pending
movements counted), settling once, and the events a settled movement records."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product
from uuid import uuid4

import pytest

from oms.payments.domain import (
    PAYMENT_LIFECYCLE,
    RELEASED_BY_CAPTURE,
    AmountAboveCapturable,
    AmountAboveRefundable,
    MovementInFlight,
    NewTender,
    NothingToCapture,
    Payment,
    PaymentCaptured,
    PaymentFailed,
    PaymentVoided,
    ProviderAnswerDoesNotFit,
    ProviderName,
    ProviderOutcome,
    RefundIssued,
    TenderStatus,
    TransactionKind,
    TransactionStatus,
    VoidAfterCapture,
)
from oms.shared.errors import IllegalTransition, Invalid
from oms.shared.money import Money

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
K, S = TransactionKind, TenderStatus
SUCCEEDED = ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference="ref")
FAILED = ProviderOutcome(
    status=TransactionStatus.FAILED, reference=None, failure_code="card_declined"
)
WAITING = ProviderOutcome(status=TransactionStatus.REQUIRES_ACTION, reference=None)

ALLOWED = {
    (S.AUTHORIZING, K.VOID): S.VOIDED,
    (S.AUTHORIZED, K.CAPTURE): S.CAPTURED,
    (S.AUTHORIZED, K.VOID): S.VOIDED,
    (S.CAPTURED, K.CAPTURE): S.CAPTURED,
    (S.CAPTURED, K.REFUND): S.CAPTURED,
    (S.CAPTURED, K.CHARGEBACK): S.CAPTURED,
    (S.CAPTURED, K.CHARGEBACK_REVERSAL): S.CAPTURED,
}
"""The lifecycle as the issue states it; the table in the domain must be exactly this."""


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def opened(amount: str = "100.00") -> Payment:
    tender = NewTender(
        order_id=uuid4(),
        channel="web",
        customer_id=None,
        provider=ProviderName.POS,
        method="cash",
        amount=eur(amount),
    )
    payment, _ = Payment.open(tender, actor="test", at=NOW)
    return payment


def authorize(payment: Payment, outcome: ProviderOutcome = SUCCEEDED) -> Payment:
    payment.settle(payment.transactions[0].id, outcome, at=NOW)
    return payment


def move(payment: Payment, kind: TransactionKind, amount: str | None) -> Payment:
    begun = payment.begin(kind, eur(amount) if amount else None, actor="test", at=NOW)
    payment.settle(begun.id, SUCCEEDED, at=NOW)
    return payment


def payment_in(status: TenderStatus) -> Payment:
    """A payment in ``status``, the way the ledger gets there."""
    if status is S.AUTHORIZING:
        return authorize(opened(), WAITING)
    if status is S.FAILED:
        return authorize(opened(), FAILED)
    if status is S.AUTHORIZED:
        return authorize(opened())
    if status is S.CAPTURED:
        return move(authorize(opened()), K.CAPTURE, "40.00")
    return move(authorize(opened()), K.VOID, None)


AMOUNTS = {K.CAPTURE: "10.00", K.REFUND: "10.00", K.CHARGEBACK: "10.00"}


def test_the_table_is_the_lifecycle_of_the_issue() -> None:
    assert dict(PAYMENT_LIFECYCLE.transitions) == ALLOWED


@pytest.mark.parametrize(("status", "kind"), list(product(TenderStatus, TransactionKind)))
def test_every_status_and_kind_is_either_in_the_table_or_refused(
    status: TenderStatus, kind: TransactionKind
) -> None:
    payment = payment_in(status)
    assert payment.status is status
    if kind is K.CHARGEBACK_REVERSAL and status is S.CAPTURED:
        move(payment, K.CHARGEBACK, "10.00")
    if (status, kind) not in ALLOWED:
        with pytest.raises(IllegalTransition):
            payment.begin(kind, eur("10.00"), actor="test", at=NOW)
        return
    move(payment, kind, AMOUNTS.get(kind, "10.00") if kind is not K.VOID else None)
    assert payment.status is ALLOWED[(status, kind)]


def test_a_new_tender_waits_for_its_authorisation() -> None:
    payment = opened()
    assert payment.status is S.AUTHORIZING
    assert [t.status for t in payment.transactions] == [TransactionStatus.PENDING]
    assert payment.authorized == eur("0")


def test_a_capture_above_what_is_capturable_is_refused_naming_the_amount() -> None:
    payment = move(authorize(opened()), K.CAPTURE, "70.00")
    with pytest.raises(AmountAboveCapturable) as refused:
        payment.begin(K.CAPTURE, eur("30.01"), actor="test", at=NOW)
    assert refused.value.problems[0].field == "amount"
    assert refused.value.facts["capturable"] == "30.00"


def test_pending_captures_count_against_what_is_capturable() -> None:
    payment = authorize(opened())
    payment.begin(K.CAPTURE, eur("60.00"), actor="test", at=NOW)
    with pytest.raises(AmountAboveCapturable):
        payment.begin(K.CAPTURE, eur("50.00"), actor="test", at=NOW)
    second = payment.begin(K.CAPTURE, None, actor="test", at=NOW)
    assert second.amount == eur("40.00")
    with pytest.raises(NothingToCapture):
        payment.begin(K.CAPTURE, None, actor="test", at=NOW)


def test_a_failed_capture_frees_what_it_held() -> None:
    payment = authorize(opened())
    begun = payment.begin(K.CAPTURE, eur("100.00"), actor="test", at=NOW)
    payment.settle(begun.id, FAILED, at=NOW)
    assert payment.begin(K.CAPTURE, None, actor="test", at=NOW).amount == eur("100.00")


def test_refunds_are_limited_to_what_was_captured_counting_pending_refunds() -> None:
    payment = move(authorize(opened()), K.CAPTURE, "50.00")
    payment.begin(K.REFUND, eur("30.00"), actor="test", at=NOW, reason="damaged")
    with pytest.raises(AmountAboveRefundable) as refused:
        payment.begin(K.REFUND, eur("20.01"), actor="test", at=NOW)
    assert refused.value.facts["refundable"] == "20.00"


def test_a_refund_without_an_amount_is_refused() -> None:
    payment = move(authorize(opened()), K.CAPTURE, "50.00")
    with pytest.raises(Invalid) as refused:
        payment.begin(K.REFUND, None, actor="test", at=NOW)
    assert refused.value.problems[0].field == "amount"


def test_an_amount_in_another_currency_is_refused() -> None:
    payment = authorize(opened())
    with pytest.raises(Invalid) as refused:
        payment.begin(K.CAPTURE, Money.of("10", "USD"), actor="test", at=NOW)
    assert refused.value.problems[0].field == "amount.currency"


def test_a_void_is_refused_once_a_capture_is_in_flight() -> None:
    payment = authorize(opened())
    payment.begin(K.CAPTURE, eur("10.00"), actor="test", at=NOW)
    with pytest.raises(VoidAfterCapture):
        payment.begin(K.VOID, None, actor="test", at=NOW)


def test_a_void_waits_for_the_authorisation_in_flight() -> None:
    with pytest.raises(MovementInFlight):
        opened().begin(K.VOID, None, actor="test", at=NOW)


def test_voiding_a_tender_still_awaited_closes_its_authorisation() -> None:
    payment = authorize(opened(), WAITING)
    move(payment, K.VOID, None)
    assert payment.status is S.VOIDED
    assert payment.transactions[0].status is TransactionStatus.FAILED
    assert payment.capturable == eur("0")
    assert payment.settle(payment.transactions[0].id, SUCCEEDED, at=NOW) is None


def test_settling_twice_changes_nothing_the_second_time() -> None:
    payment = authorize(opened())
    begun = payment.begin(K.CAPTURE, eur("10.00"), actor="test", at=NOW)
    assert payment.settle(begun.id, SUCCEEDED, at=NOW) is not None
    version = payment.version
    assert payment.settle(begun.id, FAILED, at=NOW) is None
    assert payment.version == version
    assert payment.captured == eur("10.00")


def test_a_pending_answer_leaves_the_transaction_as_it_was() -> None:
    payment = opened()
    pending = ProviderOutcome(status=TransactionStatus.PENDING, reference=None)
    assert payment.settle(payment.transactions[0].id, pending, at=NOW) is None


def test_the_provider_decides_what_it_authorised() -> None:
    payment = opened("100.00")
    answer = ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference="pi_1", amount=eur("80"))
    authorize(payment, answer)
    assert payment.amount == eur("80.00")
    assert payment.capturable == eur("80.00")
    assert payment.provider_reference == "pi_1"


def test_a_provider_that_moved_more_than_asked_is_not_believed() -> None:
    payment = authorize(opened())
    begun = payment.begin(K.CAPTURE, eur("10.00"), actor="test", at=NOW)
    answer = ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference=None, amount=eur("11"))
    with pytest.raises(ProviderAnswerDoesNotFit):
        payment.settle(begun.id, answer, at=NOW)


def test_chargebacks_reduce_what_can_be_refunded_and_reversals_restore_it() -> None:
    payment = move(authorize(opened()), K.CAPTURE, "100.00")
    payment.record(K.CHARGEBACK, _reported("30.00"), actor="stripe", at=NOW)
    assert payment.refundable == eur("70.00")
    payment.record(K.CHARGEBACK_REVERSAL, _reported("30.00"), actor="stripe", at=NOW)
    assert payment.refundable == eur("100.00")
    with pytest.raises(ProviderAnswerDoesNotFit):
        payment.record(K.CHARGEBACK_REVERSAL, _reported("1.00"), actor="stripe", at=NOW)


def _reported(amount: str) -> ProviderOutcome:
    return ProviderOutcome(
        status=TransactionStatus.SUCCEEDED, reference=f"dp_{amount}", amount=eur(amount)
    )


def test_a_settled_movement_records_its_event_once() -> None:
    payment = authorize(opened())
    payment.drain_events()
    begun = payment.begin(K.CAPTURE, eur("12.50"), actor="test", at=NOW)
    payment.settle(begun.id, SUCCEEDED, at=NOW)
    payment.settle(begun.id, SUCCEEDED, at=NOW)
    (event,) = payment.drain_events()
    assert isinstance(event, PaymentCaptured)
    assert (event.amount_minor, event.currency, event.transaction_id) == (1250, "EUR", begun.id)
    assert event.aggregate_id == payment.id


def test_refunds_and_failures_record_their_own_events() -> None:
    payment = move(authorize(opened()), K.CAPTURE, "50.00")
    payment.drain_events()
    refund = payment.begin(K.REFUND, eur("5.00"), actor="test", at=NOW, reason="damaged")
    payment.settle(refund.id, SUCCEEDED, at=NOW)
    failed = payment.begin(K.REFUND, eur("5.00"), actor="test", at=NOW)
    payment.settle(failed.id, FAILED, at=NOW)
    issued, refused = payment.drain_events()
    assert isinstance(issued, RefundIssued)
    assert issued.reason == "damaged"
    assert isinstance(refused, PaymentFailed)
    assert (refused.kind, refused.failure_code) == ("refund", "card_declined")


FINAL = ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference="pi_1", final=True)
"""How Stripe answers a capture: one per PaymentIntent, the rest of the hold released."""


def test_a_final_partial_capture_releases_the_rest_of_the_authorisation() -> None:
    payment = authorize(opened("50.00"))
    payment.drain_events()
    capture = payment.begin(K.CAPTURE, eur("30.00"), actor="csr", at=NOW)
    payment.settle(capture.id, FINAL, at=NOW)

    assert (payment.captured, payment.released, payment.capturable) == (
        eur("30.00"),
        eur("20.00"),
        eur("0.00"),
    )
    assert payment.status is S.CAPTURED
    assert not payment.voided
    release = payment.transactions[-1]
    assert (release.kind, release.status, release.amount) == (
        K.VOID,
        TransactionStatus.SUCCEEDED,
        eur("20.00"),
    )
    assert (release.reason, release.provider_reference, release.actor) == (
        RELEASED_BY_CAPTURE,
        "pi_1",
        "csr",
    )
    captured, voided = payment.drain_events()
    assert isinstance(captured, PaymentCaptured)
    assert isinstance(voided, PaymentVoided)
    assert voided.amount_minor == 2000


def test_nothing_more_is_captured_after_a_final_capture() -> None:
    payment = authorize(opened("50.00"))
    capture = payment.begin(K.CAPTURE, eur("30.00"), actor="csr", at=NOW)
    payment.settle(capture.id, FINAL, at=NOW)
    with pytest.raises(NothingToCapture):
        payment.begin(K.CAPTURE, None, actor="csr", at=NOW)
    with pytest.raises(AmountAboveCapturable):
        payment.begin(K.CAPTURE, eur("20.00"), actor="csr", at=NOW)
    refund = payment.begin(K.REFUND, eur("30.00"), actor="csr", at=NOW)  # captured money stays
    assert refund.amount == eur("30.00")


def test_a_final_capture_of_everything_releases_nothing() -> None:
    payment = authorize(opened("50.00"))
    capture = payment.begin(K.CAPTURE, None, actor="csr", at=NOW)
    payment.settle(capture.id, FINAL, at=NOW)
    assert [t.kind for t in payment.transactions] == [K.AUTHORIZE, K.CAPTURE]
    assert (payment.released, payment.capturable) == (eur("0.00"), eur("0.00"))


def test_a_final_capture_closes_another_capture_still_in_flight() -> None:
    """Stripe refuses the second capture of a PaymentIntent: a late success cannot revive it."""
    payment = authorize(opened("50.00"))
    first = payment.begin(K.CAPTURE, eur("30.00"), actor="csr", at=NOW)
    second = payment.begin(K.CAPTURE, eur("10.00"), actor="csr", at=NOW)
    payment.settle(first.id, FINAL, at=NOW)

    closed = payment.transaction(second.id)
    assert (closed.status, closed.failure_code) == (
        TransactionStatus.FAILED,
        "authorization_closed",
    )
    assert payment.settle(second.id, FINAL, at=NOW) is None
    assert (payment.captured, payment.released) == (eur("30.00"), eur("20.00"))


def test_captures_that_are_not_final_leave_the_rest_capturable() -> None:
    """Manual tenders and the till capture an authorisation in several parts."""
    payment = move(authorize(opened("50.00")), K.CAPTURE, "30.00")
    assert (payment.released, payment.capturable) == (eur("0.00"), eur("20.00"))
    move(payment, K.CAPTURE, "20.00")
    assert payment.captured == eur("50.00")
