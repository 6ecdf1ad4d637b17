"""fulfilment orders, their lines, location fulfilment settings, location-bound keys (C)

``fulfilment_orders`` (one location's work for one order) and ``fulfilment_order_lines``;
``location_fulfilment`` (cut-off, time zone, handling days, pickup hold, carrier per location);
``api_keys.location_code``: a warehouse key bound to one location. Orders placed before this
migration get no fulfilment orders here: the ``fulfilment.release`` consumer creates them the next
time their order changes (a migration does not source).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import oms.platform.database

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, oms.platform.database.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    _create_fulfilment_orders()
    _create_lines()
    op.create_table(
        "location_fulfilment",
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column(
            "cutoff_time", sa.String(length=5), server_default=sa.text("'15:00'"), nullable=False
        ),
        sa.Column(
            "timezone",
            sa.String(length=60),
            server_default=sa.text("'Europe/Berlin'"),
            nullable=False,
        ),
        sa.Column("handling_days", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("pickup_hold_days", sa.Integer(), server_default=sa.text("7"), nullable=False),
        sa.Column("carrier", sa.String(length=40), nullable=True),
        sa.Column("carrier_service", sa.String(length=60), nullable=True),
        sa.Column("carrier_config", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "handling_days >= 1", name=op.f("ck_location_fulfilment_handling_days_positive")
        ),
        sa.CheckConstraint(
            "pickup_hold_days >= 1", name=op.f("ck_location_fulfilment_pickup_hold_days_positive")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_location_fulfilment_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("location_id", name=op.f("pk_location_fulfilment")),
    )
    _add_location_binding()


def _add_location_binding() -> None:
    """``api_keys.location_code``. SQLite adds the column with its REFERENCES clause in place
    (ADD COLUMN allows it for a column defaulting to NULL; alembic would copy the table, and
    ``api_keys`` has rows); PostgreSQL adds the column, then the named constraint."""
    name = op.f("fk_api_keys_location_code_locations")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE api_keys ADD COLUMN location_code VARCHAR(40) "
            f"CONSTRAINT {name} REFERENCES locations (code)"
        )
        return
    op.add_column("api_keys", sa.Column("location_code", sa.String(length=40), nullable=True))
    op.create_foreign_key(name, "api_keys", "locations", ["location_code"], ["code"])


def _create_fulfilment_orders() -> None:
    op.create_table(
        "fulfilment_orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("order_number", sa.String(length=20), nullable=False),
        sa.Column("channel_code", sa.String(length=40), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("location_code", sa.String(length=40), nullable=False),
        sa.Column("delivery", sa.String(length=10), nullable=False),
        sa.Column("pickup_location_code", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("held_from", sa.String(length=20), nullable=True),
        sa.Column("reject_reason", sa.String(length=30), nullable=True),
        sa.Column("reject_note", sa.String(length=500), nullable=True),
        _instant("ship_by", nullable=False),
        _instant("created_at", nullable=False),
        _instant("updated_at", nullable=False),
        _instant("shipped_at", nullable=True),
        _instant("delivered_at", nullable=True),
        _instant("ready_at", nullable=True),
        _instant("picked_up_at", nullable=True),
        _instant("cancelled_at", nullable=True),
        sa.Column("pickup_code_hash", sa.String(length=200), nullable=True),
        sa.Column(
            "pickup_code_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("pickup_expires_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_fulfilment_orders_version_positive")),
        sa.CheckConstraint(
            "delivery IN ('ship', 'pickup')", name=op.f("ck_fulfilment_orders_delivery_known")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_fulfilment_orders_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_fulfilment_orders_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fulfilment_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_fulfilment_orders_number")),
    )
    op.create_index(
        "ix_fulfilment_orders_queue", "fulfilment_orders", ["location_id", "status", "ship_by"]
    )
    op.create_index("ix_fulfilment_orders_order", "fulfilment_orders", ["order_id"])
    op.create_index("ix_fulfilment_orders_late", "fulfilment_orders", ["status", "ship_by"])


def _create_lines() -> None:
    op.create_table(
        "fulfilment_order_lines",
        sa.Column("fulfilment_order_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("shipped_quantity", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("cancelled_quantity", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.CheckConstraint(
            "quantity > 0", name=op.f("ck_fulfilment_order_lines_quantity_positive")
        ),
        sa.CheckConstraint(
            "shipped_quantity >= 0 AND cancelled_quantity >= 0",
            name=op.f("ck_fulfilment_order_lines_units_not_negative"),
        ),
        sa.CheckConstraint(
            "shipped_quantity + cancelled_quantity <= quantity",
            name=op.f("ck_fulfilment_order_lines_units_within"),
        ),
        sa.ForeignKeyConstraint(
            ["fulfilment_order_id"],
            ["fulfilment_orders.id"],
            name=op.f("fk_fulfilment_order_lines_fulfilment_order_id_fulfilment_orders"),
        ),
        sa.PrimaryKeyConstraint(
            "fulfilment_order_id", "line_id", name=op.f("pk_fulfilment_order_lines")
        ),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(
            op.f("fk_api_keys_location_code_locations"), "api_keys", type_="foreignkey"
        )
    with op.batch_alter_table("api_keys", recreate="never") as batch_op:
        batch_op.drop_column("location_code")
    op.drop_table("location_fulfilment")
    op.drop_table("fulfilment_order_lines")
    op.drop_index("ix_fulfilment_orders_late", table_name="fulfilment_orders")
    op.drop_index("ix_fulfilment_orders_order", table_name="fulfilment_orders")
    op.drop_index("ix_fulfilment_orders_queue", table_name="fulfilment_orders")
    op.drop_table("fulfilment_orders")
