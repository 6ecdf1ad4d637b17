"""delivered units per line and gift messages (B)

``order_lines.delivered_quantity``: of the units shipped (``fulfilled_quantity``), those
delivered or picked up, never more than shipped (CHECK ``delivered_within_shipped``); every
existing line starts at 0, which no row breaks. ``orders.gift_message``: printed on the
packing slip, null for orders placed before.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "ck_order_lines_delivered_within_shipped"
RULE = "delivered_quantity >= 0 AND delivered_quantity <= fulfilled_quantity"


def upgrade() -> None:
    # In place on SQLite too: a batch copy would drop tables others reference. SQLite adds a
    # CHECK only with its column (checked against the existing rows), so it is written out.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE order_lines ADD COLUMN delivered_quantity INTEGER DEFAULT 0 NOT NULL "
            f"CONSTRAINT {CHECK} CHECK ({RULE})"
        )
    else:
        op.add_column(
            "order_lines",
            sa.Column(
                "delivered_quantity", sa.Integer(), server_default=sa.text("0"), nullable=False
            ),
        )
        op.create_check_constraint(op.f(CHECK), "order_lines", RULE)
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("gift_message", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("gift_message")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(CHECK), "order_lines", type_="check")
    # On SQLite the CHECK belongs to the column and goes with it.
    with op.batch_alter_table("order_lines", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("delivered_quantity")
