"""Doubles of the channels ports: locations and channels over dicts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from oms.channels.domain import Channel, CodeTaken, Location
from oms.channels.repository import CHANNELS, LOCATIONS, Channels, Locations
from oms.shared.versions import StaleVersion


class InMemoryLocations:
    """``Locations`` over a dict by code; ``update`` refuses a version that moved on."""

    def __init__(self, *locations: Location) -> None:
        self.stored: dict[str, Location] = {loc.code: loc for loc in locations}

    def by_code(self, code: str, *, lock: bool = False) -> Location | None:
        return self.stored.get(code)

    def by_codes(self, codes: Iterable[str]) -> dict[str, Location]:
        return {code: self.stored[code] for code in codes if code in self.stored}

    def by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Location]:
        wanted = set(ids)
        return {loc.id: loc for loc in self.stored.values() if loc.id in wanted}

    def page(self, *, after: str | None, limit: int) -> list[Location]:
        codes = sorted(code for code in self.stored if after is None or code > after)
        return [self.stored[code] for code in codes[:limit]]

    def add(self, location: Location, now: datetime) -> None:
        if location.code in self.stored:
            raise CodeTaken("location", location.code)
        self.stored[location.code] = location

    def update(self, location: Location, now: datetime) -> Location:
        if self.stored[location.code].version != location.version:
            raise StaleVersion("location", location.code, expected=[location.version])
        saved = dataclasses.replace(location, version=location.version + 1)
        self.stored[location.code] = saved
        return saved


class InMemoryChannels:
    """``Channels`` over a dict by code, with each channel's serving location ids."""

    def __init__(self, *channels: tuple[Channel, Sequence[UUID]]) -> None:
        self.stored: dict[str, Channel] = {c.code: c for c, _ in channels}
        self.serving: dict[str, list[UUID]] = {c.code: list(ids) for c, ids in channels}

    def by_code(self, code: str, *, lock: bool = False) -> Channel | None:
        return self.stored.get(code)

    def page(self, *, after: str | None, limit: int, only: str | None = None) -> list[Channel]:
        codes = sorted(
            code for code in self.stored if (after is None or code > after) and only in (None, code)
        )
        return [self.stored[code] for code in codes[:limit]]

    def add(self, channel: Channel, location_ids: Sequence[UUID], now: datetime) -> None:
        if channel.code in self.stored:
            raise CodeTaken("channel", channel.code)
        self.stored[channel.code] = channel
        self.serving[channel.code] = list(location_ids)

    def update(
        self, channel: Channel, location_ids: Sequence[UUID] | None, now: datetime
    ) -> Channel:
        if self.stored[channel.code].version != channel.version:
            raise StaleVersion("channel", channel.code, expected=[channel.version])
        saved = dataclasses.replace(channel, version=channel.version + 1)
        self.stored[channel.code] = saved
        if location_ids is not None:
            self.serving[channel.code] = list(location_ids)
        return saved

    def serving_location_ids(self, channel_codes: Sequence[str] | None) -> dict[str, list[UUID]]:
        codes = sorted(self.stored if channel_codes is None else set(channel_codes))
        return {code: list(self.serving[code]) for code in codes if code in self.stored}


def channel_doubles(*locations: Location, channels: Sequence[Channel] = ()) -> dict[str, Any]:
    """Doubles of both channels ports holding ``locations`` and ``channels`` (served by the
    locations their ``location_codes`` name)."""
    by_code = {loc.code: loc.id for loc in locations}
    return {
        LOCATIONS.name: InMemoryLocations(*locations),
        CHANNELS.name: InMemoryChannels(
            *((c, [by_code[code] for code in c.location_codes]) for c in channels)
        ),
    }


def _typed() -> None:
    """mypy proves each double implements its port's protocol (never called)."""
    checks: tuple[Locations, Channels] = (InMemoryLocations(), InMemoryChannels())
    del checks
