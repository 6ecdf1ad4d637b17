"""return policies and returns (R1)

``return_policies`` (one JSON document per channel, versioned for If-Match), ``returns`` (returns,
exchanges and claims: the RMA, status, the receiving location, money in minor units, the label's
document), ``return_lines`` (units of one order line asked back, received, inspected) and
``return_counters`` (the RMA counter row). Nothing existing changes.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import oms.platform.database

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, oms.platform.database.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "return_policies",
        sa.Column("channel_code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        _instant("updated_at", nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_return_policies_version_positive")),
        sa.ForeignKeyConstraint(
            ["channel_code"],
            ["channels.code"],
            name=op.f("fk_return_policies_channel_code_channels"),
        ),
        sa.PrimaryKeyConstraint("channel_code", name=op.f("pk_return_policies")),
    )
    _create_returns()
    _create_lines()
    op.create_table(
        "return_counters",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_return_counters")),
    )


def _create_returns() -> None:
    op.create_table(
        "returns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("order_number", sa.String(length=20), nullable=False),
        sa.Column("channel_code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("receiving_location_code", sa.String(length=40), nullable=True),
        sa.Column("return_shipping_paid_by", sa.String(length=10), nullable=False),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column(
            "restocking_fee_minor", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("refund_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("label_shipment_tracking", sa.String(length=60), nullable=True),
        sa.Column("label", sa.LargeBinary(), nullable=True),
        sa.Column("exchange_order_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=1000), server_default=sa.text("''"), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("decline_reason", sa.String(length=500), nullable=True),
        _instant("created_at", nullable=False),
        _instant("updated_at", nullable=False),
        _instant("approved_at", nullable=True),
        _instant("received_at", nullable=True),
        _instant("completed_at", nullable=True),
        _instant("cancelled_at", nullable=True),
        _instant("declined_at", nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_returns_version_positive")),
        sa.CheckConstraint(
            "kind IN ('return', 'exchange', 'claim')", name=op.f("ck_returns_kind_known")
        ),
        sa.CheckConstraint("source IN ('staff', 'customer')", name=op.f("ck_returns_source_known")),
        sa.CheckConstraint("restocking_fee_minor >= 0", name=op.f("ck_returns_fee_not_negative")),
        sa.CheckConstraint(
            "refund_minor IS NULL OR refund_minor >= 0",
            name=op.f("ck_returns_refund_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_returns_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["exchange_order_id"],
            ["orders.id"],
            name=op.f("fk_returns_exchange_order_id_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
        sa.UniqueConstraint("number", name=op.f("uq_returns_number")),
    )
    op.create_index("ix_returns_order", "returns", ["order_id"])
    op.create_index("ix_returns_desk", "returns", ["status", "created_at", "id"])
    op.create_index(
        "ix_returns_location", "returns", ["receiving_location_code", "status", "created_at"]
    )


def _create_lines() -> None:
    op.create_table(
        "return_lines",
        sa.Column("return_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("received_quantity", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("disposition", sa.String(length=20), nullable=True),
        sa.Column("inspected_quantity", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("unit_refund_minor", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_return_lines_quantity_positive")),
        sa.CheckConstraint(
            "received_quantity >= 0 AND received_quantity <= quantity",
            name=op.f("ck_return_lines_received_within"),
        ),
        sa.CheckConstraint(
            "inspected_quantity >= 0 AND inspected_quantity <= received_quantity",
            name=op.f("ck_return_lines_inspected_within"),
        ),
        sa.ForeignKeyConstraint(
            ["return_id"], ["returns.id"], name=op.f("fk_return_lines_return_id_returns")
        ),
        sa.PrimaryKeyConstraint("return_id", "line_id", name=op.f("pk_return_lines")),
    )
    op.create_index("ix_return_lines_reason", "return_lines", ["reason", "return_id"])


def downgrade() -> None:
    op.drop_table("return_counters")
    op.drop_table("return_lines")
    op.drop_table("returns")
    op.drop_table("return_policies")
