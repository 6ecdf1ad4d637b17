"""order numbers from a sequence

On PostgreSQL, order numbers come from the sequence ``order_numbers`` (ADR 0009), which continues
after the counter row's value, so no number is handed out twice; it is owned by
``orders.number``. SQLite keeps the counter row (one writer at a time there anyway).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE SEQUENCE IF NOT EXISTS order_numbers START WITH 10001 OWNED BY orders.number"
    )
    # The next number is the one after the counter's (setval's value counts as handed out).
    op.execute(
        "SELECT setval('order_numbers', value) FROM order_counters "
        "WHERE name = 'SO' AND value >= 10001"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "INSERT INTO order_counters (name, value) "
        "SELECT 'SO', last_value FROM order_numbers WHERE is_called "
        "ON CONFLICT (name) DO UPDATE SET value = GREATEST(order_counters.value, EXCLUDED.value)"
    )
    op.execute("DROP SEQUENCE order_numbers")
