"""The demo merchant for tests, loaded once per backend (and per xdist worker) and put back row
for row for every later test: loading it takes 12-17 s, putting its rows back a fraction of
that.

``merchant(engine, uow, folders)`` gives a test the demo in its (emptied) database. With
``drained=True`` the relay has handed the demo's events on before the rows were kept (the
fulfilment orders of its waiting orders exist), as a test that drains after loading expects.
The files the load writes (the payout file) stay where the first load put them; the summary
names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from oms.app import demo, tasks
from oms.app.schema import metadata
from oms.platform.reference import cache_for, reference_version
from oms.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class _Snapshot:
    summary: demo.Summary
    rows: dict[str, list[dict[str, Any]]]
    sequences: dict[str, int]


_SNAPSHOTS: dict[tuple[str, bool], _Snapshot] = {}
"""One loaded demo merchant per backend database and relay state, kept as rows."""


def merchant(
    engine: Engine,
    uow: UnitOfWork,
    folders: pytest.TempPathFactory,
    *,
    drained: bool = False,
) -> demo.Summary:
    """The demo merchant in ``engine``'s database (emptied by the test's ``engine`` fixture)."""
    key = (engine.url.render_as_string(hide_password=False), drained)
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is None:
        summary = demo.load(uow, settlement_dir=folders.mktemp("demo"))
        if drained:
            tasks.relay(engine).drain()
        _SNAPSHOTS[key] = _take(engine, summary)
        return summary
    _put_back(engine, snapshot)
    return snapshot.summary


def _sequences(engine: Engine) -> dict[str, int]:
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        )
        return {name: value for name, value in rows if value is not None}


def _take(engine: Engine, summary: demo.Summary) -> _Snapshot:
    with engine.connect() as conn:
        rows = {
            table.name: [dict(row) for row in conn.execute(select(table)).mappings()]
            for table in metadata.sorted_tables
        }
    return _Snapshot(summary, rows, _sequences(engine))


def _put_back(engine: Engine, snapshot: _Snapshot) -> None:
    """Write the snapshot's rows into the test's database, sequences where they were. What the
    test's other fixtures wrote first (a staff user) stays; the one-row reference version is
    the snapshot's, and the process's reference cache starts afresh."""
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            rows = snapshot.rows[table.name]
            if rows and table is not reference_version:
                conn.execute(table.insert(), rows)
        conn.execute(reference_version.delete())  # triggers bumped it while the rows went in
        conn.execute(reference_version.insert(), snapshot.rows[reference_version.name])
        for name, value in snapshot.sequences.items():
            conn.execute(text("SELECT setval(:name, :value)"), {"name": name, "value": value})
    cache_for(engine).clear()
