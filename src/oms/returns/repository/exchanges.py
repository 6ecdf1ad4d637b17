"""``REPLACEMENTS``: an exchange's replacements (``tables.exchanges``), in Core."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, insert, select, update

from oms.platform.unit_of_work import Port
from oms.returns.domain.exchanges import Replacement
from oms.returns.tables.exchanges import return_replacements as t
from oms.shared.money import Money


class Replacements(Protocol):
    def add(self, return_id: UUID, replacements: Sequence[Replacement]) -> None:
        """Store an exchange's replacements (in the transaction that adds the exchange)."""
        ...

    def for_return(self, return_id: UUID) -> list[Replacement]:
        """The exchange's replacements, in its lines' order of storage."""
        ...

    def settle(self, return_id: UUID, replacements: Sequence[Replacement]) -> None:
        """Store the price differences settled at approval."""
        ...


class SqlReplacements:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, return_id: UUID, replacements: Sequence[Replacement]) -> None:
        self.c.execute(
            insert(t),
            [
                {
                    "return_id": return_id,
                    "line_id": r.line_id,
                    "sku": r.sku,
                    "quantity": r.quantity,
                    "unit_price_minor": r.unit_price.minor,
                    "currency": r.unit_price.currency,
                }
                for r in replacements
            ],
        )

    def for_return(self, return_id: UUID) -> list[Replacement]:
        rows = self.c.execute(
            select(t).where(t.c.return_id == return_id).order_by(t.c.sku, t.c.line_id)
        ).all()
        return [_replacement(row) for row in rows]

    def settle(self, return_id: UUID, replacements: Sequence[Replacement]) -> None:
        for r in replacements:
            self.c.execute(
                update(t)
                .where(t.c.return_id == return_id, t.c.line_id == r.line_id)
                .values(
                    charged_unit_minor=_minor(r.charged_unit_price), refund_minor=_minor(r.refund)
                )
            )


def _minor(amount: Money | None) -> int | None:
    return None if amount is None else amount.minor


def _replacement(row: Row[Any]) -> Replacement:
    def money(minor: int | None) -> Money | None:
        return None if minor is None else Money.from_minor(minor, row.currency)

    return Replacement(
        line_id=row.line_id,
        sku=row.sku,
        quantity=row.quantity,
        unit_price=Money.from_minor(row.unit_price_minor, row.currency),
        charged_unit_price=money(row.charged_unit_minor),
        refund=money(row.refund_minor),
    )


REPLACEMENTS: Port[Replacements] = Port("returns.replacements", SqlReplacements)
"""What exchanges send in place of the goods that come back."""
