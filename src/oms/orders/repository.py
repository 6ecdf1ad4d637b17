"""Reading and writing orders with SQLAlchemy Core: a few set-based statements per use case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Row, and_, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.orders.domain import (
    Allocation,
    Buyer,
    Hold,
    HoldReason,
    HoldRuleSetting,
    Order,
    OrderLine,
    OrderStatus,
    TimelineEntry,
    Totals,
)
from oms.orders.domain.changes import (
    ChangeStatus,
    OrderChange,
    operation_from_json,
    operation_json,
    preview_from_json,
    preview_json,
)
from oms.orders.tables import (
    MONEY,
    hold_rules,
    order_allocations,
    order_changes,
    order_counters,
    order_holds,
    order_lines,
    order_timeline,
    orders,
)
from oms.shared.address import Address
from oms.shared.money import Money

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


def _address(data: dict[str, str] | None) -> Address | None:
    return Address(**data) if data else None


def _money(row: Row[Any], name: str, currency: str) -> Money:
    return Money.from_minor(getattr(row, f"{name}_minor"), currency)


def _line(row: Row[Any], currency: str) -> OrderLine:
    return OrderLine(
        id=row.id,
        line_no=row.line_no,
        variant_id=row.variant_id,
        sku=row.sku,
        name=row.name,
        tax_category=row.tax_category,
        quantity=row.quantity,
        unit_price=_money(row, "unit_price", currency),
        subtotal=_money(row, "subtotal", currency),
        discount=_money(row, "discount", currency),
        tax_rate=Decimal(row.tax_rate),
        tax=_money(row, "tax", currency),
        total=_money(row, "total", currency),
        cancelled_quantity=row.cancelled_quantity,
        backordered_quantity=row.backordered_quantity,
        fulfilled_quantity=row.fulfilled_quantity,
    )


def _hold(row: Row[Any]) -> Hold:
    return Hold(
        id=row.id,
        reason=HoldReason(row.reason),
        note=row.note,
        placed_by=row.placed_by,
        placed_at=row.placed_at,
        auto_release_at=row.auto_release_at,
        released_at=row.released_at,
        released_by=row.released_by,
        rule=row.rule,
    )


def _order(
    row: Row[Any], lines: list[OrderLine], holds: list[Hold], allocations: list[Allocation]
) -> Order:
    currency = row.currency
    shipping = _address(row.shipping_address)
    assert shipping is not None
    return Order(
        id=row.id,
        number=row.number,
        channel=row.channel_code,
        external_id=row.external_id,
        buyer=Buyer(
            customer_id=row.customer_id,
            email=row.customer_email,
            name=row.customer_name,
            phone=row.customer_phone,
            locale=row.customer_locale,
        ),
        status=OrderStatus(row.status),
        version=row.version,
        currency=currency,
        prices_include_tax=row.prices_include_tax,
        shipping_method=row.shipping_method,
        pickup_location=row.pickup_location_code,
        shipping_address=shipping,
        billing_address=_address(row.billing_address),
        address_validated=row.address_validated,
        notes=row.notes,
        totals=Totals(**{name: _money(row, name, currency) for name in MONEY}),
        placed_at=row.placed_at,
        updated_at=row.updated_at,
        lines=tuple(lines),
        holds=tuple(holds),
        allocations=tuple(allocations),
        cancelled_at=row.cancelled_at,
        cancel_reason=row.cancel_reason,
    )


def load_orders(c: Connection, rows: Sequence[Row[Any]]) -> list[Order]:
    """Orders for ``rows`` of the orders table, with lines, holds and allocations (3 queries)."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    currency = {row.id: row.currency for row in rows}
    lines: dict[UUID, list[OrderLine]] = {i: [] for i in ids}
    for line in c.execute(
        select(order_lines).where(order_lines.c.order_id.in_(ids)).order_by(order_lines.c.line_no)
    ):
        lines[line.order_id].append(_line(line, currency[line.order_id]))
    holds: dict[UUID, list[Hold]] = {i: [] for i in ids}
    for hold in c.execute(
        select(order_holds)
        .where(order_holds.c.order_id.in_(ids))
        .order_by(order_holds.c.placed_at, order_holds.c.id)
    ):
        holds[hold.order_id].append(_hold(hold))
    allocations: dict[UUID, list[Allocation]] = {i: [] for i in ids}
    for a in c.execute(
        select(order_allocations).where(
            order_allocations.c.order_id.in_(ids), order_allocations.c.quantity > 0
        )
    ):
        allocations[a.order_id].append(
            Allocation(
                line_id=a.line_id,
                variant_id=a.variant_id,
                location_id=a.location_id,
                location=a.location_code,
                quantity=a.quantity,
            )
        )
    return [_order(row, lines[row.id], holds[row.id], allocations[row.id]) for row in rows]


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


