"""Tables of the inventory context: per-SKU settings, stock levels and the movement ledger.

``stock_movements`` is append-only, and the database enforces it: triggers refuse every UPDATE
and DELETE on both SQLite and PostgreSQL. The trigger DDL lives in the constants below so the
migration can execute exactly the same statements ``metadata.create_all`` does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Uuid,
    event,
    false,
    text,
)

from oms.platform.database import UTCDateTime, metadata

PREORDER_CAP = "preorder_cap_holds"
"""The CHECK that refuses a backorder past a pre-order's cap (its name identifies the refusal)."""

inventory_items = Table(
    "inventory_items",
    metadata,
    Column("variant_id", Uuid, ForeignKey("product_variants.id"), primary_key=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("low_stock_threshold", Integer, nullable=False, default=0),
    Column("allows_backorders", Boolean, nullable=False, default=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("backordered", BigInteger, nullable=False, default=0, server_default=text("0")),
    Column("preorder_release_on", Date, nullable=True),
    Column("preorder_cap", Integer, nullable=True),
    Column("unit_cost_minor", BigInteger, nullable=True),
    Column("cost_currency", String(3), nullable=True),
    CheckConstraint("low_stock_threshold >= 0", name="threshold_not_negative"),
    CheckConstraint("preorder_cap IS NULL OR preorder_cap >= 0", name="preorder_cap_not_negative"),
    CheckConstraint("preorder_cap IS NULL OR backordered <= preorder_cap", name=PREORDER_CAP),
)
"""One row per stocked or configured variant. ``sku`` is the catalog's (SKUs never change), copied
here so stock lists page by SKU without reaching into the catalog's tables. ``allows_backorders``
has a server default because it was added (migration 0002) after rows existed.

``backordered`` is live, not a setting: the units of this variant that order lines wait for, kept
by the triggers below on ``order_lines`` (so no writer can forget it and placement pays no
statement for it). Its changes alone do not move the reference version (ADR 0008: the
``inventory_items`` triggers ignore ``LIVE_COLUMNS``). With a ``preorder_cap`` the CHECK makes
the cap exact under any concurrency: the order line whose backorder would pass it fails to
insert."""

LIVE_COLUMNS = ("backordered", "updated_at")
"""Columns of ``inventory_items`` that are live data, not settings (the reference cache keeps no
copy of them, and their changes alone leave the reference version alone)."""

stock_levels = Table(
    "stock_levels",
    metadata,
    Column("variant_id", Uuid, ForeignKey("inventory_items.variant_id"), nullable=False),
    Column("location_id", Uuid, ForeignKey("locations.id"), nullable=False),
    Column("on_hand", BigInteger, nullable=False),
    Column("allocated", BigInteger, nullable=False),
    Column("unavailable", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("safety_stock", Integer, nullable=False, default=0, server_default=text("0")),
    Column("bin", String(40), nullable=True),
    PrimaryKeyConstraint("variant_id", "location_id"),
    CheckConstraint("safety_stock >= 0", name="safety_stock_not_negative"),
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    CheckConstraint("allocated >= 0", name="allocated_not_negative"),
    CheckConstraint("unavailable >= 0", name="unavailable_not_negative"),
    CheckConstraint("allocated + unavailable <= on_hand", name="committed_within_on_hand"),
    Index("ix_stock_levels_location_id", "location_id", "variant_id"),
)
"""Running sums of the ledger per variant and location; changed only with a movement. Two
settings ride along (the level is the one row per SKU and location): ``safety_stock``, units the
sourcing engine leaves for walk-in customers and counting errors, and ``bin``, where the SKU is
shelved (pick lists sort by it)."""

stock_movements = Table(
    "stock_movements",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("variant_id", Uuid, nullable=False),
    Column("location_id", Uuid, nullable=False),
    Column("on_hand_delta", BigInteger, nullable=False),
    Column("allocated_delta", BigInteger, nullable=False),
    Column("unavailable_delta", BigInteger, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("reference", String(200), nullable=False),
    Column("correlation_id", Uuid, nullable=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    ForeignKeyConstraint(
        ["variant_id", "location_id"], ["stock_levels.variant_id", "stock_levels.location_id"]
    ),
    Index("ix_stock_movements_variant_history", "variant_id", "occurred_at", "id"),
    Index("ix_stock_movements_location_history", "location_id", "occurred_at", "id"),
)
"""The ledger. Never updated or deleted (see the triggers below)."""

APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements "
    "BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END",
    "CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements "
    "BEGIN SELECT RAISE(ABORT, 'stock_movements is append-only'); END",
)
"""SQLite triggers refusing UPDATE and DELETE on the ledger, one statement each."""

DROP_APPEND_ONLY_SQLITE = (
    "DROP TRIGGER IF EXISTS stock_movements_no_update",
    "DROP TRIGGER IF EXISTS stock_movements_no_delete",
)

APPEND_ONLY_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION stock_movements_refuse_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'stock_movements is append-only' USING ERRCODE = 'restrict_violation'; "
    "END $$",
    "CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements "
    "FOR EACH ROW EXECUTE FUNCTION stock_movements_refuse_change()",
)
"""PostgreSQL trigger function and trigger refusing UPDATE and DELETE on the ledger."""

DROP_APPEND_ONLY_POSTGRESQL = (
    "DROP TRIGGER IF EXISTS stock_movements_append_only ON stock_movements",
    "DROP FUNCTION IF EXISTS stock_movements_refuse_change()",
)


def _on(when: str, dialect: str, statements: tuple[str, ...]) -> None:
    for statement in statements:
        ddl = DDL(statement)  # type: ignore[no-untyped-call]
        event.listen(stock_movements, when, ddl.execute_if(dialect=dialect))


_on("after_create", "sqlite", APPEND_ONLY_SQLITE)
_on("after_create", "postgresql", APPEND_ONLY_POSTGRESQL)
_on("after_drop", "postgresql", DROP_APPEND_ONLY_POSTGRESQL[1:])


# -- the waiting units per variant, kept from order_lines -----------------------------------------
# ``order_lines`` belongs to orders (a context above this one); the triggers name it only in SQL
# and are created once both tables exist (metadata's after_create; migration 0016 freezes a copy).

BACKORDERED_SQLITE = (
    "CREATE TRIGGER order_lines_backordered_insert AFTER INSERT ON order_lines "
    "WHEN NEW.backordered_quantity <> 0 BEGIN "
    "INSERT INTO inventory_items (variant_id, sku, low_stock_threshold, allows_backorders, "
    "backordered, created_at, updated_at) VALUES (NEW.variant_id, NEW.sku, 0, 0, "
    "NEW.backordered_quantity, strftime('%Y-%m-%d %H:%M:%S', 'now'), "
    "strftime('%Y-%m-%d %H:%M:%S', 'now')) "
    "ON CONFLICT (variant_id) DO UPDATE SET backordered = backordered + excluded.backordered; END",
    "CREATE TRIGGER order_lines_backordered_update AFTER UPDATE OF backordered_quantity "
    "ON order_lines WHEN NEW.backordered_quantity <> OLD.backordered_quantity BEGIN "
    "UPDATE inventory_items SET backordered = backordered + NEW.backordered_quantity "
    "- OLD.backordered_quantity WHERE variant_id = NEW.variant_id; END",
    "CREATE TRIGGER order_lines_backordered_delete AFTER DELETE ON order_lines "
    "WHEN OLD.backordered_quantity <> 0 BEGIN "
    "UPDATE inventory_items SET backordered = backordered - OLD.backordered_quantity "
    "WHERE variant_id = OLD.variant_id; END",
)
"""Row triggers that fire only for lines with (changed) backordered units: a placement whose
lines are all allocated runs none of them. The insert creates the item of a SKU never stocked."""

DROP_BACKORDERED_SQLITE = tuple(
    f"DROP TRIGGER IF EXISTS order_lines_backordered_{op}" for op in ("insert", "update", "delete")
)

BACKORDERED_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION inventory_track_backordered() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'INSERT' THEN "
    "INSERT INTO inventory_items (variant_id, sku, low_stock_threshold, allows_backorders, "
    "backordered, created_at, updated_at) VALUES (NEW.variant_id, NEW.sku, 0, false, "
    "NEW.backordered_quantity, now(), now()) ON CONFLICT (variant_id) DO UPDATE "
    "SET backordered = inventory_items.backordered + excluded.backordered; "
    "ELSIF TG_OP = 'UPDATE' THEN "
    "UPDATE inventory_items SET backordered = backordered + NEW.backordered_quantity "
    "- OLD.backordered_quantity WHERE variant_id = NEW.variant_id; "
    "ELSE "
    "UPDATE inventory_items SET backordered = backordered - OLD.backordered_quantity "
    "WHERE variant_id = OLD.variant_id; "
    "END IF; RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER order_lines_backordered_insert AFTER INSERT ON order_lines "
    "FOR EACH ROW WHEN (NEW.backordered_quantity <> 0) "
    "EXECUTE FUNCTION inventory_track_backordered()",
    "CREATE OR REPLACE TRIGGER order_lines_backordered_update AFTER UPDATE OF "
    "backordered_quantity ON order_lines "
    "FOR EACH ROW WHEN (NEW.backordered_quantity <> OLD.backordered_quantity) "
    "EXECUTE FUNCTION inventory_track_backordered()",
    "CREATE OR REPLACE TRIGGER order_lines_backordered_delete AFTER DELETE ON order_lines "
    "FOR EACH ROW WHEN (OLD.backordered_quantity <> 0) "
    "EXECUTE FUNCTION inventory_track_backordered()",
)

DROP_BACKORDERED_POSTGRESQL = (
    *(
        f"DROP TRIGGER IF EXISTS order_lines_backordered_{op} ON order_lines"
        for op in ("insert", "update", "delete")
    ),
    "DROP FUNCTION IF EXISTS inventory_track_backordered()",
)

BACKFILL_BACKORDERED = (
    "UPDATE inventory_items SET backordered = COALESCE((SELECT SUM(l.backordered_quantity) "
    "FROM order_lines AS l WHERE l.variant_id = inventory_items.variant_id), 0)"
)
"""What the triggers keep, computed from scratch (migration 0016; a repair if ever needed)."""


def _create_backordered_triggers(target: Any, connection: Connection, **_: Any) -> None:
    if "order_lines" not in target.tables or "inventory_items" not in target.tables:
        return
    postgresql = connection.dialect.name == "postgresql"
    for statement in BACKORDERED_POSTGRESQL if postgresql else BACKORDERED_SQLITE:
        connection.exec_driver_sql(statement)


def _drop_backordered_function(_target: Any, connection: Connection, **_: Any) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(DROP_BACKORDERED_POSTGRESQL[-1])


event.listen(metadata, "after_create", _create_backordered_triggers)
event.listen(metadata, "after_drop", _drop_backordered_function)
