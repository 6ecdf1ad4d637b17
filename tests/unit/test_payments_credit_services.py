"""Store credit, refund policy and channel payment settings as use cases, on the fake unit of
work (no database): what each one stores, refuses and announces."""

from __future__ import annotations

from uuid import UUID

import pytest

from oms import channels, customers
from oms.payments.domain.credit import (
    CreditEntryKind,
    InsufficientStoreCredit,
    StoreCreditChanged,
)
from oms.payments.domain.refund_policy import RefundLimit, RefundReason
from oms.payments.services import goodwill
from oms.payments.services.credit import (
    AdjustStoreCredit,
    adjust_store_credit,
    refund_to_store_credit,
    store_credit_statement,
)
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.errors import Invalid
from oms.shared.ids import new_id
from oms.shared.money import Money
from tests.unit.doubles.channels import channel_doubles
from tests.unit.doubles.credit import credit_doubles
from tests.unit.doubles.customers import customer_doubles


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(credit_doubles() | customer_doubles() | channel_doubles())


@pytest.fixture
def ada(uow: FakeUnitOfWork) -> UUID:
    return customers.create_customer(
        customers.CreateCustomer(email="ada@example.com", name="Ada Lovelace"), uow=uow
    ).id


def adjust(uow: FakeUnitOfWork, ada: UUID, kind: CreditEntryKind, amount: str) -> None:
    adjust_store_credit(
        AdjustStoreCredit(
            customer_id=ada, kind=kind, amount=eur(amount), reason="finance", actor="test"
        ),
        uow=uow,
    )


def announced(uow: FakeUnitOfWork) -> list[StoreCreditChanged]:
    return [e for e in uow.committed if isinstance(e, StoreCreditChanged)]


def test_issued_credit_is_stored_and_announced_with_the_balance_it_left(
    uow: FakeUnitOfWork, ada: UUID
) -> None:
    adjust(uow, ada, CreditEntryKind.ISSUE, "12.00")
    adjust(uow, ada, CreditEntryKind.DEDUCT, "2.50")
    assert store_credit_statement(ada, uow=uow).account.balance("EUR") == eur("9.50")
    assert [(e.kind, e.balance_minor) for e in announced(uow)] == [
        ("issue", 1200),
        ("deduct", 950),
    ]


def test_a_deduction_beyond_the_balance_changes_nothing_and_announces_nothing(
    uow: FakeUnitOfWork, ada: UUID
) -> None:
    adjust(uow, ada, CreditEntryKind.ISSUE, "5.00")
    with pytest.raises(InsufficientStoreCredit):
        adjust(uow, ada, CreditEntryKind.DEDUCT, "5.01")
    assert store_credit_statement(ada, uow=uow).account.balance("EUR") == eur("5.00")
    assert len(announced(uow)) == 1


def test_spending_and_restoring_are_not_done_by_hand(uow: FakeUnitOfWork, ada: UUID) -> None:
    for kind in (CreditEntryKind.SPEND, CreditEntryKind.RESTORE, CreditEntryKind.REFUND):
        with pytest.raises(Invalid):
            adjust(uow, ada, kind, "1.00")


def test_an_unknown_customer_gets_no_credit(uow: FakeUnitOfWork) -> None:
    with pytest.raises(customers.CustomerNotFound):
        adjust(uow, new_id(), CreditEntryKind.ISSUE, "1.00")


def test_a_refund_to_credit_is_paid_once_per_refund(uow: FakeUnitOfWork, ada: UUID) -> None:
    refund_id = new_id()
    for _ in range(3):
        refund_to_store_credit(
            ada,
            eur("7.00"),
            reason="goodwill",
            order_id=None,
            source_id=refund_id,
            actor="t",
            uow=uow,
        )
    assert store_credit_statement(ada, uow=uow).account.balance("EUR") == eur("7.00")
    assert len(announced(uow)) == 1


def test_the_refund_policy_is_replaced_whole_and_checked_first(uow: FakeUnitOfWork) -> None:
    goodwill.set_refund_reasons([RefundReason(code="late", description="Late")], uow=uow)
    policy = goodwill.set_refund_limits([RefundLimit(role="csr", limit=eur("50.00"))], uow=uow)
    assert policy.limit_for("csr", "EUR") == eur("50.00")
    with pytest.raises(Invalid):
        goodwill.set_refund_limits([RefundLimit(role="robot", limit=eur("1.00"))], uow=uow)
    with pytest.raises(Invalid):
        goodwill.set_refund_reasons([RefundReason(code="", description="x")], uow=uow)
    assert goodwill.refund_policy(uow=uow).reasons == (
        RefundReason(code="late", description="Late"),
    )


def test_a_channel_changes_its_payment_settings_and_says_which(uow: FakeUnitOfWork) -> None:
    channels.create_channel(
        channels.CreateChannel(
            code="web",
            name="Web",
            kind=channels.ChannelKind.WEB,
            currency="EUR",
            default_locale="en",
        ),
        uow=uow,
    )
    changed = channels.update_channel(
        channels.UpdateChannel(
            code="web",
            payment_before_confirmation=True,
            capture=channels.CaptureMode.AT_SHIPMENT,
        ),
        uow=uow,
    )
    assert (changed.payment_before_confirmation, changed.capture, changed.invoice_on) == (
        True,
        channels.CaptureMode.AT_SHIPMENT,
        channels.InvoiceOn.CAPTURE,
    )
    event = uow.committed[-1]
    assert isinstance(event, channels.ChannelChanged)
    assert event.changed == ("capture", "payment_before_confirmation")
