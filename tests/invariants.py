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


def assert_orders_match_stock(engine: Engine) -> None:
    """Each level's ``allocated`` equals the open allocations orders hold there."""
    from oms.orders.tables import order_allocations

    a, s = order_allocations.c, tables.stock_levels.c
    with engine.connect() as c:
        held = {
            (row.variant_id, row.location_id): int(row.units)
            for row in c.execute(
                select(a.variant_id, a.location_id, func.sum(a.quantity).label("units")).group_by(
                    a.variant_id, a.location_id
                )
            )
        }
        allocated = {
            (row.variant_id, row.location_id): row.allocated
            for row in c.execute(select(s.variant_id, s.location_id, s.allocated))
        }
    for key, units in allocated.items():
        assert held.get(key, 0) == units, (
            f"level {key}: allocated {units}, orders hold {held.get(key, 0)}"
        )


def assert_lines_fully_sourced(engine: Engine) -> None:
    """Each open unit of a live order is allocated or backordered; a cancelled order holds nothing.

    Open means ordered, not cancelled and not yet fulfilled.
    """
    from oms.orders.tables import order_allocations, order_lines, orders

    a, line, o = order_allocations.c, order_lines.c, orders.c
    with engine.connect() as c:
        held = {
            row.line_id: int(row.units)
            for row in c.execute(
                select(a.line_id, func.sum(a.quantity).label("units")).group_by(a.line_id)
            )
        }
        rows = c.execute(
            select(
                line.id,
                line.sku,
                line.quantity,
                line.cancelled_quantity,
                line.fulfilled_quantity,
                line.backordered_quantity,
                o.number,
                o.status,
            ).join(orders, o.id == line.order_id)
        ).all()
    for row in rows:
        allocated = held.get(row.id, 0)
        if row.status == "cancelled":
            assert (allocated, row.backordered_quantity) == (0, 0), (
                f"cancelled {row.number} still holds {row.sku}: {allocated} allocated, "
                f"{row.backordered_quantity} backordered"
            )
            continue
        open_units = row.quantity - row.cancelled_quantity - row.fulfilled_quantity
        assert allocated + row.backordered_quantity == open_units, (
            f"{row.number} {row.sku}: {allocated} allocated + {row.backordered_quantity} "
            f"backordered != {open_units} open"
        )


def assert_holds_match_status(engine: Engine) -> None:
    """``on_hold`` is set exactly when an order has an open hold, and a pending order is held."""
    from oms.orders.tables import order_holds, orders

    h, o = order_holds.c, orders.c
    with engine.connect() as c:
        held = set(c.execute(select(h.order_id).where(h.released_at.is_(None))).scalars())
        rows = c.execute(select(o.id, o.number, o.status, o.on_hold)).all()
    for row in rows:
        assert row.on_hold == (row.id in held), f"{row.number}: on_hold is {row.on_hold}"
        if row.status == "pending":
            assert row.on_hold, f"{row.number} is pending without a hold"


def assert_every_order_announced(engine: Engine) -> None:
    """Each order's placement event was written to the outbox with it (delivered or not)."""
    from oms.orders.tables import orders
    from oms.platform.outbox import outbox_table

    o, box = orders.c, outbox_table.c
    with engine.connect() as c:
        order_ids = set(c.execute(select(o.id)).scalars())
        announced = set(
            c.execute(
                select(box.aggregate_id).where(box.event_type == "orders.order_placed.v1")
            ).scalars()
        )
    missing = order_ids - announced
    assert not missing, f"{len(missing)} orders without their orders.order_placed.v1 event"
