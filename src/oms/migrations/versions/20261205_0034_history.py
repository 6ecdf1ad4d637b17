"""history: order charges, import runs, source documents and standalone credits

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05 10:00:00.000000

Issue 14's order-history import: ``order_charges`` (postage, fees, discounts on an order, in
the orders context), and the history context's ``history_imports``, ``history_documents`` and
``history_credits`` (docs/import.md).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from oms.platform.database import UTCDateTime

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "order_charges",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("order_id", sa.Uuid(), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("order_id", "position"),
        sa.CheckConstraint(
            "kind IN ('shipping', 'fee', 'discount', 'adjustment', 'manual', 'other')",
            name="kind_known",
        ),
        sa.CheckConstraint("kind <> 'discount' OR amount_minor <= 0", name="discount_not_positive"),
    )
    op.create_table(
        "history_imports",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("channel_code", sa.String(40), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("rejects", sa.Text(), nullable=False),
    )
    op.create_index("ix_history_imports_started", "history_imports", ["started_at"])
    op.create_table(
        "history_documents",
        sa.Column("channel_code", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("import_id", sa.Uuid(), sa.ForeignKey("history_imports.id"), nullable=False),
        sa.Column("order_id", sa.Uuid(), sa.ForeignKey("orders.id"), nullable=True),
        sa.Column("customer_ref", sa.String(100), nullable=True),
        sa.Column("source_country", sa.String(60), nullable=True),
        sa.Column("occurred_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_code", "external_id"),
        sa.CheckConstraint("kind IN ('order', 'cancellation', 'adjustment')", name="kind_known"),
    )
    op.create_index("ix_history_documents_import", "history_documents", ["import_id"])
    op.create_index("ix_history_documents_order", "history_documents", ["order_id"])
    op.create_table(
        "history_credits",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("import_id", sa.Uuid(), sa.ForeignKey("history_imports.id"), nullable=False),
        sa.Column("channel_code", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(100), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), sa.ForeignKey("customers.id"), nullable=True),
        sa.Column("variant_id", sa.Uuid(), sa.ForeignKey("product_variants.id"), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("occurred_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.UniqueConstraint("channel_code", "external_id", "line_no"),
        sa.CheckConstraint(
            "kind IN ('return', 'shipping', 'fee', 'discount', 'adjustment', 'manual', "
            "'other', 'bad_debt')",
            name="kind_known",
        ),
    )
    op.create_index("ix_history_credits_occurred", "history_credits", ["occurred_at"])
    op.create_index(
        "ix_history_credits_customer", "history_credits", ["customer_id", "occurred_at"]
    )


def downgrade() -> None:
    op.drop_table("history_credits")
    op.drop_table("history_documents")
    op.drop_table("history_imports")
    op.drop_table("order_charges")
