"""Sending webhook deliveries: the worker's webhook loop (never part of the relay).

The relay's fan-out only writes delivery rows; this loop sends them, so an endpoint that is slow
or down never holds back the relay or another endpoint. It keeps up to
``settings.webhook_concurrency`` sends in flight on a thread pool: whenever a sender is free it
claims due deliveries (``claiming.claim_due``: a lease, at most two in flight per endpoint
across every worker), posts each one outside any transaction with short timeouts
(``providers.webhook_http``), then records the outcome in a short transaction of its own.

The lease lasts ``LEASE_TIMEOUTS`` times the timeout: connect, write and read each have one, so a
send that is still running after that is not going to finish. A worker killed mid-send (kill
-9) leaves its rows leased; when the lease expires any worker sends them again. The receiver
may so see a delivery twice, with the same ``webhook-id``: at least once, never lost.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import structlog
from sqlalchemy import Engine

from oms.notifications.domain.webhook_deliveries import RetrySchedule
from oms.notifications.providers.webhook_http import WebhookHttp
from oms.notifications.services.webhooks import retention
from oms.notifications.services.webhooks.claiming import Outgoing, claim_due, record_attempt
from oms.platform.background import Loop, Periodic
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock

log = structlog.get_logger("oms.webhooks")

LEASE_TIMEOUTS = 4


class Dispatcher:
    """Claims, sends and records webhook deliveries; see the module docstring."""

    def __init__(
        self,
        *,
        unit_of_work: Callable[[], UnitOfWork],
        http: WebhookHttp,
        clock: Clock,
        concurrency: int,
        lease_for: timedelta,
        schedule: RetrySchedule | None = None,
        draw: Callable[[], float] = lambda: random.uniform(-1.0, 1.0),  # noqa: S311 - jitter
    ) -> None:
        self.unit_of_work = unit_of_work
        self.http = http
        self.clock = clock
        self.concurrency = concurrency
        self.lease_for = lease_for
        self.schedule = schedule or RetrySchedule()
        self.draw = draw
        self._in_flight = 0
        self._freed = threading.Condition()

    def run_once(self) -> int:
        """Claim what is due now (as many as the concurrency allows), send it all and record
        the outcomes; how many attempts were made. For tests and ``oms webhooks`` commands."""
        claimed = claim_due(
            uow=self.unit_of_work(), slots=self.concurrency, lease_for=self.lease_for
        )
        if claimed:
            with ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook-send") as pool:
                list(pool.map(self.deliver, claimed))
        return len(claimed)

    def drain(self) -> int:
        """``run_once`` until nothing is due; the attempts made (retries wait for their time)."""
        total = 0
        while made := self.run_once():
            total += made
        return total

    def run_until(self, stop: threading.Event, interval: float) -> None:
        """Keep every sender busy while deliveries are due; look again every ``interval``.
        Once stopped, the sends in flight finish (within their timeouts) and connections close."""
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook-send") as pool:
            self._keep_sending(pool, stop, interval)
        self.http.close()

    def _keep_sending(
        self, pool: ThreadPoolExecutor, stop: threading.Event, interval: float
    ) -> None:
        while not stop.is_set():
            free = self.concurrency - self._in_flight
            claimed = self._claim(free)
            for outgoing in claimed:
                with self._freed:
                    self._in_flight += 1
                pool.submit(self._deliver_and_free, outgoing)
            if len(claimed) < free:
                stop.wait(interval)  # nothing more is due now
            else:
                self._wait_for_a_sender(stop, interval)

    def deliver(self, outgoing: Outgoing) -> None:
        """Send one claimed delivery and record how it went. A failure to record leaves the
        lease to expire: the delivery is sent again then (at least once)."""
        at = self.clock.now()
        attempt = self.http.send(
            outgoing.target,
            message_id=str(outgoing.event_id),
            body=outgoing.body,
            secrets=outgoing.secrets,
            at=at,
        )
        try:
            record_attempt(
                outgoing,
                attempt,
                uow=self.unit_of_work(),
                schedule=self.schedule,
                draw=self.draw(),
            )
        except Exception:
            log.exception("webhook_outcome_not_recorded", delivery_id=str(outgoing.delivery_id))
            return
        report = log.debug if attempt.succeeded else log.info
        report(
            "webhook_attempt",
            delivery_id=str(outgoing.delivery_id),
            endpoint_id=str(outgoing.endpoint_id),
            status_code=attempt.status_code,
            latency_ms=attempt.latency_ms,
            error=attempt.error,
        )

    def _claim(self, slots: int) -> list[Outgoing]:
        try:
            return claim_due(uow=self.unit_of_work(), slots=slots, lease_for=self.lease_for)
        except Exception:
            log.exception("webhook_claim_failed")
            return []

    def _deliver_and_free(self, outgoing: Outgoing) -> None:
        try:
            self.deliver(outgoing)
        except Exception:
            log.exception("webhook_send_failed", delivery_id=str(outgoing.delivery_id))
        finally:
            with self._freed:
                self._in_flight -= 1
                self._freed.notify()

    def _wait_for_a_sender(self, stop: threading.Event, interval: float) -> None:
        with self._freed:
            while self._in_flight >= self.concurrency and not stop.is_set():
                self._freed.wait(timeout=interval)


def webhook_dispatcher(engine: Engine, settings: Settings, clock: Clock) -> Dispatcher:
    """The dispatcher a worker runs, configured from ``settings``."""
    return Dispatcher(
        unit_of_work=lambda: UnitOfWork(engine, clock),
        http=WebhookHttp(
            timeout_seconds=settings.webhook_timeout_seconds,
            allow_private=settings.webhooks_allow_private_targets,
            max_connections=settings.webhook_concurrency,
        ),
        clock=clock,
        concurrency=settings.webhook_concurrency,
        lease_for=timedelta(seconds=LEASE_TIMEOUTS * settings.webhook_timeout_seconds),
    )


def webhook_loops(
    engine: Engine, settings: Settings, clock: Clock
) -> list[tuple[str, Loop, float]]:
    """The background loops that deliver webhooks: (thread name, loop, interval)."""
    keep_for = timedelta(days=settings.webhook_retention_days)
    pruning = Periodic(
        "webhook-retention",
        lambda: retention.prune_deliveries(
            uow=lambda: UnitOfWork(engine, clock), keep_for=keep_for
        ),
    )
    return [
        (
            "webhooks",
            webhook_dispatcher(engine, settings, clock),
            settings.webhook_interval_seconds,
        ),
        ("webhook-retention", pruning, retention.INTERVAL_SECONDS),
    ]
