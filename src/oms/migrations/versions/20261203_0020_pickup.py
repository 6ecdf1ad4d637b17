"""pickup and pre-order additions (E): none needed, kept as a step of the chain

Pickup lives on the fulfilment order (``pickup_code_hash``, ``pickup_code_attempts``,
``pickup_expires_on``: migration 0018) and pickup hold days on ``location_fulfilment`` (0018);
pre-orders are ``inventory_items.preorder_release_on`` / ``preorder_cap`` with the
``backordered`` counter and its CHECK (0016). Backorder fills are serialised per variant by a
transaction advisory lock (no table). So this revision changes nothing; it stays because the
revision chain was laid out before the work was split.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 16:30:00.000000
"""

from collections.abc import Sequence

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change (see the module docstring)."""


def downgrade() -> None:
    """Nothing to undo."""
