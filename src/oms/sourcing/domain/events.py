"""Events of the sourcing context (frozen, past tense; they carry ids and values)."""

from __future__ import annotations

from dataclasses import dataclass

from oms.shared.events import Event


@dataclass(frozen=True, kw_only=True)
class SourcingRulesChanged(Event):
    """A channel's sourcing rules have a new version (the aggregate is the channel)."""

    type = "sourcing.rules_changed.v1"
    aggregate = "channel"
    channel: str
    version: int