def order_values(order: Order) -> dict[str, Any]:
    totals = {f"{name}_minor": getattr(order.totals, name).minor for name in MONEY}
    return {
        "id": order.id,
        "number": order.number,
        "channel_code": order.channel,
        "external_id": order.external_id,
        "customer_id": order.buyer.customer_id,
        "customer_email": order.buyer.email,
        "customer_name": order.buyer.name,
        "customer_phone": order.buyer.phone,
        "customer_locale": order.buyer.locale,
        "status": order.status.value,
        "on_hold": order.on_hold,
        "version": order.version,
        "currency": order.currency,
        "prices_include_tax": order.prices_include_tax,
        "shipping_method": order.shipping_method,
        "pickup_location_code": order.pickup_location,
        "shipping_address": order.shipping_address.as_dict(),
        "billing_address": order.billing_address.as_dict() if order.billing_address else None,
        "address_validated": order.address_validated,
        "notes": order.notes,
        "placed_at": order.placed_at,
        "updated_at": order.updated_at,
        "cancelled_at": order.cancelled_at,
        "cancel_reason": order.cancel_reason,
        **totals,
    }


def line_values(order_id: UUID, line: OrderLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "order_id": order_id,
        "line_no": line.line_no,
        "variant_id": line.variant_id,
        "sku": line.sku,
        "name": line.name,
        "tax_category": line.tax_category,
        "quantity": line.quantity,
        "cancelled_quantity": line.cancelled_quantity,
        "backordered_quantity": line.backordered_quantity,
        "fulfilled_quantity": line.fulfilled_quantity,
        "unit_price_minor": line.unit_price.minor,
        "subtotal_minor": line.subtotal.minor,
        "discount_minor": line.discount.minor,
        "tax_rate": str(line.tax_rate),
        "tax_minor": line.tax.minor,
        "total_minor": line.total.minor,
    }


def hold_values(order_id: UUID, hold: Hold) -> dict[str, Any]:
    return {
        "id": hold.id,
        "order_id": order_id,
        "reason": hold.reason.value,
        "rule": hold.rule,
        "note": hold.note,
        "placed_by": hold.placed_by,
        "placed_at": hold.placed_at,
        "auto_release_at": hold.auto_release_at,
        "released_at": hold.released_at,
        "released_by": hold.released_by,
    }


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


def timeline(
    c: Connection, order_id: UUID, *, after: int | None, limit: int
) -> list[tuple[int, TimelineEntry]]:
    query = (
        select(order_timeline)
        .where(order_timeline.c.order_id == order_id)
        .order_by(order_timeline.c.position)
        .limit(limit)
    )
    if after is not None:
        query = query.where(order_timeline.c.position > after)
    return [
        (
            row.position,
            TimelineEntry(
                at=row.at, actor=row.actor, kind=row.kind, summary=row.summary, details=row.details
            ),
        )
        for row in c.execute(query)
    ]


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


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFilter:
    status: OrderStatus | None = None
    channel: str | None = None
    customer_email: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    on_hold: bool | None = None
    q: str | None = None


