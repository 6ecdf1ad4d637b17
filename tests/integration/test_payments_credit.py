"""Store credit on SQLite and PostgreSQL: balances per currency, an append-only ledger that
explains them, a balance that never goes below zero even when spends race, and entries posted
once per cause."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from oms import customers, orders, payments
from oms.payments.domain.credit import (
    CreditEntryKind,
    CreditMovement,
    InsufficientStoreCredit,
)
from oms.payments.providers.base import AuthorizeRequest
from oms.payments.services.credit import (
    AdjustStoreCredit,
    adjust_store_credit,
    post_credit,
    refund_to_store_credit,
    store_credit_statement,
)
from oms.payments.services.tenders import start_tender
from oms.payments.tables.credit import store_credit_entries
from oms.platform.outbox import outbox_table as outbox
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.ids import new_id
from oms.shared.money import Money
from tests import payments_money as shop


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


@pytest.fixture
def ada(uow: UnitOfWork) -> UUID:
    created = customers.create_customer(
        customers.CreateCustomer(email="ada@example.com", name="Ada Lovelace"), uow=uow
    )
    return created.id


def issue(uow: UnitOfWork, customer_id: UUID, amount: Money) -> None:
    adjust_store_credit(
        AdjustStoreCredit(
            customer_id=customer_id,
            kind=CreditEntryKind.ISSUE,
            amount=amount,
            reason="welcome gift",
            actor="test",
        ),
        uow=uow,
    )


def spend(uow: UnitOfWork, customer_id: UUID, amount: Money, source: UUID | None = None) -> None:
    post_credit(
        CreditMovement(
            id=new_id(),
            customer_id=customer_id,
            kind=CreditEntryKind.SPEND,
            amount=amount,
            reason="tender",
            actor="test",
            source_id=source or new_id(),
        ),
        uow=uow,
    )


def test_issued_credit_is_kept_per_currency_and_each_entry_shows_the_balance_it_left(
    uow: UnitOfWork, ada: UUID
) -> None:
    issue(uow, ada, eur("20.00"))
    issue(uow, ada, Money.of("15.00", "USD"))
    spend(uow, ada, eur("7.50"))
    statement = store_credit_statement(ada, uow=uow)
    assert statement.account.balances == (eur("12.50"), Money.of("15.00", "USD"))
    newest = statement.entries[0]
    assert (newest.kind, newest.amount, newest.balance_after) == (
        CreditEntryKind.SPEND,
        eur("7.50"),
        eur("12.50"),
    )


def test_a_deduction_beyond_the_balance_is_refused_with_what_is_available(
    uow: UnitOfWork, ada: UUID
) -> None:
    issue(uow, ada, eur("10.00"))
    with pytest.raises(InsufficientStoreCredit) as refused:
        adjust_store_credit(
            AdjustStoreCredit(
                customer_id=ada,
                kind=CreditEntryKind.DEDUCT,
                amount=eur("10.01"),
                reason="correction",
                actor="test",
            ),
            uow=uow,
        )
    assert refused.value.facts["available"] == "10.00"
    assert store_credit_statement(ada, uow=uow).account.balance("EUR") == eur("10.00")


def test_a_customer_without_credit_cannot_spend_any(uow: UnitOfWork, ada: UUID) -> None:
    with pytest.raises(InsufficientStoreCredit):
        spend(uow, ada, eur("0.01"))
    assert store_credit_statement(ada, uow=uow).account.balances == ()


def test_only_issue_and_deduct_are_manual_adjustments(uow: UnitOfWork, ada: UUID) -> None:
    with pytest.raises(Invalid) as refused:
        adjust_store_credit(
            AdjustStoreCredit(
                customer_id=ada,
                kind=CreditEntryKind.RESTORE,
                amount=eur("5.00"),
                reason="why not",
                actor="test",
            ),
            uow=uow,
        )
    assert refused.value.problems[0].field == "kind"


def test_an_unknown_customer_has_no_store_credit(uow: UnitOfWork) -> None:
    with pytest.raises(customers.CustomerNotFound):
        store_credit_statement(new_id(), uow=uow)


def test_the_same_cause_moves_the_balance_once_and_is_announced_once(
    uow: UnitOfWork, ada: UUID, engine: Engine
) -> None:
    refund_id = new_id()
    for _ in range(2):
        refund_to_store_credit(
            ada,
            eur("5.00"),
            reason="goodwill",
            order_id=None,
            source_id=refund_id,
            actor="test",
            uow=uow,
        )
    assert store_credit_statement(ada, uow=uow).account.balance("EUR") == eur("5.00")
    with engine.connect() as conn:
        announced = conn.execute(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.event_type == "payments.store_credit_changed.v1")
        ).scalar_one()
    assert announced == 1


def test_two_spends_racing_for_the_last_balance_leave_it_at_zero_never_below(
    engine: Engine, ada: UUID, uow: UnitOfWork
) -> None:
    issue(uow, ada, eur("10.00"))
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def shopper() -> None:
        own = UnitOfWork(engine)
        start.wait()
        try:
            spend(own, ada, eur("10.00"))
            outcomes.append("spent")
        except InsufficientStoreCredit:
            outcomes.append("refused")

    threads = [threading.Thread(target=shopper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "spent"]
    statement = store_credit_statement(ada, uow=uow)
    assert statement.account.balance("EUR") == eur("0.00")
    assert [e.kind for e in statement.entries] == [CreditEntryKind.SPEND, CreditEntryKind.ISSUE]


def test_many_concurrent_spends_never_take_more_than_was_issued(
    engine: Engine, ada: UUID, uow: UnitOfWork
) -> None:
    issue(uow, ada, eur("25.00"))
    start = threading.Barrier(8)
    spent: list[Money] = []

    def shopper() -> None:
        own = UnitOfWork(engine)
        start.wait()
        for _ in range(3):
            try:
                spend(own, ada, eur("2.00"))
                spent.append(eur("2.00"))
            except InsufficientStoreCredit:
                pass

    threads = [threading.Thread(target=shopper) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(spent) == 12  # 24.00 of 25.00: a thirteenth spend would have gone below zero
    statement = store_credit_statement(ada, uow=uow, limit=100)
    assert statement.account.balance("EUR") == eur("1.00")
    assert statement.entries[0].balance_after == eur("1.00")


def test_the_ledger_refuses_updates_and_deletes(engine: Engine, ada: UUID, uow: UnitOfWork) -> None:
    issue(uow, ada, eur("10.00"))
    for statement in (
        store_credit_entries.update().values(amount_minor=1),
        store_credit_entries.delete(),
    ):
        with pytest.raises(DBAPIError), engine.begin() as conn:
            conn.execute(statement)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM store_credit_entries")).scalar_one() == 1


def test_the_ledger_pages_newest_first(uow: UnitOfWork, ada: UUID) -> None:
    for amount in ("1.00", "2.00", "3.00"):
        issue(uow, ada, eur(amount))
    first = store_credit_statement(ada, uow=uow, limit=2).entries
    assert [e.amount for e in first] == [eur("3.00"), eur("2.00")]
    last = first[-1]
    rest = store_credit_statement(ada, uow=uow, before=last.position, limit=2)
    assert [e.amount for e in rest.entries] == [eur("1.00")]


# -- the store-credit provider: a tender paid from the balance ----------------------------------


@pytest.fixture
def credit_order(uow: UnitOfWork) -> orders.Order:
    """Ada's 60.00 order in the money shop, with 25.00 of store credit to her name."""
    shop.open_shop(uow)
    order = shop.place(uow)
    issue(uow, order.buyer.customer_id, eur("25.00"))
    return order


