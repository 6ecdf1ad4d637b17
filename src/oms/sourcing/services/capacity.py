"""Each location's daily load against its capacity: counted when fulfilment creates a
fulfilment order, read by the engine from a per-process snapshot.

Capacity is a planning limit, not an invariant: the snapshot is at most ``SNAPSHOT_SECONDS`` old,
so a burst of orders may pass a location's capacity by what arrives within that window. In
exchange placement reads the loads at most once per window per process, and never when no
candidate has a capacity (or the rules' capacity filter is off): no statement on the hot path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection
from datetime import date
from uuid import UUID
from weakref import WeakKeyDictionary

from oms.platform.unit_of_work import UnitOfWork
from oms.sourcing.repository import LOADS

SNAPSHOT_SECONDS = 5.0


class _Snapshot:
    """Today's loads of the locations asked about so far, and when they were read."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.day: date | None = None
        self.read_at = 0.0
        self.loads: dict[UUID, int] = {}
        self.known: frozenset[UUID] = frozenset()


_snapshots: WeakKeyDictionary[object, _Snapshot] = WeakKeyDictionary()
_snapshots_lock = threading.Lock()


def _snapshot(uow: UnitOfWork) -> _Snapshot:
    """One snapshot per database (engine) per process."""
    key = getattr(uow, "engine", uow)
    with _snapshots_lock:
        found = _snapshots.get(key)
        if found is None:
            found = _snapshots[key] = _Snapshot()
        return found


def record_load(location_id: UUID, *, on: date, orders: int = 1, uow: UnitOfWork) -> None:
    """Count ``orders`` more fulfilment orders for the location on ``on`` (in the caller's
    transaction: a FO and its load commit together)."""
    with uow.begin() as tx:
        tx.repo(LOADS).add(location_id, on, orders)


def loads_today(location_ids: Collection[UUID], *, today: date, uow: UnitOfWork) -> dict[UUID, int]:
    """Fulfilment orders per location today, from a snapshot at most ``SNAPSHOT_SECONDS`` old
    (locations with none are absent)."""
    snapshot = _snapshot(uow)
    wanted = frozenset(location_ids)
    now = time.monotonic()
    with snapshot.lock:
        fresh = (
            snapshot.day == today
            and now - snapshot.read_at < SNAPSHOT_SECONDS
            and wanted <= snapshot.known
        )
        if fresh:
            return {lid: snapshot.loads[lid] for lid in wanted if lid in snapshot.loads}
        known = wanted | (snapshot.known if snapshot.day == today else frozenset())
    with uow.read() as tx:
        loads = tx.repo(LOADS).on(today, known)
    with snapshot.lock:
        snapshot.day, snapshot.read_at, snapshot.loads, snapshot.known = today, now, loads, known
    return {lid: loads[lid] for lid in wanted if lid in loads}
