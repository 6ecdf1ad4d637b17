"""Sourcing rules in SQL: one row per channel and version, the rules as a JSON document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row, insert, select
from sqlalchemy.exc import IntegrityError

from oms.sourcing.domain import SourcingRules, stored_rules
from oms.sourcing.tables import sourcing_rules


def _rules(row: Row[Any]) -> SourcingRules:
    return stored_rules(
        row.channel_code,
        row.version,
        row.rules,
        created_at=row.created_at,
        created_by=row.created_by,
    )


class SqlRules:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def current(self, channel: str) -> SourcingRules | None:
        row = self.c.execute(
            select(sourcing_rules)
            .where(sourcing_rules.c.channel_code == channel)
            .order_by(sourcing_rules.c.version.desc())
            .limit(1)
        ).first()
        return None if row is None else _rules(row)

    def history(self, channel: str) -> list[SourcingRules]:
        rows = self.c.execute(
            select(sourcing_rules)
            .where(sourcing_rules.c.channel_code == channel)
            .order_by(sourcing_rules.c.version.desc())
        )
        return [_rules(row) for row in rows]

    def add(self, rules: SourcingRules, document: Mapping[str, Any]) -> bool:
        """In a savepoint: losing the race for a version leaves the transaction usable."""
        try:
            with self.c.begin_nested():
                self.c.execute(
                    insert(sourcing_rules).values(
                        channel_code=rules.channel,
                        version=rules.version,
                        rules=dict(document),
                        created_at=rules.created_at,
                        created_by=rules.created_by,
                    )
                )
        except IntegrityError:
            return False
        return True
