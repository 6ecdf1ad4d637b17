"""Invariants that must hold after any sequence of operations; tests end by checking them."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from oms.inventory import tables


def assert_ledger_balances(engine: Engine) -> None:
    """Every level is the sum of its movements and keeps 0 <= allocated <= on_hand - unavailable."""
    m, s = tables.stock_movements.c, tables.stock_levels.c
    with engine.connect() as c:
        sums = {
            (row.variant_id, row.location_id): (int(row.h), int(row.a), int(row.u))
            for row in c.execute(
                select(
                    m.variant_id,
                    m.location_id,
                    func.sum(m.on_hand_delta).label("h"),
                    func.sum(m.allocated_delta).label("a"),
                    func.sum(m.unavailable_delta).label("u"),
                ).group_by(m.variant_id, m.location_id)
            )
        }
        levels = {
            (row.variant_id, row.location_id): (row.on_hand, row.allocated, row.unavailable)
            for row in c.execute(
                select(s.variant_id, s.location_id, s.on_hand, s.allocated, s.unavailable)
            )
        }
    for key, level in levels.items():
        assert level == sums.get(key, (0, 0, 0)), f"level {key} is not the sum of its movements"
        on_hand, allocated, unavailable = level
        assert 0 <= allocated <= on_hand - unavailable, f"level {key} breaks the rule: {level}"
        assert unavailable >= 0
    assert set(sums) <= set(levels), "movements without a level"
