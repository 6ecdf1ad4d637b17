"""Keeping webhook deliveries for a while, not for ever.

A finished delivery (succeeded, or failed after its three days of retries) stays listed and
replayable for ``OMS_WEBHOOK_RETENTION_DAYS`` after it was created, then it goes with its
attempts. Pending deliveries stay whatever their age: a disabled endpoint's wait for it to be
enabled again. Each batch is a short transaction of its own, so pruning a large backlog never
holds a long lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from oms.notifications.repository.webhook_deliveries import DELIVERIES
from oms.platform.unit_of_work import UnitOfWork

BATCH = 1000
INTERVAL_SECONDS = 3600.0
"""How often the worker prunes: deliveries are kept for days, an hour's lateness is nothing."""


def prune_deliveries(*, uow: Callable[[], UnitOfWork], keep_for: timedelta) -> int:
    """Delete finished deliveries created more than ``keep_for`` ago, batch by batch; how many."""
    total = 0
    while True:
        with uow().begin() as tx:
            pruned = tx.repo(DELIVERIES).prune(tx.now - keep_for, limit=BATCH)
        total += pruned
        if pruned < BATCH:
            return total
