"""Concurrent movements of one payment (and tenders of one order) on both databases: however
they interleave, they never exceed what the ledger allows, and the order's figures end equal
to the ledger's sums."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine

from oms import orders, payments
from oms.payments.domain import AmountAboveBalanceDue, AmountAboveCapturable, AmountAboveRefundable
from oms.payments.providers.pos import PosProvider
from oms.platform.unit_of_work import UnitOfWork
from tests.payments_core import eur, ledger_sum, open_shop, place, providers

T = TypeVar("T")
P = payments.ProviderName
WORKERS = 6


class SlowTill:
    """The real till provider, taking its time to answer: the other requests' first steps run
    while this one waits between its two steps."""

    name = P.POS

    def __init__(self) -> None:
        self.till = PosProvider()

    def __getattr__(self, method: str) -> Any:
        real = getattr(self.till, method)

        def call(*args: Any) -> Any:
            time.sleep(0.05)
            return real(*args)

        return call


def all_at_once(work: Sequence[Callable[[], T]]) -> list[T | Exception]:
    """Run every call on its own thread, all starting together."""
    start = threading.Barrier(len(work))

    def run(index: int) -> T | Exception:
        start.wait(timeout=60)
        try:
            return work[index]()
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        return list(pool.map(run, range(len(work))))


@pytest.fixture
def kit(uow: UnitOfWork) -> dict[payments.ProviderName, Any]:
    open_shop(uow)
    return {**providers(uow), P.POS: SlowTill()}


def pre_authorised(uow: UnitOfWork, kit: dict[payments.ProviderName, Any]) -> payments.Payment:
    order = place(uow)
    command = payments.AddTender(order_id=order.id, provider=P.POS, capture=False, actor="till")
    return payments.add_tender(command, uow=uow, providers=kit)


def test_concurrent_captures_never_exceed_what_is_authorised(
    engine: Engine, uow: UnitOfWork, kit: dict[payments.ProviderName, Any]
) -> None:
    payment = pre_authorised(uow, kit)
    outcomes = all_at_once(
        [
            lambda: payments.capture_payment(
                payment.id, eur("30.00"), actor="csr", uow=UnitOfWork(engine), providers=kit
            )
            for _ in range(WORKERS)
        ]
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, AmountAboveCapturable) for o in refused), refused
    assert len(refused) == WORKERS - 3
    after = payments.get_payment(payment.id, uow=uow)
    assert after.captured == eur("90.00")
    assert ledger_sum(engine, payment.order_id, "capture") == 9000
    seen = orders.get_order(payment.order_id, uow=uow)
    assert seen.payment_figures.captured == eur("90.00")


def test_concurrent_refunds_never_exceed_what_was_captured(
    engine: Engine, uow: UnitOfWork, kit: dict[payments.ProviderName, Any]
) -> None:
    payment = pre_authorised(uow, kit)
    payments.capture_payment(payment.id, None, actor="csr", uow=uow, providers=kit)
    outcomes = all_at_once(
        [
            lambda: payments.refund_payment(
                payment.id,
                eur("40.00"),
                reason="goodwill",
                actor="csr",
                uow=UnitOfWork(engine),
                providers=kit,
            )
            for _ in range(WORKERS)
        ]
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, AmountAboveRefundable) for o in refused), refused
    assert len(refused) == WORKERS - 2
    assert ledger_sum(engine, payment.order_id, "refund") == 8000
    assert orders.get_order(payment.order_id, uow=uow).payment_figures.refunded == eur("80.00")


def test_concurrent_tenders_never_cover_more_than_the_order_total(
    engine: Engine, uow: UnitOfWork, kit: dict[payments.ProviderName, Any]
) -> None:
    order = place(uow)
    outcomes = all_at_once(
        [
            lambda: payments.add_tender(
                payments.AddTender(
                    order_id=order.id, provider=P.POS, amount=eur("30.00"), actor="till"
                ),
                uow=UnitOfWork(engine),
                providers=kit,
            )
            for _ in range(WORKERS)
        ]
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, AmountAboveBalanceDue) for o in refused), refused
    assert len(refused) == WORKERS - 3
    assert ledger_sum(engine, order.id, "capture") == 9000
    seen = orders.get_order(order.id, uow=uow)
    assert (seen.payment_status, seen.balance_due) == (
        orders.PaymentStatus.PARTIALLY_PAID,
        eur("10.00"),
    )