def credit_tender(
    uow: UnitOfWork, order: orders.Order, amount: str, *, capture: bool | None = None
) -> payments.Payment:
    return payments.add_tender(
        payments.AddTender(
            order_id=order.id,
            provider=payments.ProviderName.STORE_CREDIT,
            amount=eur(amount),
            actor="test",
            capture=capture,
        ),
        uow=uow,
        providers=payments.build_providers(Settings(), uow),
    )


def balance_of(uow: UnitOfWork, order: orders.Order) -> Money:
    return store_credit_statement(order.buyer.customer_id, uow=uow).account.balance("EUR")


def test_a_store_credit_tender_spends_the_balance_once_it_is_authorised(
    uow: UnitOfWork, credit_order: orders.Order
) -> None:
    paid = credit_tender(uow, credit_order, "20.00")
    assert paid.authorized == eur("20.00")
    assert balance_of(uow, credit_order) == eur("5.00")
    spend_entry = store_credit_statement(credit_order.buyer.customer_id, uow=uow).entries[0]
    assert (spend_entry.kind, spend_entry.payment_id, spend_entry.order_id) == (
        CreditEntryKind.SPEND,
        paid.id,
        credit_order.id,
    )


def test_a_store_credit_tender_beyond_the_balance_fails_and_takes_nothing(
    uow: UnitOfWork, credit_order: orders.Order
) -> None:
    refused = credit_tender(uow, credit_order, "25.01")
    assert refused.status is payments.TenderStatus.FAILED
    assert refused.transactions[0].failure_code == "insufficient_store_credit"
    assert balance_of(uow, credit_order) == eur("25.00")