def list_orders(
    c: Connection, f: OrderFilter, *, after: tuple[datetime, UUID] | None, limit: int
) -> list[Order]:
    """Newest first, keyset-paged on (placed_at, id)."""
    conditions = []
    if f.status is not None:
        conditions.append(orders.c.status == f.status.value)
    if f.channel is not None:
        conditions.append(orders.c.channel_code == f.channel)
    if f.customer_email is not None:
        conditions.append(orders.c.customer_email == f.customer_email.strip().lower())
    if f.placed_from is not None:
        conditions.append(orders.c.placed_at >= f.placed_from)
    if f.placed_to is not None:
        conditions.append(orders.c.placed_at < f.placed_to)
    if f.on_hold is not None:
        conditions.append(orders.c.on_hold.is_(f.on_hold))
    if f.q:
        conditions.append(
            or_(orders.c.number == f.q.strip().upper(), orders.c.external_id == f.q.strip())
        )
    if after is not None:
        placed, order_id = after
        conditions.append(
            or_(
                orders.c.placed_at < placed,
                and_(orders.c.placed_at == placed, orders.c.id < order_id),
            )
        )
    query = (
        select(orders)
        .where(*conditions)
        .order_by(orders.c.placed_at.desc(), orders.c.id.desc())
        .limit(limit)
    )
    return load_orders(c, c.execute(query).all())


def allocated_by_stock(c: Connection) -> dict[tuple[UUID, UUID], int]:
    """Open allocations summed per (variant, location): must equal the stock levels' allocated."""
    rows = c.execute(
        select(
            order_allocations.c.variant_id,
            order_allocations.c.location_id,
            func.sum(order_allocations.c.quantity),
        ).group_by(order_allocations.c.variant_id, order_allocations.c.location_id)
    )
    return {(row[0], row[1]): int(row[2]) for row in rows}


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


def insert_change(c: Connection, change: OrderChange) -> None:
    """Store a previewed change: its operations as requested and the preview as shown."""
    c.execute(
        insert(order_changes).values(
            id=change.id,
            order_id=change.order_id,
            base_version=change.base_version,
            status=change.status.value,
            request={"operations": [operation_json(op) for op in change.operations]},
            preview=preview_json(change.preview),
            created_by=change.created_by,
            created_at=change.created_at,
            confirmed_at=change.confirmed_at,
        )
    )


def _change(row: Row[Any]) -> OrderChange:
    return OrderChange(
        id=row.id,
        order_id=row.order_id,
        base_version=row.base_version,
        status=ChangeStatus(row.status),
        operations=tuple(operation_from_json(op) for op in row.request["operations"]),
        preview=preview_from_json(row.preview),
        created_by=row.created_by,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
    )


def change_by_id(c: Connection, order_id: UUID, change_id: UUID) -> OrderChange | None:
    row = c.execute(
        select(order_changes).where(
            order_changes.c.id == change_id, order_changes.c.order_id == order_id
        )
    ).first()
    return _change(row) if row is not None else None


def list_changes(
    c: Connection, order_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
) -> list[OrderChange]:
    """An order's changes, newest first, keyset-paged on (created_at, id)."""
    query = (
        select(order_changes)
        .where(order_changes.c.order_id == order_id)
        .order_by(order_changes.c.created_at.desc(), order_changes.c.id.desc())
        .limit(limit)
    )
    if after is not None:
        created, change_id = after
        query = query.where(
            or_(
                order_changes.c.created_at < created,
                and_(order_changes.c.created_at == created, order_changes.c.id < change_id),
            )
        )
    return [_change(row) for row in c.execute(query)]


def mark_confirmed(c: Connection, change_id: UUID, *, at: datetime) -> bool:
    """Confirm a previewed change; False when it was not pending any more."""
    return bool(
        c.execute(
            update(order_changes)
            .where(
                order_changes.c.id == change_id,
                order_changes.c.status == ChangeStatus.PREVIEWED.value,
            )
            .values(status=ChangeStatus.CONFIRMED.value, confirmed_at=at)
        ).rowcount
    )
