"""The stock ledger in SQL (SQLAlchemy Core, set-based): ``SqlStock``, bound by ``STOCK``.

Levels change only through ``apply_changes``: one ``UPDATE ... FROM (the changes)`` whose WHERE
clause is the ledger's rule, so a change that would break it updates nothing and the read that
decided it cannot go stale. Rows are created with insert-if-missing and locked in primary-key
order; SQLite needs no row locks because its writers are serialised by ``BEGIN IMMEDIATE``.

What every placement runs (the levels read under lock, the guarded update, the movements) is
driver SQL written once per dialect and row count (``oms.platform.driver_sql``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Connection,
    Row,
    and_,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from oms.inventory.domain import (
    Change,
    Delta,
    InventoryItem,
    Key,
    Movement,
    MovementKind,
    StockLevel,
)
from oms.inventory.tables import PREORDER_CAP, inventory_items, stock_levels, stock_movements
from oms.platform.driver_sql import Binder, DriverInsert, DriverSql, binder
from oms.shared.money import Money

_levels_key = tuple_(stock_levels.c.variant_id, stock_levels.c.location_id)
_settings = (
    inventory_items.c.sku,
    inventory_items.c.low_stock_threshold,
    inventory_items.c.allows_backorders,
    inventory_items.c.preorder_release_on,
    inventory_items.c.preorder_cap,
    inventory_items.c.unit_cost_minor,
    inventory_items.c.cost_currency,
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
        safety_stock=row.safety_stock,
        bin=row.bin,
    )


_CHANGE_COLUMNS = (
    "variant_id",
    "location_id",
    "on_hand",
    "allocated",
    "unavailable",
    "needed",
    "expected",
)
"""A row of ``changes``: the level's key, its deltas, the available units the change needs and
the on-hand a count expects."""


_LEVEL_COLUMNS = "variant_id, location_id, on_hand, allocated, unavailable"
_SOURCING_COLUMNS = (
    "s.variant_id, s.location_id, s.on_hand, s.allocated, s.unavailable, s.safety_stock, s.bin, "
    "i.backordered"
)
"""What sourcing needs of a level: its figures, its safety stock and bin, and the units of its
SKU already waiting (the item's ``backordered``), all in the one statement that locks it."""


@lru_cache(maxsize=64)
def _levels_sql(keys: int, *, lock: bool) -> DriverSql:
    """The levels of ``keys`` (variant id, location id) pairs in key order, with their safety
    stock, bin and the units their SKU's backorders wait for, written once per count.

    PostgreSQL takes the pairs as row values it probes the primary key with, and locks the
    levels (``FOR NO KEY UPDATE OF s``), never the item: the backorder counter is read as
    committed, and order lines change it under their own CHECK. SQLite takes them as a VALUES
    list joined to the levels with ``CROSS JOIN``, which makes the list the outer loop: one index
    probe per pair (``(a, b) IN (VALUES ...)`` scanned every level instead, 8 ms at 30,000
    levels). The join to the item is one primary-key probe per level on both."""
    pairs = ", ".join(["(?, ?)"] * keys)
    item = "JOIN inventory_items AS i ON i.variant_id = s.variant_id"
    return DriverSql(
        f"SELECT {_SOURCING_COLUMNS} FROM (VALUES {pairs}) AS k CROSS JOIN stock_levels AS s "  # noqa: S608 (no values in the text)
        f"ON s.variant_id = k.column1 AND s.location_id = k.column2 {item} "
        "ORDER BY s.variant_id, s.location_id",
        postgresql=f"SELECT {_SOURCING_COLUMNS} FROM stock_levels AS s {item} "  # noqa: S608 (no values in the text)
        f"WHERE (s.variant_id, s.location_id) IN ({pairs}) ORDER BY s.variant_id, s.location_id"
        + (" FOR NO KEY UPDATE OF s" if lock else ""),
    )


@lru_cache(maxsize=64)
def _apply_sql(rows: int) -> DriverSql:
    """The guarded UPDATE for ``rows`` changes, written once per row count.

    The changes are a VALUES list named ``changes`` (typed for PostgreSQL), joined to their
    levels; the WHERE clause is the ledger's rule, so a level that cannot take its change is
    not updated, and RETURNING says which were.
    """
    values = ", ".join(
        ["(?::uuid, ?::uuid, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint)"] * rows
    )
    names = ", ".join(_CHANGE_COLUMNS)
    s = "stock_levels"
    return DriverSql(
        f"WITH changes ({names}) AS (VALUES {values}) "  # noqa: S608 (no values in the text)
        f"UPDATE {s} SET on_hand = {s}.on_hand + changes.on_hand,"
        f" allocated = {s}.allocated + changes.allocated,"
        f" unavailable = {s}.unavailable + changes.unavailable, updated_at = ?"
        " FROM changes"
        f" WHERE {s}.variant_id = changes.variant_id AND {s}.location_id = changes.location_id"
        f" AND {s}.on_hand - {s}.allocated - {s}.unavailable >= changes.needed"
        f" AND {s}.allocated + changes.allocated >= 0"
        f" AND {s}.unavailable + changes.unavailable >= 0"
        f" AND (changes.expected IS NULL OR {s}.on_hand = changes.expected)"
        f" RETURNING {s}.variant_id, {s}.location_id, {s}.on_hand, {s}.allocated,"
        f" {s}.unavailable"
    )


_MOVEMENT_COLUMNS = (
    "id",
    "kind",
    "variant_id",
    "location_id",
    "on_hand_delta",
    "allocated_delta",
    "unavailable_delta",
    "reason",
    "actor",
    "reference",
    "correlation_id",
    "occurred_at",
)
_INSERT_MOVEMENTS = DriverInsert("stock_movements", _MOVEMENT_COLUMNS)


def _movement_row(m: Movement, b: Binder) -> tuple[Any, ...]:
    return (
        b.uuid(m.id),
        m.kind.value,
        b.uuid(m.variant_id),
        b.uuid(m.location_id),
        m.delta.on_hand,
        m.delta.allocated,
        m.delta.unavailable,
        m.reason,
        m.actor,
        m.reference,
        b.uuid(m.correlation_id),
        b.at(m.occurred_at),
    )


def _levels_by_key(rows: Any, bound: dict[tuple[Any, Any], Key]) -> dict[Key, StockLevel]:
    """Driver rows (variant, location, on hand, allocated, unavailable) as levels, keyed by the
    keys whose bound ids they carry (hex text on SQLite)."""
    found: dict[Key, StockLevel] = {}
    for variant, location, on_hand, allocated, unavailable in rows:
        key = bound[(variant, location)]
        found[key] = StockLevel(
            variant_id=key[0],
            location_id=key[1],
            on_hand=on_hand,
            allocated=allocated,
            unavailable=unavailable,
        )
    return found


def _sourcing_levels(rows: Any, bound: dict[tuple[Any, Any], Key]) -> dict[Key, StockLevel]:
    """Rows of ``_levels_sql`` as levels with their safety stock, bin and waiting units."""
    found: dict[Key, StockLevel] = {}
    for variant, location, on_hand, allocated, unavailable, safety, shelf, waiting in rows:
        key = bound[(variant, location)]
        found[key] = StockLevel(
            variant_id=key[0],
            location_id=key[1],
            on_hand=on_hand,
            allocated=allocated,
            unavailable=unavailable,
            safety_stock=safety,
            bin=shelf,
            waiting=waiting,
        )
    return found


def _item(row: Row[Any]) -> InventoryItem:
    return InventoryItem(
        variant_id=row.variant_id,
        sku=row.sku,
        low_stock_threshold=row.low_stock_threshold,
        allows_backorders=row.allows_backorders,
        preorder_release_on=row.preorder_release_on,
        preorder_cap=row.preorder_cap,
        unit_cost=None
        if row.unit_cost_minor is None
        else Money.from_minor(row.unit_cost_minor, row.cost_currency),
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
                    "backordered": 0,
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
                    "safety_stock": 0,
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
        b = binder(self.c)
        bound: dict[tuple[Any, Any], Key] = {}
        params: list[Any] = []
        for ch in changes:
            variant, location = b.uuid(ch.variant_id), b.uuid(ch.location_id)
            bound[(variant, location)] = (ch.variant_id, ch.location_id)
            delta = ch.delta
            params += (
                variant,
                location,
                delta.on_hand,
                delta.allocated,
                delta.unavailable,
                -delta.available,
                ch.expected_on_hand,
            )
        params.append(b.at(now))
        return _levels_by_key(_apply_sql(len(changes)).run(self.c, tuple(params)).all(), bound)

    def levels(self, keys: Collection[Key], *, lock: bool = False) -> dict[Key, StockLevel]:
        """The current levels of ``keys`` that exist, locked in key order when ``lock`` is set."""
        if not keys:
            return {}
        b = binder(self.c)
        bound = {(b.uuid(vid), b.uuid(lid)): (vid, lid) for vid, lid in sorted(keys)}
        params = tuple(value for pair in bound for value in pair)
        rows = _levels_sql(len(bound), lock=lock).run(self.c, params).all()
        return _sourcing_levels(rows, bound)

    def insert_movements(self, movements: Sequence[Movement]) -> None:
        b = binder(self.c)
        _INSERT_MOVEMENTS.run(self.c, [_movement_row(m, b) for m in movements])

    def items(self, variant_ids: Collection[UUID]) -> dict[UUID, InventoryItem]:
        rows = self.c.execute(
            select(inventory_items).where(inventory_items.c.variant_id.in_(list(variant_ids)))
        )
        return {row.variant_id: _item(row) for row in rows}

    def all_items(self, bound: int) -> dict[UUID, InventoryItem] | None:
        rows = self.c.execute(select(inventory_items).limit(bound + 1)).all()
        if len(rows) > bound:
            return None
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

    def save_level_settings(
        self, key: Key, *, safety_stock: int, bin: str | None, now: datetime
    ) -> StockLevel:
        """One upsert: two first settings of the same level cannot both insert it."""
        dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
        variant_id, location_id = key
        statement = dialect.insert(stock_levels).values(
            variant_id=variant_id,
            location_id=location_id,
            on_hand=0,
            allocated=0,
            unavailable=0,
            safety_stock=safety_stock,
            bin=bin,
            updated_at=now,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[stock_levels.c.variant_id, stock_levels.c.location_id],
            set_={"safety_stock": safety_stock, "bin": bin, "updated_at": now},
        ).returning(*stock_levels.c)
        return _level(self.c.execute(statement).one())

    def bins(self, variant_ids: Collection[UUID], location_id: UUID) -> dict[UUID, str]:
        s = stock_levels.c
        rows = self.c.execute(
            select(s.variant_id, s.bin).where(
                s.location_id == location_id,
                s.variant_id.in_(list(variant_ids)),
                s.bin.is_not(None),
            )
        )
        return {row.variant_id: row.bin for row in rows}

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


def breaks_preorder_cap(error: BaseException) -> bool:
    """Whether a failed write was refused by a pre-order cap (the ``PREORDER_CAP`` CHECK on
    ``inventory_items``, reached through the trigger that counts waiting units)."""
    return isinstance(error, IntegrityError) and PREORDER_CAP in str(error.orig)
