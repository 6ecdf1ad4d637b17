"""Finished webhook deliveries are kept for the retention period, then pruned with their attempts;
pending ones stay whatever their age (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from oms.notifications.domain.webhook_deliveries import Attempt, RetrySchedule
from oms.notifications.services.webhooks.claiming import claim_due, record_attempt
from oms.notifications.services.webhooks.retention import prune_deliveries
from oms.notifications.tables.webhooks import webhook_attempts, webhook_deliveries
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import FixedClock
from tests.integration.test_webhooks_claims import LEASE, endpoint, placed

KEEP = timedelta(days=30)


def answer(engine: Engine, clock: FixedClock, status_code: int) -> None:
    """Claim what is due and record one attempt answered with ``status_code`` for each."""
    for outgoing in claim_due(uow=UnitOfWork(engine, clock), slots=10, lease_for=LEASE):
        attempt = Attempt(
            at=clock.now(),
            status_code=status_code,
            latency_ms=12,
            error=None if status_code < 300 else f"HTTP {status_code}",
        )
        record_attempt(
            outgoing, attempt, uow=UnitOfWork(engine, clock), schedule=RetrySchedule(), draw=0.0
        )


def statuses(engine: Engine) -> list[str]:
    with engine.connect() as c:
        return sorted(c.execute(select(webhook_deliveries.c.status)).scalars())


def count_attempts(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(webhook_attempts)).scalar_one())


def test_finished_deliveries_go_after_the_retention_with_their_attempts_and_pending_ones_stay(
    engine: Engine,
) -> None:
    clock = FixedClock(datetime(2026, 10, 1, 9, tzinfo=UTC))
    endpoint(engine, clock)
    placed(engine, clock, 2)
    answer(engine, clock, 200)  # both succeeded
    placed(engine, clock, 1)
    answer(engine, clock, 500)  # pending, retried later
    assert statuses(engine) == ["pending", "succeeded", "succeeded"]
    assert count_attempts(engine) == 3

    clock.advance_to(clock.now() + KEEP - timedelta(minutes=1))
    assert prune_deliveries(uow=lambda: UnitOfWork(engine, clock), keep_for=KEEP) == 0

    clock.advance_to(clock.now() + timedelta(minutes=2))
    assert prune_deliveries(uow=lambda: UnitOfWork(engine, clock), keep_for=KEEP) == 2
    assert statuses(engine) == ["pending"]
    assert count_attempts(engine) == 1
    assert prune_deliveries(uow=lambda: UnitOfWork(engine, clock), keep_for=KEEP) == 0
