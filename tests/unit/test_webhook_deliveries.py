"""Webhook deliveries: the lifecycle table, the retry schedule (about 5 s, doubling, ±25 %,
never more than 6 h apart, 3 days), and how an attempt's outcome is taken under a lease."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oms.notifications.domain.webhook_deliveries import (
    DELIVERY_LIFECYCLE,
    Attempt,
    DeliveryAction,
    DeliveryStatus,
    RetrySchedule,
    WebhookDelivery,
)
from oms.shared.errors import IllegalTransition
from oms.shared.ids import new_id

AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
LEASE = AT + timedelta(seconds=20)
SCHEDULE = RetrySchedule()

P, S, F = DeliveryStatus.PENDING, DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED
EXPECTED = {
    (P, DeliveryAction.SUCCEED): S,
    (P, DeliveryAction.RETRY): P,
    (P, DeliveryAction.FAIL): F,
    (P, DeliveryAction.REPLAY): P,
    (S, DeliveryAction.REPLAY): P,
    (F, DeliveryAction.REPLAY): P,
}


@pytest.mark.parametrize("status", list(DeliveryStatus))
@pytest.mark.parametrize("action", list(DeliveryAction))
def test_the_lifecycle_allows_exactly_its_table(
    status: DeliveryStatus, action: DeliveryAction
) -> None:
    if (status, action) in EXPECTED:
        assert DELIVERY_LIFECYCLE.next(status, action) is EXPECTED[(status, action)]
    else:
        with pytest.raises(IllegalTransition):
            DELIVERY_LIFECYCLE.next(status, action)


def test_the_first_retry_comes_after_about_five_seconds() -> None:
    assert SCHEDULE.delay(1, 0.0) == timedelta(seconds=5)
    assert SCHEDULE.delay(1, -1.0) == timedelta(seconds=3.75)
    assert SCHEDULE.delay(1, 1.0) == timedelta(seconds=6.25)


def test_delays_double_and_never_exceed_six_hours() -> None:
    delays = [SCHEDULE.delay(n, 0.0) for n in range(1, 6)]

    assert delays == [timedelta(seconds=5 * 2**k) for k in range(5)]
    assert SCHEDULE.delay(13, 1.0) == timedelta(hours=6)
    assert SCHEDULE.delay(400, 1.0) == timedelta(hours=6)
    assert SCHEDULE.delay(12, -1.0) < timedelta(hours=6)


def test_the_last_attempt_is_at_the_three_day_deadline_and_then_none() -> None:
    late = AT + timedelta(days=2, hours=23)

    assert SCHEDULE.next_attempt(attempts=20, first_attempt_at=AT, at=late, draw=0) == AT + (
        timedelta(days=3)
    )
    assert (
        SCHEDULE.next_attempt(attempts=21, first_attempt_at=AT, at=AT + timedelta(days=3), draw=0)
        is None
    )


def test_a_whole_round_of_failures_lasts_three_days_in_about_two_dozen_attempts() -> None:
    at, attempts = AT, 0
    while (
        next_at := SCHEDULE.next_attempt(
            attempts=attempts + 1, first_attempt_at=AT, at=at, draw=0.0
        )
    ) is not None:
        attempts += 1
        at = next_at

    assert at == AT + timedelta(days=3)
    assert 20 <= attempts <= 30


def delivery() -> WebhookDelivery:
    return WebhookDelivery(
        id=new_id(),
        endpoint_id=new_id(),
        event_id=new_id(),
        event_type="orders.order_placed.v1",
        body="{}",
        status=P,
        created_at=AT,
        next_attempt_at=AT,
        locked_until=LEASE,
    )


def answer(status_code: int | None, *, at: datetime = AT, error: str | None = None) -> Attempt:
    return Attempt(at=at, status_code=status_code, latency_ms=12, error=error)


def test_a_2xx_succeeds_and_frees_the_lease() -> None:
    sent = delivery()

    sent.record(answer(204), lease=LEASE, schedule=SCHEDULE, draw=0)

    assert (sent.status, sent.attempts, sent.delivered_at) == (S, 1, AT)
    assert (sent.next_attempt_at, sent.locked_until, sent.last_status_code) == (None, None, 204)


def test_a_failure_is_retried_later_with_what_went_wrong() -> None:
    failed = delivery()

    failed.record(answer(500, error="HTTP 500: boom"), lease=LEASE, schedule=SCHEDULE, draw=0)

    assert (failed.status, failed.attempts, failed.first_attempt_at) == (P, 1, AT)
    assert failed.next_attempt_at == AT + timedelta(seconds=5)
    assert (failed.last_error, failed.locked_until) == ("HTTP 500: boom", None)


def test_a_failure_at_the_deadline_fails_the_delivery() -> None:
    tired = delivery()
    tired.first_attempt_at = AT - timedelta(days=3)

    tired.record(answer(None, error="ConnectError"), lease=LEASE, schedule=SCHEDULE, draw=0)

    assert (tired.status, tired.next_attempt_at) == (F, None)


def test_a_failure_reported_under_an_expired_lease_leaves_the_decision_to_the_holder() -> None:
    taken_over = delivery()
    later_lease = LEASE + timedelta(seconds=30)
    taken_over.locked_until = later_lease

    taken_over.record(answer(500), lease=LEASE, schedule=SCHEDULE, draw=0)

    assert (taken_over.status, taken_over.attempts) == (P, 1)
    assert (taken_over.locked_until, taken_over.next_attempt_at) == (later_lease, AT)


def test_a_late_success_counts_whoever_reports_it() -> None:
    taken_over = delivery()
    taken_over.locked_until = LEASE + timedelta(seconds=30)

    taken_over.record(answer(200), lease=LEASE, schedule=SCHEDULE, draw=0)

    assert taken_over.status is S


def test_an_answer_after_the_delivery_settled_is_only_counted() -> None:
    settled = delivery()
    settled.record(answer(200), lease=LEASE, schedule=SCHEDULE, draw=0)

    settled.record(answer(500), lease=LEASE, schedule=SCHEDULE, draw=0)

    assert (settled.status, settled.attempts, settled.last_status_code) == (S, 2, 500)


def test_a_replay_queues_it_now_in_a_new_round() -> None:
    replayed = delivery()
    replayed.first_attempt_at = AT - timedelta(days=3)
    replayed.record(answer(500), lease=LEASE, schedule=SCHEDULE, draw=0)
    assert replayed.status is F

    replayed.replay(AT + timedelta(hours=1))

    assert replayed.status is P
    assert (replayed.next_attempt_at, replayed.first_attempt_at) == (AT + timedelta(hours=1), None)
    assert replayed.attempts == 1
