"""Writing orders and reading one: a few set-based statements per use case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.orders.domain import (
    Allocation,
    Hold,
    HoldRuleSetting,
    Order,
    OrderLine,
    TimelineEntry,
)
from oms.orders.repository.rows import hold_values, line_values, load_orders, order_values
from oms.orders.tables import (
    hold_rules,
    order_allocations,
    order_counters,
    order_holds,
    order_lines,
    order_timeline,
    orders,
)

FIRST_NUMBER = 10001


def next_number(c: Connection) -> str:
    """The next human order number (``SO-10001``...), from a counter row, in one statement."""
    dialect = postgresql if c.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(order_counters)
        .values(name="SO", value=FIRST_NUMBER)
        .on_conflict_do_update(index_elements=["name"], set_={"value": order_counters.c.value + 1})
        .returning(order_counters.c.value)
    )
    return f"SO-{c.execute(statement).scalar_one()}"


def order_by_id(c: Connection, order_id: UUID, *, lock: bool = False) -> Order | None:
    """One order; ``lock`` takes its row lock first, so changes to one order queue up."""
    query = select(orders).where(orders.c.id == order_id)
    if lock and c.dialect.name == "postgresql":
        query = query.with_for_update()
    found = load_orders(c, c.execute(query).all())
    return found[0] if found else None


def order_by_external_id(c: Connection, channel: str, external_id: str) -> Order | None:
    rows = c.execute(
        select(orders).where(orders.c.channel_code == channel, orders.c.external_id == external_id)
    ).all()
    found = load_orders(c, rows)
    return found[0] if found else None


def order_by_number(c: Connection, number: str) -> Order | None:
    found = load_orders(c, c.execute(select(orders).where(orders.c.number == number)).all())
    return found[0] if found else None


def has_orders(c: Connection, customer_id: UUID) -> bool:
    return (
        c.execute(select(orders.c.id).where(orders.c.customer_id == customer_id).limit(1)).first()
        is not None
    )


def insert_order(c: Connection, order: Order) -> None:
    """The order with its lines, holds and allocations, in four statements.

    Values travel as parameters of one cached INSERT (``.values(**row)`` would build and key a
    new statement per order, six times the cost on this hot path).
    """
    c.execute(insert(orders), order_values(order))
    c.execute(insert(order_lines), [line_values(order.id, line) for line in order.lines])
    if order.holds:
        c.execute(insert(order_holds), [hold_values(order.id, h) for h in order.holds])
    add_allocations(c, order.id, order.allocations)


def add_allocations(c: Connection, order_id: UUID, allocations: Sequence[Allocation]) -> None:
    """Add units to (line, location) allocations, creating rows as needed."""
    if not allocations:
        return
    dialect = postgresql if c.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(order_allocations)
    c.execute(
        statement.on_conflict_do_update(
            index_elements=["line_id", "location_id"],
            set_={"quantity": order_allocations.c.quantity + statement.excluded.quantity},
        ),
        [
            {
                "line_id": a.line_id,
                "order_id": order_id,
                "variant_id": a.variant_id,
                "location_id": a.location_id,
                "location_code": a.location,
                "quantity": a.quantity,
            }
            for a in allocations
        ],
    )


def remove_allocations(c: Connection, allocations: Sequence[Allocation]) -> None:
    """Take units off (line, location) allocations (they were checked to be there)."""
    for a in allocations:
        c.execute(
            update(order_allocations)
            .where(
                order_allocations.c.line_id == a.line_id,
                order_allocations.c.location_id == a.location_id,
            )
            .values(quantity=order_allocations.c.quantity - a.quantity)
        )


def append_timeline(c: Connection, order_id: UUID, entries: Sequence[TimelineEntry]) -> None:
    if entries:
        c.execute(
            insert(order_timeline),
            [
                {
                    "order_id": order_id,
                    "at": e.at,
                    "actor": e.actor,
                    "kind": e.kind,
                    "summary": e.summary,
                    "details": e.details,
                }
                for e in entries
            ],
        )


def save_state(c: Connection, order: Order, *, now: datetime) -> None:
    """Write the order row's changeable fields (status, hold flag, version, totals...)."""
    values = order_values(order)
    for fixed in ("id", "number", "channel_code", "external_id", "placed_at", "customer_id"):
        values.pop(fixed)
    values["updated_at"] = now
    c.execute(update(orders).where(orders.c.id == order.id).values(**values))


def save_lines(c: Connection, order: Order) -> None:
    """Write every line's quantities and money (lines are few; one UPDATE each)."""
    for line in order.lines:
        values = line_values(order.id, line)
        del values["id"], values["order_id"]
        c.execute(update(order_lines).where(order_lines.c.id == line.id).values(**values))


def insert_lines(c: Connection, order_id: UUID, lines: Sequence[OrderLine]) -> None:
    if lines:
        c.execute(insert(order_lines), [line_values(order_id, line) for line in lines])


def add_holds(c: Connection, order_id: UUID, holds: Sequence[Hold]) -> None:
    if holds:
        c.execute(insert(order_holds), [hold_values(order_id, h) for h in holds])


def release_hold(c: Connection, hold_id: UUID, *, at: datetime, by: str) -> bool:
    """Release an open hold; False when it was already released (a concurrent release won)."""
    return bool(
        c.execute(
            update(order_holds)
            .where(order_holds.c.id == hold_id, order_holds.c.released_at.is_(None))
            .values(released_at=at, released_by=by)
        ).rowcount
    )


def due_holds(c: Connection, now: datetime, limit: int) -> list[tuple[UUID, UUID]]:
    """(order id, hold id) of open holds whose auto-release time has come."""
    rows = c.execute(
        select(order_holds.c.order_id, order_holds.c.id)
        .where(order_holds.c.released_at.is_(None), order_holds.c.auto_release_at <= now)
        .order_by(order_holds.c.auto_release_at)
        .limit(limit)
    )
    return [(row.order_id, row.id) for row in rows]


def save_hold_rule(c: Connection, setting: HoldRuleSetting, now: datetime) -> None:
    dialect = postgresql if c.dialect.name == "postgresql" else sqlite
    values = {
        "rule": setting.rule.value,
        "enabled": setting.enabled,
        "thresholds": {cur: str(m.amount) for cur, m in setting.thresholds.items()},
        "updated_at": now,
    }
    statement = dialect.insert(hold_rules).values(**values)
    c.execute(
        statement.on_conflict_do_update(
            index_elements=["rule"],
            set_={k: statement.excluded[k] for k in ("enabled", "thresholds", "updated_at")},
        )
    )
