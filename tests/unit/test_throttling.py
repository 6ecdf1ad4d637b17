"""The lookup's token buckets: a burst, then one attempt per refill interval, per key."""

from __future__ import annotations

import pytest

from oms.platform.throttling import Throttle, retry_after


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_gets_its_burst_then_waits_for_the_refill() -> None:
    clock = Clock()
    throttle = Throttle(burst=3, period=60.0, clock=clock)
    assert [throttle.take("a") for _ in range(3)] == [None, None, None]
    wait = throttle.take("a")
    assert wait == pytest.approx(20.0)
    clock.now += 19.9
    assert throttle.take("a") is not None
    clock.now += 0.1
    assert throttle.take("a") is None


def test_keys_do_not_share_a_budget() -> None:
    throttle = Throttle(burst=1, period=60.0, clock=Clock())
    assert throttle.take("a") is None
    assert throttle.take("a") is not None
    assert throttle.take("b") is None


def test_a_refused_attempt_spends_nothing() -> None:
    clock = Clock()
    throttle = Throttle(burst=1, period=10.0, clock=clock)
    throttle.take("a")
    for _ in range(100):
        assert throttle.take("a") is not None
    clock.now += 10.0
    assert throttle.take("a") is None


def test_memory_stays_bounded_under_many_keys() -> None:
    clock = Clock()
    throttle = Throttle(burst=2, period=60.0, max_keys=100, clock=clock)
    for n in range(10_000):
        throttle.take(f"guess-{n}")
        clock.now += 0.001
    assert len(throttle._buckets) <= 100


def test_retry_after_is_whole_seconds_rounded_up() -> None:
    assert [retry_after(s) for s in (0.0, 0.2, 1.0, 1.01, 59.5)] == ["1", "1", "1", "2", "60"]
