"""provider webhook notifications, recorded once (H2)

``provider_notifications``: one row per signed notification a payment provider sent (Stripe's
webhook events), unique per provider and event id, with its payload and when it was processed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import oms.platform.database

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "provider_notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("received_at", oms.platform.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", oms.platform.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=500), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_notifications")),
        sa.UniqueConstraint(
            "provider", "event_id", name=op.f("uq_provider_notifications_provider_event_id")
        ),
    )
    with op.batch_alter_table("provider_notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_provider_notifications_received", ["received_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("provider_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_provider_notifications_received")
    op.drop_table("provider_notifications")
