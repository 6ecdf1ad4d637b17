"""shipments, shipment lines, tracking events (D)

``shipments`` (one package each: label, tracking number, tracking status), ``shipment_lines``
(units of order lines in the package) and ``tracking_events`` (every event kept; the unique key
makes a duplicate a no-op, which is why an unknown ``location`` is ``''`` and not NULL).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import oms.platform.database

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, oms.platform.database.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "shipments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("fulfilment_order_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("location_code", sa.String(length=40), nullable=False),
        sa.Column("carrier", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=60), nullable=False),
        sa.Column("tracking_number", sa.String(length=60), nullable=True),
        sa.Column("tracking_url", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("weight_grams", sa.Integer(), nullable=False),
        sa.Column("length_mm", sa.Integer(), nullable=True),
        sa.Column("width_mm", sa.Integer(), nullable=True),
        sa.Column("height_mm", sa.Integer(), nullable=True),
        sa.Column("label_format", sa.String(length=10), nullable=True),
        sa.Column("label", sa.LargeBinary(), nullable=True),
        _instant("created_at", nullable=False),
        _instant("shipped_at", nullable=False),
        _instant("delivered_at", nullable=True),
        _instant("last_event_at", nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.CheckConstraint("weight_grams > 0", name=op.f("ck_shipments_weight_positive")),
        sa.CheckConstraint("kind IN ('parcel', 'transfer')", name=op.f("ck_shipments_kind_known")),
        sa.ForeignKeyConstraint(
            ["fulfilment_order_id"],
            ["fulfilment_orders.id"],
            name=op.f("fk_shipments_fulfilment_order_id_fulfilment_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        sa.UniqueConstraint("number", name=op.f("uq_shipments_number")),
    )
    op.create_index("ix_shipments_fulfilment_order", "shipments", ["fulfilment_order_id"])
    op.create_index("ix_shipments_order", "shipments", ["order_id"])
    op.create_index("ix_shipments_tracking_number", "shipments", ["tracking_number"])
    op.create_table(
        "shipment_lines",
        sa.Column("shipment_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_shipment_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_shipment_lines_shipment_id_shipments")
        ),
        sa.PrimaryKeyConstraint("shipment_id", "line_id", name=op.f("pk_shipment_lines")),
    )
    op.create_table(
        "tracking_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shipment_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        _instant("occurred_at", nullable=False),
        sa.Column("location", sa.String(length=200), server_default=sa.text("''"), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        _instant("received_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_tracking_events_shipment_id_shipments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_events")),
        sa.UniqueConstraint(
            "shipment_id",
            "status",
            "occurred_at",
            "location",
            name=op.f("uq_tracking_events_once"),
        ),
    )


def downgrade() -> None:
    op.drop_table("tracking_events")
    op.drop_table("shipment_lines")
    op.drop_index("ix_shipments_tracking_number", table_name="shipments")
    op.drop_index("ix_shipments_order", table_name="shipments")
    op.drop_index("ix_shipments_fulfilment_order", table_name="shipments")
    op.drop_table("shipments")
