"""The refund policy without a database: reason codes, limits per role, and how a refund is
spread over an order's tenders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oms.payments.domain import (
    Payment,
    ProviderName,
    ProviderOutcome,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.domain.refund_policy import (
    RefundAboveLimit,
    RefundAboveRefundable,
    RefundLimit,
    RefundPolicy,
    RefundReason,
    UnknownRefundReason,
    check_limits,
    check_reasons,
    refundable_now,
    spread,
)
from oms.payments.domain.tender import NewTender
from oms.shared.errors import Invalid
from oms.shared.ids import new_id
from oms.shared.money import Money

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ROLES = ("admin", "csr", "warehouse", "finance", "marketing", "channel")


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def captured(provider: ProviderName, amount: str, *, at: datetime) -> Payment:
    """A tender authorised and captured whole at ``at``."""
    payment, authorization = Payment.open(
        NewTender(
            order_id=new_id(),
            channel="web",
            customer_id=new_id(),
            provider=provider,
            method=None,
            amount=eur(amount),
        ),
        actor="test",
        at=at,
    )
    ok = ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference="ref")
    payment.settle(authorization.id, ok, at=at)
    capture = payment.begin(TransactionKind.CAPTURE, None, actor="test", at=at)
    payment.settle(capture.id, ok, at=at)
    return payment


POLICY = RefundPolicy(
    reasons=(RefundReason(code="late_delivery", description="The parcel came late"),),
    limits=(
        RefundLimit(role="csr", limit=eur("50.00")),
        RefundLimit(role="finance", limit=eur("500.00")),
    ),
)


def test_a_configured_reason_is_accepted_and_any_other_is_named_with_the_known_ones() -> None:
    assert POLICY.check_reason("late_delivery").description == "The parcel came late"
    with pytest.raises(UnknownRefundReason) as refused:
        POLICY.check_reason("because")
    assert refused.value.problems[0].field == "reason"
    assert "late_delivery" in refused.value.detail


def test_a_csr_refunds_up_to_the_limit_and_above_it_is_told_the_limit() -> None:
    POLICY.check_limit("csr", eur("50.00"))
    with pytest.raises(RefundAboveLimit) as refused:
        POLICY.check_limit("csr", eur("50.01"))
    assert refused.value.facts == {
        "role": "csr",
        "limit": "50.00",
        "requested": "50.01",
        "currency": "EUR",
    }


def test_a_role_without_a_limit_in_a_currency_may_not_refund_in_it_except_finance() -> None:
    with pytest.raises(RefundAboveLimit):
        POLICY.check_limit("csr", Money.of("1.00", "USD"))
    POLICY.check_limit("finance", Money.of("10000.00", "USD"))
    with pytest.raises(RefundAboveLimit):
        POLICY.check_limit("finance", eur("500.01"))  # a row limits finance too


def test_an_admin_is_never_limited() -> None:
    POLICY.check_limit("admin", eur("1000000.00"))
    assert POLICY.limit_for("admin", "EUR") is None


def test_reason_lists_name_every_bad_entry() -> None:
    with pytest.raises(Invalid) as refused:
        check_reasons(
            [
                RefundReason(code="Late", description="x"),
                RefundReason(code="ok", description=" "),
                RefundReason(code="ok", description="again"),
            ]
        )
    assert [p.field for p in refused.value.problems] == [
        "reasons.0.code",
        "reasons.1.description",
        "reasons.2.code",
    ]


def test_limit_tables_name_unknown_roles_repeats_and_negative_amounts() -> None:
    with pytest.raises(Invalid) as refused:
        check_limits(
            [
                RefundLimit(role="intern", limit=eur("5.00")),
                RefundLimit(role="csr", limit=eur("5.00")),
                RefundLimit(role="csr", limit=eur("-1.00")),
                RefundLimit(role="admin", limit=eur("5.00")),
            ],
            ROLES,
        )
    assert [p.field for p in refused.value.problems] == [
        "limits.0.role",
        "limits.2",
        "limits.2.amount",
        "limits.3.role",
    ]


def test_a_refund_goes_to_store_credit_first_then_to_the_newest_capture() -> None:
    card_old = captured(ProviderName.STRIPE, "40.00", at=T0)
    till_new = captured(ProviderName.POS, "30.00", at=T0 + timedelta(hours=1))
    credit = captured(ProviderName.STORE_CREDIT, "10.00", at=T0 - timedelta(days=1))
    shares = spread(eur("45.00"), [card_old, till_new, credit])
    assert [(s.payment_id, s.amount) for s in shares] == [
        (credit.id, eur("10.00")),
        (till_new.id, eur("30.00")),
        (card_old.id, eur("5.00")),
    ]


def test_tenders_captured_at_the_same_instant_go_card_first_and_bank_transfer_last() -> None:
    bank = captured(ProviderName.MANUAL, "20.00", at=T0)
    card = captured(ProviderName.STRIPE, "20.00", at=T0)
    shares = spread(eur("25.00"), [bank, card])
    assert [s.payment_id for s in shares] == [card.id, bank.id]


def test_a_refund_counts_refunds_still_waiting_for_their_provider() -> None:
    card = captured(ProviderName.STRIPE, "40.00", at=T0)
    card.begin(TransactionKind.REFUND, eur("15.00"), actor="test", at=T0)
    assert refundable_now(card) == eur("25.00")
    with pytest.raises(RefundAboveRefundable) as refused:
        spread(eur("25.01"), [card])
    assert refused.value.facts["refundable"] == "25.00"
    assert refused.value.problems[0].field == "amount.amount"
