"""versions on reference data for ETag and If-Match

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("locations", "channels", "products", "customers")
"""Tables whose rows carry the version their ETag shows (variants share their product's)."""


# Each step ALTERs the table in place, on SQLite too: batch mode's copy-and-move would drop
# tables that others reference (channels, products, customers), which SQLite refuses once they
# hold rows. Existing rows start at version 1 through the server default.


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)
            )


def downgrade() -> None:
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_column("version")
