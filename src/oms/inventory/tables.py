"""Tables of the inventory context: per-SKU settings, stock levels and the movement ledger.

``stock_movements`` is append-only, and the database enforces it: triggers refuse every UPDATE
and DELETE on both SQLite and PostgreSQL. The trigger DDL lives in the constants below so the
migration can execute exactly the same statements ``metadata.create_all`` does.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
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
)

from oms.platform.database import UTCDateTime, metadata

inventory_items = Table(
    "inventory_items",
    metadata,
    Column("variant_id", Uuid, ForeignKey("product_variants.id"), primary_key=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("low_stock_threshold", Integer, nullable=False, default=0),
    Column("allows_backorders", Boolean, nullable=False, default=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("low_stock_threshold >= 0", name="threshold_not_negative"),
)
"""One row per stocked or configured variant. ``sku`` is the catalog's (SKUs never change), copied
here so stock lists page by SKU without reaching into the catalog's tables. ``allows_backorders``
has a server default because it was added (migration 0002) after rows existed."""

stock_levels = Table(
    "stock_levels",
    metadata,
    Column("variant_id", Uuid, ForeignKey("inventory_items.variant_id"), nullable=False),
    Column("location_id", Uuid, ForeignKey("locations.id"), nullable=False),
    Column("on_hand", BigInteger, nullable=False),
    Column("allocated", BigInteger, nullable=False),
    Column("unavailable", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("variant_id", "location_id"),
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    CheckConstraint("allocated >= 0", name="allocated_not_negative"),
    CheckConstraint("unavailable >= 0", name="unavailable_not_negative"),
    CheckConstraint("allocated + unavailable <= on_hand", name="committed_within_on_hand"),
    Index("ix_stock_levels_location_id", "location_id", "variant_id"),
)
"""Running sums of the ledger per variant and location; changed only with a movement."""

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
