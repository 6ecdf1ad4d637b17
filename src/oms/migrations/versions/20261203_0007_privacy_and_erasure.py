"""erasure on orders and stored responses: stored idempotent responses name their subject

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=80), nullable=True))
        batch_op.create_index("ix_idempotency_keys_subject", ["subject"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_idempotency_keys_subject")
        batch_op.drop_column("subject")
