"""sourcing rules, daily load, safety stock, bins, backorder counter, pre-orders (A)

- ``sourcing_rules``: every version of each channel's sourcing rules (reference data: triggers
  move ``reference_version`` on every change, as migration 0008 set up for the other tables).
- ``location_daily_load``: fulfilment orders per location and day (capacity).
- ``stock_levels.safety_stock`` (default 0) and ``bin``.
- ``inventory_items.backordered``: units waiting per SKU, kept by row triggers on
  ``order_lines`` (both dialects) and backfilled here; ``preorder_release_on`` and
  ``preorder_cap`` with CHECK ``preorder_cap IS NULL OR backordered <= preorder_cap``.
- The ``inventory_items`` UPDATE reference trigger now ignores changes of the live columns
  ``backordered`` and ``updated_at`` alone (else every backordered order would drop every
  process's reference cache).

Frozen copies of the DDL in oms.inventory.tables and oms.platform.reference.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_BUMP = (
    "INSERT INTO reference_version (id, version) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET version = random()"
)
POSTGRESQL_BUMP_UNLESS_LIVE = (
    "CREATE OR REPLACE FUNCTION reference_version_bump_unless_live() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF NOT EXISTS (SELECT to_jsonb(n) - TG_ARGV FROM changed AS n "
    "EXCEPT ALL SELECT to_jsonb(o) - TG_ARGV FROM before AS o) THEN RETURN NULL; END IF; "
    "INSERT INTO reference_version (id, version) "
    "VALUES (1, floor(random() * 9007199254740991)::bigint) "
    "ON CONFLICT (id) DO UPDATE SET version = excluded.version; "
    "RETURN NULL; END $$"
)
ITEM_SETTINGS = (
    "variant_id, sku, low_stock_threshold, allows_backorders, created_at, "
    "preorder_release_on, preorder_cap"
)

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
BACKFILL = (
    "UPDATE inventory_items SET backordered = COALESCE((SELECT SUM(l.backordered_quantity) "
    "FROM order_lines AS l WHERE l.variant_id = inventory_items.variant_id), 0)"
)
CAP = "ck_inventory_items_preorder_cap_holds"
CAP_RULE = "preorder_cap IS NULL OR backordered <= preorder_cap"
CAP_SIGN = "ck_inventory_items_preorder_cap_not_negative"
CAP_SIGN_RULE = "preorder_cap IS NULL OR preorder_cap >= 0"
SAFETY = "ck_stock_levels_safety_stock_not_negative"
SAFETY_RULE = "safety_stock >= 0"


def _sqlite_reference_triggers(table: str, watched: str = "") -> list[str]:
    of = f" OF {watched}" if watched else ""
    return [
        f"DROP TRIGGER IF EXISTS {table}_reference_update",
        f"CREATE TRIGGER IF NOT EXISTS {table}_reference_update AFTER UPDATE{of} ON {table} "
        f"BEGIN {SQLITE_BUMP}; END",
    ]


def upgrade() -> None:
    op.create_table(
        "sourcing_rules",
        sa.Column("channel_code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_sourcing_rules_version_positive")),
        sa.ForeignKeyConstraint(
            ["channel_code"],
            ["channels.code"],
            name=op.f("fk_sourcing_rules_channel_code_channels"),
        ),
        sa.PrimaryKeyConstraint("channel_code", "version", name=op.f("pk_sourcing_rules")),
    )
    op.create_table(
        "location_daily_load",
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.CheckConstraint("orders >= 0", name=op.f("ck_location_daily_load_orders_not_negative")),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_location_daily_load_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("location_id", "day", name=op.f("pk_location_daily_load")),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    # In place on SQLite too (a batch copy would drop tables others reference): SQLite adds a
    # CHECK only with its column, so those are written out.
    if sqlite:
        for statement in (
            "ALTER TABLE stock_levels ADD COLUMN safety_stock INTEGER DEFAULT 0 NOT NULL "
            f"CONSTRAINT {SAFETY} CHECK ({SAFETY_RULE})",
            "ALTER TABLE stock_levels ADD COLUMN bin VARCHAR(40)",
            "ALTER TABLE inventory_items ADD COLUMN backordered BIGINT DEFAULT 0 NOT NULL",
            "ALTER TABLE inventory_items ADD COLUMN preorder_release_on DATE",
            "ALTER TABLE inventory_items ADD COLUMN preorder_cap INTEGER "
            f"CONSTRAINT {CAP_SIGN} CHECK ({CAP_SIGN_RULE}) CONSTRAINT {CAP} CHECK ({CAP_RULE})",
        ):
            op.execute(statement)
    else:
        op.add_column(
            "stock_levels",
            sa.Column("safety_stock", sa.Integer(), server_default=sa.text("0"), nullable=False),
        )
        op.add_column("stock_levels", sa.Column("bin", sa.String(length=40), nullable=True))
        op.create_check_constraint(op.f(SAFETY), "stock_levels", SAFETY_RULE)
        op.add_column(
            "inventory_items",
            sa.Column("backordered", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        )
        op.add_column("inventory_items", sa.Column("preorder_release_on", sa.Date(), nullable=True))
        op.add_column("inventory_items", sa.Column("preorder_cap", sa.Integer(), nullable=True))
        op.create_check_constraint(op.f(CAP_SIGN), "inventory_items", CAP_SIGN_RULE)
        op.create_check_constraint(op.f(CAP), "inventory_items", CAP_RULE)
    _reference_triggers(sqlite)
    for statement in BACKORDERED_SQLITE if sqlite else BACKORDERED_POSTGRESQL:
        op.execute(statement)
    op.execute(BACKFILL)


def _reference_triggers(sqlite: bool) -> None:
    """``sourcing_rules`` moves the reference version; the ``inventory_items`` UPDATE trigger
    ignores the live columns."""
    if sqlite:
        statements = [
            *(
                f"CREATE TRIGGER IF NOT EXISTS sourcing_rules_reference_{op_.lower()} AFTER "
                f"{op_} ON sourcing_rules BEGIN {SQLITE_BUMP}; END"
                for op_ in ("INSERT", "UPDATE", "DELETE")
            ),
            *_sqlite_reference_triggers("inventory_items", ITEM_SETTINGS),
        ]
    else:
        transition = {"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"}
        statements = [
            POSTGRESQL_BUMP_UNLESS_LIVE,
            *(
                f"CREATE OR REPLACE TRIGGER sourcing_rules_reference_{op_.lower()} AFTER {op_} "
                f"ON sourcing_rules REFERENCING {rows} TABLE AS changed "
                "FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump()"
                for op_, rows in transition.items()
            ),
            "CREATE OR REPLACE TRIGGER sourcing_rules_reference_truncate AFTER TRUNCATE ON "
            "sourcing_rules FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump()",
            "CREATE OR REPLACE TRIGGER inventory_items_reference_update AFTER UPDATE ON "
            "inventory_items REFERENCING OLD TABLE AS before NEW TABLE AS changed "
            "FOR EACH STATEMENT EXECUTE FUNCTION "
            "reference_version_bump_unless_live('backordered', 'updated_at')",
        ]
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for op_ in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS order_lines_backordered_{op_}")
        for statement in _sqlite_reference_triggers("inventory_items"):
            op.execute(statement)
    else:
        for op_ in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS order_lines_backordered_{op_} ON order_lines")
        op.execute("DROP FUNCTION IF EXISTS inventory_track_backordered()")
        op.execute(
            "CREATE OR REPLACE TRIGGER inventory_items_reference_update AFTER UPDATE ON "
            "inventory_items REFERENCING NEW TABLE AS changed "
            "FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump()"
        )
        op.execute("DROP FUNCTION IF EXISTS reference_version_bump_unless_live()")
        op.drop_constraint(op.f(CAP), "inventory_items", type_="check")
        op.drop_constraint(op.f(CAP_SIGN), "inventory_items", type_="check")
        op.drop_constraint(op.f(SAFETY), "stock_levels", type_="check")
    # On SQLite the CHECKs belong to their columns and go with them.
    for table, columns in (
        ("inventory_items", ("preorder_cap", "preorder_release_on", "backordered")),
        ("stock_levels", ("bin", "safety_stock")),
    ):
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            for column in columns:
                batch_op.drop_column(column)
    op.drop_table("location_daily_load")
    op.drop_table("sourcing_rules")
