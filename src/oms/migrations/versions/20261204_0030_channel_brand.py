"""channels: the customer tracking page's brand per channel

Four nullable columns on ``channels``: the display name, the logo's https URL and the primary
and accent colours (``#rrggbb``). Existing channels keep NULL: the page's own defaults.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 12:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("brand_name", 200),
    ("brand_logo_url", 500),
    ("brand_primary_colour", 7),
    ("brand_accent_colour", 7),
)


def upgrade() -> None:
    # In place on SQLite too: a batch copy would drop ``channels``, which others reference.
    with op.batch_alter_table("channels", recreate="never") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("channels", recreate="never") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