def test_voiding_or_refunding_a_store_credit_tender_gives_the_credit_back(
    uow: UnitOfWork, credit_order: orders.Order
) -> None:
    providers = payments.build_providers(Settings(), uow)
    held = credit_tender(uow, credit_order, "10.00", capture=False)
    payments.void_payment(held.id, actor="test", uow=uow, providers=providers)
    assert balance_of(uow, credit_order) == eur("25.00")
    taken = credit_tender(uow, credit_order, "15.00", capture=True)
    assert taken.captured == eur("15.00")
    payments.refund_payment(
        taken.id, eur("6.00"), reason="damaged_box", actor="test", uow=uow, providers=providers
    )
    assert balance_of(uow, credit_order) == eur("16.00")
    kinds = [
        e.kind for e in store_credit_statement(credit_order.buyer.customer_id, uow=uow).entries
    ]
    assert kinds[:4] == [
        CreditEntryKind.RESTORE,
        CreditEntryKind.SPEND,
        CreditEntryKind.RESTORE,
        CreditEntryKind.SPEND,
    ]


def test_a_spend_left_pending_by_a_dead_process_is_made_once_by_the_sweeper(
    uow: UnitOfWork, credit_order: orders.Order
) -> None:
    providers = payments.build_providers(Settings(), uow)
    started = start_tender(
        payments.AddTender(
            order_id=credit_order.id,
            provider=payments.ProviderName.STORE_CREDIT,
            amount=eur("20.00"),
            actor="test",
        ),
        uow=uow,
    )  # step 1 committed; the process "dies" before asking the provider
    assert balance_of(uow, credit_order) == eur("25.00")
    swept = payments.settle_pending(uow=uow, providers=providers, older_than=timedelta(0))
    assert swept >= 1
    payment = payments.get_payment(started.payment_id, uow=uow)
    assert payment.authorized == eur("20.00")
    assert balance_of(uow, credit_order) == eur("5.00")
    provider = providers[payments.ProviderName.STORE_CREDIT]
    late = provider.authorize(
        AuthorizeRequest(payment=payment, transaction=payment.transactions[0])
    )  # the dead request wakes up and asks again: same entry, nothing moves
    assert late.status is payments.TransactionStatus.SUCCEEDED
    assert balance_of(uow, credit_order) == eur("5.00")


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    moves=st.lists(
        st.tuples(st.sampled_from(list(CreditEntryKind)), st.integers(min_value=1, max_value=3000)),
        max_size=10,
    )
)
def test_the_ledger_explains_every_balance_and_no_balance_goes_below_zero(
    uow: UnitOfWork, ada: UUID, moves: list[tuple[CreditEntryKind, int]]
) -> None:
    for kind, minor in moves:
        with contextlib.suppress(InsufficientStoreCredit):
            post_credit(
                CreditMovement(
                    id=new_id(),
                    customer_id=ada,
                    kind=kind,
                    amount=Money.from_minor(minor, "EUR"),
                    reason="property",
                    actor="test",
                ),
                uow=uow,
            )
    statement = store_credit_statement(ada, uow=uow, limit=1000)
    oldest_first = list(reversed(statement.entries))
    running = eur("0")
    for entry in oldest_first:
        running += entry.amount * entry.kind.sign
        assert entry.balance_after == running
        assert not running.is_negative()
    assert statement.account.balance("EUR") == running
