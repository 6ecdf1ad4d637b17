"""The checks run after every arm, and the naive control arm that must fail them.

The queries restate ``tests/invariants.py`` (the benchmark does not import the tests): no level
promises more than it has, none is negative, every level is the sum of its ledger movements,
every level's ``allocated`` is what orders hold there, and no order was placed twice for one
Idempotency-Key (nor lost).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, TextClause, bindparam, text

from bench.databases import Database
from oms.platform.database import UTCDateTime

OVERSOLD = """
SELECT count(*), coalesce(sum(allocated + unavailable - on_hand), 0) FROM {table}
WHERE on_hand - allocated - unavailable < 0
"""
NEGATIVE = "SELECT count(*) FROM {table} WHERE on_hand < 0 OR allocated < 0 OR unavailable < 0"
UNBALANCED = """
SELECT count(*) FROM stock_levels s LEFT JOIN (
    SELECT variant_id, location_id, sum(on_hand_delta) AS h, sum(allocated_delta) AS a,
           sum(unavailable_delta) AS u
    FROM stock_movements GROUP BY variant_id, location_id
) m ON m.variant_id = s.variant_id AND m.location_id = s.location_id
WHERE s.on_hand <> coalesce(m.h, 0) OR s.allocated <> coalesce(m.a, 0)
   OR s.unavailable <> coalesce(m.u, 0)
"""
UNHELD = """
SELECT count(*) FROM stock_levels s LEFT JOIN (
    SELECT variant_id, location_id, sum(quantity) AS units FROM order_allocations
    GROUP BY variant_id, location_id
) a ON a.variant_id = s.variant_id AND a.location_id = s.location_id
WHERE s.allocated <> coalesce(a.units, 0)
"""
PLACED_SINCE = text("SELECT count(*) FROM orders WHERE placed_at >= :since").bindparams(
    bindparam("since", type_=UTCDateTime)
)
ANSWERED_KEYS = text(
    "SELECT response_body FROM idempotency_keys WHERE status = 'done' AND created_at >= :since"
).bindparams(bindparam("since", type_=UTCDateTime))


@dataclass(slots=True)
class Findings:
    """Rows breaking each invariant (all zero when the arm kept them)."""

    counts: dict[str, int] = field(default_factory=dict)
    oversold_units: int = 0

    @property
    def ok(self) -> bool:
        return not any(self.counts.values())

    def describe(self) -> str:
        broken = {name: n for name, n in self.counts.items() if n}
        if not broken:
            return "invariants hold"
        return ", ".join(f"{name}: {n}" for name, n in broken.items()) + (
            f" ({self.oversold_units} units oversold)" if self.oversold_units else ""
        )

    def add(self, other: Findings) -> None:
        """Count ``other``'s violations in as well (an arm checked after each window)."""
        for name, n in other.counts.items():
            self.counts[name] = self.counts.get(name, 0) + n
        self.oversold_units += other.oversold_units

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "violations": self.counts, "oversold_units": self.oversold_units}


def _one(c: Connection, sql: str | TextClause, **params: Any) -> int:
    statement = text(sql) if isinstance(sql, str) else sql
    return int(c.execute(statement, params).scalar_one())


def stock_findings(c: Connection, table: str) -> Findings:
    """Oversold and negative rows of a stock table (the real one or the control's)."""
    oversold = c.execute(text(OVERSOLD.format(table=table))).one()
    return Findings(
        counts={
            "oversold levels": int(oversold[0]),
            "negative levels": _one(c, NEGATIVE.format(table=table)),
        },
        oversold_units=int(oversold[1]),
    )


def check(db: Database, *, since: datetime, placed: int, keys: int | None = None) -> Findings:
    """Every invariant after an arm that reported ``placed`` orders since ``since``.

    ``keys`` (HTTP arms) is how many orders the load generator saw acknowledged; each answered
    Idempotency-Key must name an order of its own, and every acknowledged order have its key.
    """
    with db.engine.connect() as c:
        found = stock_findings(c, "stock_levels")
        found.counts["levels not the sum of their movements"] = _one(c, UNBALANCED)
        found.counts["allocated not held by orders"] = _one(c, UNHELD)
        stored = _one(c, PLACED_SINCE, since=since)
        found.counts["orders lost or doubled"] = abs(stored - placed)
        if keys is not None:
            bodies = c.execute(ANSWERED_KEYS, {"since": since}).scalars()
            answered = [json.loads(body)["id"] for body in bodies]
            doubled = len(answered) - len(set(answered))
            found.counts["orders answered for two keys"] = doubled
            found.counts["acknowledged orders without a key"] = max(0, keys - len(answered))
    return found
