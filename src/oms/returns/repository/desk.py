"""``RETURN_DESK``: the console's returns desk reads, in Core, beside ``RETURNS``.

The desk searches by RMA or by orders found elsewhere (a number or an email resolved through
``oms.orders``), counts the returns waiting in each status and asks whether a label is stored
without loading its document. Every read is bounded and indexed: the list pages by
``(created_at, id)`` on ``ix_returns_desk`` / ``ix_returns_location`` (``ix_returns_order``
for an order's returns), the counts group that same index, the label check reads one row.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from sqlalchemy import and_, func, or_, select

from oms.platform.unit_of_work import Port
from oms.returns.domain.lifecycle import ReturnStatus
from oms.returns.domain.returns import ReturnRequest
from oms.returns.repository.returns import DeskKey, SqlReturns
from oms.returns.tables.returns import returns


@dataclass(frozen=True, slots=True, kw_only=True)
class DeskSearch:
    """What the desk's list is narrowed to; None means any."""

    statuses: tuple[ReturnStatus, ...] | None = None
    location: str | None = None
    """The receiving location (a location-bound staff user's own)."""
    channel: str | None = None
    number: str | None = None
    """An RMA, exactly (``RMA-000001``)."""
    order_ids: tuple[UUID, ...] | None = None
    """Returns of these orders only (an empty tuple finds nothing)."""


class ReturnDesk(Protocol):
    def search(
        self, search: DeskSearch, *, after: DeskKey | None, limit: int
    ) -> builtins.list[ReturnRequest]:
        """Returns matching ``search``, newest first, after ``after``."""
        ...

    def counts(self, *, location: str | None, channel: str | None) -> dict[ReturnStatus, int]:
        """How many returns are in each status (statuses with none left out)."""
        ...

    def has_label(self, return_id: UUID) -> bool:
        """Whether the return's label document is stored (without reading it)."""
        ...


class SqlReturnDesk(SqlReturns):
    """``ReturnDesk`` on one connection; loads returns whole as ``SqlReturns`` does."""

    def search(
        self, search: DeskSearch, *, after: DeskKey | None, limit: int
    ) -> builtins.list[ReturnRequest]:
        if search.order_ids is not None and not search.order_ids:
            return []
        t = returns
        query = select(*_COLUMNS)
        if search.statuses is not None:
            query = query.where(t.c.status.in_([s.value for s in search.statuses]))
        if search.location is not None:
            query = query.where(t.c.receiving_location_code == search.location)
        if search.channel is not None:
            query = query.where(t.c.channel_code == search.channel)
        if search.number is not None:
            query = query.where(t.c.number == search.number)
        if search.order_ids is not None:
            query = query.where(t.c.order_id.in_(search.order_ids))
        if after is not None:
            created_at, return_id = after
            query = query.where(
                or_(
                    t.c.created_at < created_at,
                    and_(t.c.created_at == created_at, t.c.id < return_id),
                )
            )
        query = query.order_by(t.c.created_at.desc(), t.c.id.desc()).limit(limit)
        return self._load(self.c.execute(query).all())

    def counts(self, *, location: str | None, channel: str | None) -> dict[ReturnStatus, int]:
        t = returns
        query = select(t.c.status, func.count()).group_by(t.c.status)
        if location is not None:
            query = query.where(t.c.receiving_location_code == location)
        if channel is not None:
            query = query.where(t.c.channel_code == channel)
        return {ReturnStatus(status): count for status, count in self.c.execute(query).all()}

    def has_label(self, return_id: UUID) -> bool:
        query = select(returns.c.label.is_not(None)).where(returns.c.id == return_id)
        return bool(self.c.execute(query).scalar_one_or_none())


_COLUMNS = tuple(column for column in returns.c if column.name != "label")
"""Every column but the label's document."""

RETURN_DESK: Port[ReturnDesk] = Port("returns.desk", SqlReturnDesk)
