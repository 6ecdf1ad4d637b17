"""Each location's daily load in SQL: one counter row per location and day."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from uuid import UUID

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from oms.sourcing.tables import location_daily_load


class SqlLoads:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def on(self, day: date, location_ids: Collection[UUID]) -> dict[UUID, int]:
        t = location_daily_load.c
        rows = self.c.execute(
            select(t.location_id, t.orders).where(
                t.day == day, t.location_id.in_(list(location_ids))
            )
        )
        return {row.location_id: row.orders for row in rows}

    def add(self, location_id: UUID, day: date, orders: int) -> None:
        dialect = postgresql if self.c.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(location_daily_load).values(
            location_id=location_id, day=day, orders=orders
        )
        self.c.execute(
            statement.on_conflict_do_update(
                index_elements=[location_daily_load.c.location_id, location_daily_load.c.day],
                set_={"orders": location_daily_load.c.orders + statement.excluded.orders},
            )
        )
