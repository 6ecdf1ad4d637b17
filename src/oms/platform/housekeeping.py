"""Periodic clean-up: expired idempotency records and long-delivered outbox events.

Stored idempotent responses can hold personal data (a created customer's email), so they are
kept only as long as a client may reasonably retry (24 hours by default, as Stripe does); a
GDPR erasure is thereby complete within that window. Events are kept a week after their fan-out
for replay and debugging, and longer while any subscriber has not received them yet: an event
leaves (with its delivery rows) only once every subscriber has it.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import structlog
from sqlalchemy import Engine, Select, delete, select

from oms.platform.idempotency import idempotency_keys
from oms.platform.outbox import event_deliveries, outbox_table
from oms.shared.clock import Clock, SystemClock

log = structlog.get_logger("oms.housekeeping")


class Housekeeper:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock | None = None,
        idempotency_retention: timedelta = timedelta(hours=24),
        outbox_retention: timedelta = timedelta(days=7),
    ) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.idempotency_retention = idempotency_retention
        self.outbox_retention = outbox_retention

    def run_once(self) -> dict[str, int]:
        """Delete what has expired; returns how many rows of each kind went."""
        now = self.clock.now()
        with self.engine.begin() as connection:
            keys = connection.execute(
                delete(idempotency_keys).where(
                    idempotency_keys.c.created_at < now - self.idempotency_retention,
                    idempotency_keys.c.locked_until < now,
                )
            ).rowcount
            done = self._delivered_everywhere(now - self.outbox_retention)
            deliveries = connection.execute(
                delete(event_deliveries).where(event_deliveries.c.position.in_(done))
            ).rowcount
            events = connection.execute(
                delete(outbox_table).where(outbox_table.c.position.in_(done))
            ).rowcount
        return {
            "idempotency_keys": keys,
            "outbox_events": events,
            "event_deliveries": deliveries,
        }

    @staticmethod
    def _delivered_everywhere(before: datetime) -> Select[tuple[int]]:
        """Outbox positions fanned out before ``before`` that no subscriber still waits for."""
        waiting = event_deliveries.alias("waiting")
        pending = (
            select(waiting.c.position)
            .where(
                waiting.c.position == outbox_table.c.position,
                waiting.c.delivered_at.is_(None),
            )
            .correlate(outbox_table)
            .exists()
        )
        return select(outbox_table.c.position).where(outbox_table.c.published_at < before, ~pending)

    def run_until(self, stop: threading.Event, interval: float) -> None:
        """Clean up every ``interval`` seconds until ``stop`` is set; survives errors."""
        while not stop.wait(interval):
            try:
                removed = self.run_once()
            except Exception:
                log.exception("housekeeping_failed")
            else:
                if any(removed.values()):
                    log.info("housekeeping", **removed)
