"""The stock ledger in SQL (SQLAlchemy Core, set-based): ``SqlStock``, bound by ``STOCK``.

Levels change only through ``apply_changes``: one ``UPDATE ... FROM (the changes)`` whose WHERE
clause is the ledger's rule, so a change that would break it updates nothing and the read that
decided it cannot go stale. Rows are created with insert-if-missing and locked in primary-key
order; SQLite needs no row locks because its writers are serialised by ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Connection,
    Row,
    Uuid,
    and_,
    bindparam,
    cast,
    insert,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import ReturningUpdate

from oms.inventory.domain import (
    Change,
    Delta,
    InventoryItem,
    Key,
    Movement,
    MovementKind,
    StockLevel,
)
from oms.inventory.tables import inventory_items, stock_levels, stock_movements

_levels_key = tuple_(stock_levels.c.variant_id, stock_levels.c.location_id)
_settings = (
    inventory_items.c.sku,
    inventory_items.c.low_stock_threshold,
    inventory_items.c.allows_backorders,
)
"""The item columns a level is listed with (its own ``variant_id`` completes the item)."""


def _insert_if_missing(c: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    dialect = postgresql if c.dialect.name == "postgresql" else sqlite
    c.execute(dialect.insert(table).on_conflict_do_nothing(), list(rows))


def _level(row: Row[Any]) -> StockLevel:
    return StockLevel(
        variant_id=row.variant_id,
        location_id=row.location_id,
        on_hand=row.on_hand,
        allocated=row.allocated,
        unavailable=row.unavailable,
    )


_CHANGE_COLUMNS = (
    ("variant_id", Uuid),
    ("location_id", Uuid),
    ("on_hand", BigInteger),
    ("allocated", BigInteger),
    ("unavailable", BigInteger),
    ("needed", BigInteger),
    ("expected", BigInteger),
)
"""A row of ``changes``: the level's key, its deltas, the available units the change needs and
the on-hand a count expects."""


@lru_cache(maxsize=64)
def _apply_statement(rows: int) -> ReturningUpdate[Any]:
    """The guarded UPDATE for ``rows`` changes, built once per row count.

    The changes are bound parameters of one-row SELECTs joined by UNION ALL rather than a
    VALUES clause, whose data SQLAlchemy cannot cache: this way the SQL is compiled once per
    row count instead of on every call (it was the costliest statement of order placement).
    """
    selects = [
        select(*(bindparam(f"{n}_{i}", type_=kind).label(n) for n, kind in _CHANGE_COLUMNS))
        for i in range(rows)
    ]
    wanted = (union_all(*selects) if rows > 1 else selects[0]).cte("changes")
    s = stock_levels.c
    return (
        update(stock_levels)
        .where(
            s.variant_id == wanted.c.variant_id,
            s.location_id == wanted.c.location_id,
            s.on_hand - s.allocated - s.unavailable >= wanted.c.needed,
            s.allocated + wanted.c.allocated >= 0,
            s.unavailable + wanted.c.unavailable >= 0,
            or_(wanted.c.expected.is_(None), s.on_hand == cast(wanted.c.expected, BigInteger)),
        )
        .values(
            on_hand=s.on_hand + wanted.c.on_hand,
            allocated=s.allocated + wanted.c.allocated,
            unavailable=s.unavailable + wanted.c.unavailable,
            updated_at=bindparam("now", type_=s.updated_at.type),
        )
        .returning(s.variant_id, s.location_id, s.on_hand, s.allocated, s.unavailable)
    )


def _item(row: Row[Any]) -> InventoryItem:
    return InventoryItem(
        variant_id=row.variant_id,
        sku=row.sku,
        low_stock_threshold=row.low_stock_threshold,
        allows_backorders=row.allows_backorders,
    )


def _movement(row: Row[Any]) -> Movement:
    return Movement(
        id=row.id,
        kind=MovementKind(row.kind),
        variant_id=row.variant_id,
        location_id=row.location_id,
        delta=Delta(
            on_hand=row.on_hand_delta,
            allocated=row.allocated_delta,
            unavailable=row.unavailable_delta,
        ),
        reason=row.reason,
        actor=row.actor,
        reference=row.reference,
        correlation_id=row.correlation_id,
        occurred_at=row.occurred_at,
    )


class SqlStock:
    """``Stock`` on the inventory tables."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def ensure_items(self, skus: Mapping[UUID, str], now: datetime) -> None:
        """Create the inventory items not yet known (in key order, like every lock we take)."""
        _insert_if_missing(
            self.c,
            inventory_items,
            [
                {
                    "variant_id": vid,
                    "sku": skus[vid],
                    "low_stock_threshold": 0,
                    "allows_backorders": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for vid in sorted(skus)
            ],
        )

    def ensure_levels(self, keys: Collection[Key], now: datetime) -> None:
        """Create empty level rows for the keys that have none, in primary-key order."""
        _insert_if_missing(
            self.c,
            stock_levels,
            [
                {
                    "variant_id": vid,
                    "location_id": lid,
                    "on_hand": 0,
                    "allocated": 0,
                    "unavailable": 0,
                    "updated_at": now,
                }
                for vid, lid in sorted(keys)
            ],
        )

    def lock_levels(self, keys: Collection[Key]) -> None:
        """Lock existing level rows in primary-key order so concurrent postings cannot deadlock."""
        if self.c.dialect.name != "postgresql":
            return
        self.c.execute(
            select(stock_levels.c.variant_id)
            .where(_levels_key.in_(sorted(keys)))
            .order_by(stock_levels.c.variant_id, stock_levels.c.location_id)
            .with_for_update(key_share=True)
        ).all()

    def apply_changes(self, changes: Sequence[Change], now: datetime) -> dict[Key, StockLevel]:
        """Apply each change whose level can take it, in one statement; returns the levels changed.

        A level is left alone when the change would make ``allocated`` or ``unavailable`` negative,
        push ``available`` below zero, or when a count expected another on-hand figure.
        """
        if not changes:
            return {}
        params: dict[str, Any] = {"now": now}
        for i, ch in enumerate(changes):
            row = (
                ch.variant_id,
                ch.location_id,
                ch.delta.on_hand,
                ch.delta.allocated,
                ch.delta.unavailable,
                -ch.delta.available,
                ch.expected_on_hand,
            )
            params.update(
                {
                    f"{name}_{i}": value
                    for (name, _), value in zip(_CHANGE_COLUMNS, row, strict=True)
                }
            )
        rows = self.c.execute(_apply_statement(len(changes)), params)
        return {(row.variant_id, row.location_id): _level(row) for row in rows}

    def levels(self, keys: Collection[Key], *, lock: bool = False) -> dict[Key, StockLevel]:
        """The current levels of ``keys`` that exist, locked in key order when ``lock`` is set."""
        query = (
            select(stock_levels)
            .where(_levels_key.in_(sorted(keys)))
            .order_by(stock_levels.c.variant_id, stock_levels.c.location_id)
        )
        if lock and self.c.dialect.name == "postgresql":
            query = query.with_for_update(key_share=True)
        return {(row.variant_id, row.location_id): _level(row) for row in self.c.execute(query)}

    def insert_movements(self, movements: Sequence[Movement]) -> None:
        self.c.execute(
            insert(stock_movements),
            [
                {
                    "id": m.id,
                    "kind": m.kind.value,
                    "variant_id": m.variant_id,
                    "location_id": m.location_id,
                    "on_hand_delta": m.delta.on_hand,
                    "allocated_delta": m.delta.allocated,
                    "unavailable_delta": m.delta.unavailable,
                    "reason": m.reason,
                    "actor": m.actor,
                    "reference": m.reference,
                    "correlation_id": m.correlation_id,
                    "occurred_at": m.occurred_at,
                }
                for m in movements
            ],
        )

    def items(self, variant_ids: Collection[UUID]) -> dict[UUID, InventoryItem]:
        rows = self.c.execute(
            select(inventory_items).where(inventory_items.c.variant_id.in_(list(variant_ids)))
        )
        return {row.variant_id: _item(row) for row in rows}

    def save_settings(
        self, variant_id: UUID, sku: str, changes: Mapping[str, object], now: datetime
    ) -> InventoryItem:
        """Apply ``changes`` to the SKU's item, creating it (defaults for the rest) if it has none.

        One upsert, so two first settings of the same SKU cannot both insert it.
        """
        dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(inventory_items).values(
            variant_id=variant_id, sku=sku, created_at=now, updated_at=now, **changes
        )
        statement = statement.on_conflict_do_update(
            index_elements=[inventory_items.c.variant_id], set_={**changes, "updated_at": now}
        ).returning(*inventory_items.c)
        return _item(self.c.execute(statement).one())

    def levels_of_variant(self, variant_id: UUID) -> list[StockLevel]:
        rows = self.c.execute(
            select(stock_levels)
            .where(stock_levels.c.variant_id == variant_id)
            .order_by(stock_levels.c.location_id)
        )
        return [_level(row) for row in rows]

    def levels_at_location(
        self, location_id: UUID, *, after_sku: str | None, limit: int
    ) -> list[tuple[InventoryItem, StockLevel]]:
        """Levels at one location with their items, by SKU."""
        query = (
            select(stock_levels, *_settings)
            .join(inventory_items, inventory_items.c.variant_id == stock_levels.c.variant_id)
            .where(stock_levels.c.location_id == location_id)
            .order_by(inventory_items.c.sku)
            .limit(limit)
        )
        if after_sku is not None:
            query = query.where(inventory_items.c.sku > after_sku)
        return [(_item(row), _level(row)) for row in self.c.execute(query)]

    def low_levels(
        self,
        *,
        location_ids: Collection[UUID] | None,
        after: tuple[str, UUID] | None,
        limit: int,
    ) -> list[tuple[InventoryItem, StockLevel]]:
        """Levels at or below their SKU's low-stock threshold, by SKU then location."""
        s, i = stock_levels.c, inventory_items.c
        query = (
            select(stock_levels, *_settings)
            .join(inventory_items, i.variant_id == s.variant_id)
            .where(s.on_hand - s.allocated - s.unavailable <= i.low_stock_threshold)
            .order_by(i.sku, s.location_id)
            .limit(limit)
        )
        if location_ids is not None:
            query = query.where(s.location_id.in_(list(location_ids)))
        if after is not None:
            sku, location_id = after
            query = query.where(or_(i.sku > sku, and_(i.sku == sku, s.location_id > location_id)))
        return [(_item(row), _level(row)) for row in self.c.execute(query)]

    def movements_of_variant(
        self, variant_id: UUID, *, before: tuple[datetime, UUID] | None, limit: int
    ) -> list[Movement]:
        """A variant's movements, newest first, older than ``before`` (the last one seen)."""
        m = stock_movements.c
        query = (
            select(stock_movements)
            .where(m.variant_id == variant_id)
            .order_by(m.occurred_at.desc(), m.id.desc())
            .limit(limit)
        )
        if before is not None:
            at, movement_id = before
            query = query.where(
                or_(m.occurred_at < at, and_(m.occurred_at == at, m.id < movement_id))
            )
        return [_movement(row) for row in self.c.execute(query)]
