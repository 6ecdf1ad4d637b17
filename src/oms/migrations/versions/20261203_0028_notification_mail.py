"""notifications: per-channel mail settings, messages and refused addresses

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 20:00:00.000000
"""

from collections.abc import Sequence

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
