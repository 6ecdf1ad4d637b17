"""Doubles of the sourcing ports: each channel's rules versions and the daily loads, over dicts."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from oms.sourcing.domain import SourcingRules
from oms.sourcing.repository import LOADS, RULES, Loads, Rules


class InMemoryRules:
    """``Rules`` over a dict of versions per channel."""

    def __init__(self) -> None:
        self.versions: dict[str, dict[int, SourcingRules]] = {}

    def current(self, channel: str) -> SourcingRules | None:
        stored = self.versions.get(channel)
        return stored[max(stored)] if stored else None

    def history(self, channel: str) -> list[SourcingRules]:
        stored = self.versions.get(channel, {})
        return [stored[v] for v in sorted(stored, reverse=True)]

    def add(self, rules: SourcingRules, document: Mapping[str, Any]) -> bool:
        stored = self.versions.setdefault(rules.channel, {})
        if rules.version in stored:
            return False
        stored[rules.version] = rules
        return True


class InMemoryLoads:
    """``Loads`` over a dict of (location, day) counters."""

    def __init__(self) -> None:
        self.counts: dict[tuple[UUID, date], int] = {}

    def on(self, day: date, location_ids: Collection[UUID]) -> dict[UUID, int]:
        return {lid: n for (lid, d), n in self.counts.items() if d == day and lid in location_ids}

    def add(self, location_id: UUID, day: date, orders: int) -> None:
        self.counts[(location_id, day)] = self.counts.get((location_id, day), 0) + orders


def sourcing_doubles() -> dict[str, Rules | Loads]:
    return {RULES.name: InMemoryRules(), LOADS.name: InMemoryLoads()}
