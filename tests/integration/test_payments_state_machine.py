"""Random histories of tenders and movements, with the ledger's invariants checked after every
step, on both databases.

Hypothesis drives the public service functions with the manual and pos providers: tenders
(captured at once or pre-authorised, sometimes declined by the terminal), bank transfers marked
received, captures, voids and refunds of any amount (many refused), and requests that die
between their two steps, which the sweeper then settles. After each step, per payment:
captured <= authorised and refunded + charged back <= captured; per order: the figures on the
order are the ledger's sums (summed by the database) and its payment status the documented
rule's; no transaction stays pending once the sweeper ran.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar
from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)
from hypothesis.stateful import run_state_machine_as_test as run_machine
from sqlalchemy import Engine, select

from oms import orders, payments
from oms.orders.tables import orders as order_rows
from oms.payments.domain import OrderPayments, TransactionStatus
from oms.payments.providers.pos import PosProvider
from oms.payments.services import start_tender
from oms.payments.tables.ledger import payments as payment_rows
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Conflict, Invalid
from oms.shared.money import Money
from tests.conftest import empty
from tests.payments_core import ledger_sum, open_shop, place, providers

P, K = payments.ProviderName, payments.TransactionKind
ACTOR = "machine"

SETTINGS = settings(
    max_examples=15,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

amounts = st.one_of(st.none(), st.integers(1, 6_000), st.integers(1, 12_000))
"""Minor units (None: as much as the rule allows); orders are 60.00 to 100.00 EUR."""


class Terminal:
    """The real till provider, whose card terminal declines when told to (a failure)."""

    name = P.POS

    def __init__(self) -> None:
        self.till = PosProvider()
        self.declines = False

    def _answer(self, method: str, *args: Any) -> payments.ProviderOutcome:
        if self.declines:
            return payments.ProviderOutcome(
                status=TransactionStatus.FAILED, reference=None, failure_code="declined"
            )
        return getattr(self.till, method)(*args)  # type: ignore[no-any-return]

    def authorize(self, request: Any) -> payments.ProviderOutcome:
        return self._answer("authorize", request)

    def capture(self, *args: Any) -> payments.ProviderOutcome:
        return self._answer("capture", *args)

    def void(self, *args: Any) -> payments.ProviderOutcome:
        return self._answer("void", *args)

    def refund(self, *args: Any) -> payments.ProviderOutcome:
        return self._answer("refund", *args)

    def retrieve(self, *args: Any) -> payments.ProviderOutcome:
        return self._answer("retrieve", *args)


def eur(minor: int | None) -> Money | None:
    return None if minor is None else Money.from_minor(minor, "EUR")


class PaymentHistory(RuleBasedStateMachine):
    """Two orders of one shop and the tenders people and tills throw at them."""

    engine: ClassVar[Engine]
    order_ids = Bundle("orders")
    payment_ids = Bundle("payments")

    def __init__(self) -> None:
        super().__init__()
        empty(self.engine)
        self.uow = UnitOfWork(self.engine)
        open_shop(self.uow)
        self.terminal = Terminal()
        self.providers = {**providers(self.uow), P.POS: self.terminal}

    @initialize(target=order_ids)
    def place_orders(self) -> Any:
        return multiple(place(self.uow, 10).id, place(self.uow, 6).id)

    def attempt(self, action: Any) -> Any:
        """Run one use case; refusals (bad amounts, wrong states) are part of the game."""
        try:
            return action()
        except (Invalid, Conflict):
            return None
        finally:
            self.terminal.declines = False

    # -- tenders ---------------------------------------------------------------------------

    @rule(
        target=payment_ids,
        order_id=order_ids,
        amount=amounts,
        capture=st.booleans(),
        declined=st.booleans(),
    )
    def take_at_the_till(
        self, order_id: UUID, amount: int | None, capture: bool, declined: bool
    ) -> Any:
        self.terminal.declines = declined
        command = payments.AddTender(
            order_id=order_id, provider=P.POS, amount=eur(amount), capture=capture, actor=ACTOR
        )
        added = self.attempt(
            lambda: payments.add_tender(command, uow=self.uow, providers=self.providers)
        )
        return multiple() if added is None else added.id

    @rule(target=payment_ids, order_id=order_ids, amount=amounts)
    def await_a_bank_transfer(self, order_id: UUID, amount: int | None) -> Any:
        command = payments.AddTender(
            order_id=order_id,
            provider=P.MANUAL,
            amount=eur(amount),
            details={"method": "bank_transfer"},
            actor=ACTOR,
        )
        added = self.attempt(
            lambda: payments.add_tender(command, uow=self.uow, providers=self.providers)
        )
        return multiple() if added is None else added.id

    @rule(target=payment_ids, order_id=order_ids, amount=amounts)
    def die_between_the_two_steps(self, order_id: UUID, amount: int | None) -> Any:
        """A till request whose process dies after committing its pending authorisation."""
        command = payments.AddTender(
            order_id=order_id, provider=P.POS, amount=eur(amount), actor=ACTOR
        )
        started = self.attempt(lambda: start_tender(command, uow=self.uow))
        return multiple() if started is None else started.payment_id

    @rule()
    def sweep(self) -> None:
        payments.settle_pending(
            uow=self.uow, providers=self.providers, older_than=timedelta(seconds=-1)
        )
        with self.engine.connect() as c:
            left = c.execute(
                select(payment_rows.c.id).where(payment_rows.c.status == "authorizing")
            ).scalars()
            waiting = [payments.get_payment(i, uow=self.uow) for i in left]
        for payment in waiting:
            assert all(t.status is not TransactionStatus.PENDING for t in payment.transactions)

    # -- movements -------------------------------------------------------------------------

    @rule(payment_id=payment_ids, amount=amounts)
    def mark_received(self, payment_id: UUID, amount: int | None) -> None:
        self.attempt(
            lambda: payments.mark_received(
                payment_id,
                bank_reference=f"SEPA-{payment_id.hex[:8]}",
                amount=eur(amount),
                actor=ACTOR,
                uow=self.uow,
                providers=self.providers,
            )
        )

    @rule(payment_id=payment_ids, amount=amounts, declined=st.booleans())
    def capture(self, payment_id: UUID, amount: int | None, declined: bool) -> None:
        self.terminal.declines = declined
        self.attempt(
            lambda: payments.capture_payment(
                payment_id, eur(amount), actor=ACTOR, uow=self.uow, providers=self.providers
            )
        )

    @rule(payment_id=payment_ids)
    def void(self, payment_id: UUID) -> None:
        self.attempt(
            lambda: payments.void_payment(
                payment_id, actor=ACTOR, uow=self.uow, providers=self.providers
            )
        )

    @rule(payment_id=payment_ids, amount=st.integers(1, 6_000), declined=st.booleans())
    def refund(self, payment_id: UUID, amount: int, declined: bool) -> None:
        self.terminal.declines = declined
        self.attempt(
            lambda: payments.refund_payment(
                payment_id,
                Money.from_minor(amount, "EUR"),
                reason="goodwill",
                actor=ACTOR,
                uow=self.uow,
                providers=self.providers,
            )
        )

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def every_payment_keeps_its_bounds(self) -> None:
        with self.engine.connect() as c:
            rows = c.execute(select(payment_rows.c.id, payment_rows.c.status)).all()
        for payment_id, status in rows:
            payment = payments.get_payment(payment_id, uow=self.uow)
            assert payment.captured <= payment.authorized
            assert payment.refunded + payment.charged_back <= payment.captured
            assert status == payment.status.value

    @invariant()
    def every_order_shows_what_its_ledger_sums_to(self) -> None:
        with self.engine.connect() as c:
            rows = c.execute(select(order_rows)).all()
        for row in rows:
            authorized = ledger_sum(self.engine, row.id, "authorize") - ledger_sum(
                self.engine, row.id, "void"
            )
            assert row.amount_authorized_minor == authorized
            assert row.amount_captured_minor == ledger_sum(self.engine, row.id, "capture")
            assert row.amount_refunded_minor == ledger_sum(self.engine, row.id, "refund")
            order = orders.get_order(row.id, uow=self.uow)
            summary = OrderPayments.of(
                order.totals.total, payments.list_payments(row.id, uow=self.uow)
            )
            assert row.payment_status == summary.payment_status.value


def test_random_histories_of_payments_keep_the_ledger_s_invariants(engine: Engine) -> None:
    machine = type(
        f"PaymentHistoryOn{engine.dialect.name.title()}", (PaymentHistory,), {"engine": engine}
    )
    run_machine(machine, settings=SETTINGS)
