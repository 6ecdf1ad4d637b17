"""returned units per line and linked orders (R2)

``order_lines.returned_quantity`` (delivered units received back) and
``return_requested_quantity`` (delivered units asked back by open return requests), 0 for every
existing line, with the CHECK ``returned_within_delivered`` (both >= 0, their sum <= delivered),
which no existing row breaks. On ``orders``: ``return_status`` (derived, kept by the repository
like ``payment_status``; ``none`` for every existing order), and the link of an exchange or
reship order: ``parent_order_id`` (FK orders, indexed where set), ``link_kind`` and
``return_id`` (a plain UUID: returns sit above orders).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "ck_order_lines_returned_within_delivered"
RULE = (
    "returned_quantity >= 0 AND return_requested_quantity >= 0 "
    "AND returned_quantity + return_requested_quantity <= delivered_quantity"
)
PARENT_FK = "fk_orders_parent_order_id_orders"


def upgrade() -> None:
    # In place on SQLite too: a batch copy would drop tables others reference. SQLite adds a
    # CHECK only with a column, so it comes with the second one, written out.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE order_lines ADD COLUMN returned_quantity INTEGER DEFAULT 0 NOT NULL"
        )
        op.execute(
            "ALTER TABLE order_lines ADD COLUMN return_requested_quantity INTEGER DEFAULT 0 "
            f"NOT NULL CONSTRAINT {CHECK} CHECK ({RULE})"
        )
        # SQLite cannot add a foreign key to an existing table but with a column, in the
        # column's own clause.
        op.execute(
            "ALTER TABLE orders ADD COLUMN parent_order_id CHAR(32) "
            f"CONSTRAINT {PARENT_FK} REFERENCES orders (id)"
        )
    else:
        for name in ("returned_quantity", "return_requested_quantity"):
            op.add_column(
                "order_lines",
                sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False),
            )
        op.create_check_constraint(op.f(CHECK), "order_lines", RULE)
        op.add_column("orders", sa.Column("parent_order_id", sa.Uuid(), nullable=True))
        op.create_foreign_key(op.f(PARENT_FK), "orders", "orders", ["parent_order_id"], ["id"])
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column(
                "return_status",
                sa.String(length=20),
                server_default=sa.text("'none'"),
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("link_kind", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("return_id", sa.Uuid(), nullable=True))
    op.create_index(
        "ix_orders_parent",
        "orders",
        ["parent_order_id"],
        postgresql_where=sa.text("parent_order_id IS NOT NULL"),
        sqlite_where=sa.text("parent_order_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_orders_parent", table_name="orders")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(PARENT_FK), "orders", type_="foreignkey")
        op.drop_constraint(op.f(CHECK), "order_lines", type_="check")
    with op.batch_alter_table("orders", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("return_id")
        batch_op.drop_column("link_kind")
        batch_op.drop_column("return_status")
        batch_op.drop_column("parent_order_id")
    # On SQLite the CHECK belongs to its column and goes with it.
    with op.batch_alter_table("order_lines", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("return_requested_quantity")
        batch_op.drop_column("returned_quantity")
