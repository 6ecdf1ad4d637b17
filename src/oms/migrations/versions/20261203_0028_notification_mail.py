"""notifications: per-channel mail settings, messages and refused addresses

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import oms.platform.database

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = oms.platform.database.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "channel_mail_settings",
        sa.Column("channel_code", sa.String(40), nullable=False),
        sa.Column("enabled", sa.JSON(), nullable=False),
        sa.Column("sender_name", sa.String(100), nullable=False),
        sa.Column("sender_address", sa.String(320), nullable=True),
        sa.Column("reply_to", sa.String(320), nullable=True),
        sa.Column("brand_colour", sa.String(7), nullable=False),
        sa.Column("logo_url", sa.String(2000), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.ForeignKeyConstraint(["channel_code"], ["channels.code"]),
        sa.PrimaryKeyConstraint("channel_code"),
    )
    op.create_table(
        "notification_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("order_number", sa.String(20), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("channel_code", sa.String(40), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("reference_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("locale", sa.String(35), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("skip_reason", sa.String(40), nullable=True),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=True),
        sa.Column("first_attempt_at", UTC, nullable=True),
        sa.Column("locked_until", UTC, nullable=True),
        sa.Column("claim", sa.Uuid(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("subject", sa.String(500), nullable=True),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=True),
        sa.Column("resend_of", sa.Uuid(), nullable=True),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint(
            "(status = 'queued') = (next_attempt_at IS NOT NULL)",
            name="queued_has_next_attempt",
        ),
        sa.CheckConstraint(
            "(status = 'skipped') = (skip_reason IS NOT NULL)", name="skipped_has_reason"
        ),
        sa.ForeignKeyConstraint(["channel_code"], ["channels.code"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["resend_of"], ["notification_messages.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "kind"),
        sa.UniqueConstraint("message_id"),
    )
    op.create_index(
        "ix_notification_messages_due", "notification_messages", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_notification_messages_order_id", "notification_messages", ["order_id", "created_at"]
    )
    op.create_index(
        "ix_notification_messages_customer_id", "notification_messages", ["customer_id"]
    )
    op.create_index(
        "ix_notification_messages_reference_id", "notification_messages", ["reference_id"]
    )
    op.create_table(
        "mail_suppressions",
        sa.Column("address_key", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("address_key"),
    )


def downgrade() -> None:
    op.drop_table("mail_suppressions")
    op.drop_index("ix_notification_messages_reference_id", table_name="notification_messages")
    op.drop_index("ix_notification_messages_customer_id", table_name="notification_messages")
    op.drop_index("ix_notification_messages_order_id", table_name="notification_messages")
    op.drop_index("ix_notification_messages_due", table_name="notification_messages")
    op.drop_table("notification_messages")
    op.drop_table("channel_mail_settings")
