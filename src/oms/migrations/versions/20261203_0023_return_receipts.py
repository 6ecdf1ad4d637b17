"""return receipts, inspections and labels: no schema change

Receipt and inspection are kept on ``return_lines`` (received and inspected units, the line's
disposition) and the label on ``returns`` (``label``, ``label_shipment_tracking``), all created by
0021; the stock they move is the inventory ledger's. The revision stays, empty, so the chain
0021..0025 is the one every helper reserved.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 17:30:00.000000
"""

from collections.abc import Sequence

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
