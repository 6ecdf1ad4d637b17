"""Storage of the sourcing context behind two ports, and the geodata that ships with oms.

``RULES`` keeps every version of every channel's rules; ``LOADS`` counts the fulfilment orders
each location took per day. ``geodata`` answers "where is this postal code / country" from data
in installed packages (no network).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from oms.platform.unit_of_work import Port
from oms.sourcing.domain import SourcingRules
from oms.sourcing.repository.loads import SqlLoads
from oms.sourcing.repository.rules import SqlRules


class Rules(Protocol):
    def current(self, channel: str) -> SourcingRules | None:
        """The channel's newest stored version (None: it never changed its rules)."""
        ...

    def history(self, channel: str) -> list[SourcingRules]:
        """Every stored version, newest first."""
        ...

    def add(self, rules: SourcingRules, document: Mapping[str, Any]) -> bool:
        """Store a new version; False when that version exists already (a concurrent change)."""
        ...


class Loads(Protocol):
    def on(self, day: date, location_ids: Collection[UUID]) -> dict[UUID, int]:
        """Fulfilment orders per location on ``day`` (locations with none are absent)."""
        ...

    def add(self, location_id: UUID, day: date, orders: int) -> None:
        """Count ``orders`` more for the location on ``day`` (one upsert)."""
        ...


RULES: Port[Rules] = Port("sourcing.rules", SqlRules)
LOADS: Port[Loads] = Port("sourcing.loads", SqlLoads)
