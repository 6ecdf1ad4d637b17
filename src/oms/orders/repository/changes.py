"""Stored previews of order changes, and the merchant's automatic hold rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Row, and_, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from oms.orders.domain import HoldRule, HoldRuleSetting
from oms.orders.domain.changes import (
    ChangeNotPending,
    ChangeStatus,
    OrderChange,
    operation_from_json,
    operation_json,
    preview_from_json,
    preview_json,
)
from oms.orders.tables import hold_rules, order_changes
from oms.shared.money import Money


class Changes(Protocol):
    """Previewed and confirmed changes of orders."""

    def add(self, change: OrderChange) -> None:
        """Store a previewed change: its operations as requested and the preview as shown."""
        ...

    def get(self, order_id: UUID, change_id: UUID) -> OrderChange | None: ...

    def page(
        self, order_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[OrderChange]:
        """An order's changes, newest first, keyset-paged on (created_at, id)."""
        ...

    def save_confirmed(self, change: OrderChange) -> None:
        """Store a change as confirmed; ``ChangeNotPending`` if it was confirmed meanwhile."""
        ...


def _change(row: Row[Any]) -> OrderChange:
    return OrderChange(
        id=row.id,
        order_id=row.order_id,
        base_version=row.base_version,
        status=ChangeStatus(row.status),
        operations=tuple(operation_from_json(op) for op in row.request["operations"]),
        preview=preview_from_json(row.preview),
        created_by=row.created_by,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
    )


class SqlChanges:
    """``Changes`` on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, change: OrderChange) -> None:
        self.c.execute(
            insert(order_changes).values(
                id=change.id,
                order_id=change.order_id,
                base_version=change.base_version,
                status=change.status.value,
                request={"operations": [operation_json(op) for op in change.operations]},
                preview=preview_json(change.preview),
                created_by=change.created_by,
                created_at=change.created_at,
                confirmed_at=change.confirmed_at,
            )
        )

    def get(self, order_id: UUID, change_id: UUID) -> OrderChange | None:
        row = self.c.execute(
            select(order_changes).where(
                order_changes.c.id == change_id, order_changes.c.order_id == order_id
            )
        ).first()
        return _change(row) if row is not None else None

    def page(
        self, order_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[OrderChange]:
        query = (
            select(order_changes)
            .where(order_changes.c.order_id == order_id)
            .order_by(order_changes.c.created_at.desc(), order_changes.c.id.desc())
            .limit(limit)
        )
        if after is not None:
            created, change_id = after
            query = query.where(
                or_(
                    order_changes.c.created_at < created,
                    and_(order_changes.c.created_at == created, order_changes.c.id < change_id),
                )
            )
        return [_change(row) for row in self.c.execute(query)]

    def save_confirmed(self, change: OrderChange) -> None:
        confirmed = self.c.execute(
            update(order_changes)
            .where(
                order_changes.c.id == change.id,
                order_changes.c.status == ChangeStatus.PREVIEWED.value,
            )
            .values(status=change.status.value, confirmed_at=change.confirmed_at)
        )
        if confirmed.rowcount != 1:
            raise ChangeNotPending(str(change.id), ChangeStatus.CONFIRMED)


class HoldRules(Protocol):
    """The merchant's own settings of the automatic hold rules (a rule without one keeps its
    default)."""

    def overrides(self) -> dict[HoldRule, HoldRuleSetting]: ...

    def save(self, setting: HoldRuleSetting, now: datetime) -> None: ...


class SqlHoldRules:
    """``HoldRules`` on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def overrides(self) -> dict[HoldRule, HoldRuleSetting]:
        return {
            HoldRule(row.rule): HoldRuleSetting(
                rule=HoldRule(row.rule),
                enabled=row.enabled,
                thresholds={cur: Money.of(amount, cur) for cur, amount in row.thresholds.items()},
            )
            for row in self.c.execute(select(hold_rules))
        }

    def save(self, setting: HoldRuleSetting, now: datetime) -> None:
        dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
        values = {
            "rule": setting.rule.value,
            "enabled": setting.enabled,
            "thresholds": {cur: str(m.amount) for cur, m in setting.thresholds.items()},
            "updated_at": now,
        }
        statement = dialect.insert(hold_rules).values(**values)
        self.c.execute(
            statement.on_conflict_do_update(
                index_elements=["rule"],
                set_={k: statement.excluded[k] for k in ("enabled", "thresholds", "updated_at")},
            )
        )
