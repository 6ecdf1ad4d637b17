"""Periodic clean-up: expired idempotency records and long-delivered outbox events.

Stored idempotent responses can hold personal data (a created customer's email), so they are
kept only as long as a client may reasonably retry (24 hours by default, as Stripe does); a
GDPR erasure is thereby complete within that window. Delivered events are kept a week for
replay and debugging.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import structlog
from sqlalchemy import Engine, delete

from oms.platform.idempotency import idempotency_keys
from oms.platform.outbox import outbox_table
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
            events = connection.execute(
                delete(outbox_table).where(
                    outbox_table.c.published_at < now - self.outbox_retention
                )
            ).rowcount
        return {"idempotency_keys": keys, "outbox_events": events}

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
