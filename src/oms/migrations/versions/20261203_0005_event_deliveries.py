"""per-subscriber event deliveries

One row per (subscriber, outbox event) with attempts, next attempt, last error and delivery time.
Rows already in the outbox need nothing: published ones were delivered by the former relay,
unpublished ones are fanned out by the new one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import oms.platform.database

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_deliveries",
        sa.Column("subscriber", sa.String(length=120), nullable=False),
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("aggregate_id", sa.Uuid(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", oms.platform.database.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", oms.platform.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["position"],
            ["outbox.position"],
            name=op.f("fk_event_deliveries_position_outbox"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("subscriber", "position", name=op.f("pk_event_deliveries")),
    )
    with op.batch_alter_table("event_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_deliveries_pending",
            ["subscriber", "delivered_at", "position"],
            unique=False,
        )
        batch_op.create_index(
            "ix_event_deliveries_aggregate",
            ["subscriber", "aggregate_id", "position"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("event_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_event_deliveries_aggregate")
        batch_op.drop_index("ix_event_deliveries_pending")
    op.drop_table("event_deliveries")
