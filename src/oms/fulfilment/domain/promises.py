"""A location's fulfilment settings and the ship-by promise they give each fulfilment order.

**The promise.** A FO released to a location at instant ``t`` must ship by

    ship_by = the location's cut-off time, on the ``handling_days``-th business day of its
              handling, in the location's time zone

where business days are Monday to Friday and the first day of handling (day 1) is the day of
``t`` in the location's time zone if that is a business day and ``t`` is before the cut-off,
else the next business day. So with a 15:00 cut-off and one handling day, an order released on
Tuesday at 14:59 ships by Tuesday 15:00, one released at 15:00 by Wednesday 15:00, one released
on Friday evening or over the weekend by Monday 15:00; two handling days add one business day.
Public holidays are not known (a location that closes on one sets its own expectations).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

DEFAULT_CUTOFF = "15:00"
DEFAULT_TIMEZONE = "Europe/Berlin"
HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
"""A cut-off time as the settings store it: 24-hour ``HH:MM``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LocationSettings:
    """How a location fulfils: its cut-off, time zone and handling days (the promise), how long
    a pickup waits to be collected, and its carrier account (karrio carrier name, service,
    non-secret settings)."""

    location_id: UUID
    location: str
    cutoff_time: str = DEFAULT_CUTOFF
    timezone: str = DEFAULT_TIMEZONE
    handling_days: int = 1
    pickup_hold_days: int = 7
    carrier: str | None = None
    carrier_service: str | None = None
    carrier_config: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    """0 while the location runs on the defaults (no row stored yet)."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def cutoff(self) -> time:
        hours, minutes = self.cutoff_time.split(":")
        return time(int(hours), int(minutes))

    def ship_by(self, released_at: datetime) -> datetime:
        """The promise for a FO released at ``released_at`` (see the module docstring), UTC."""
        return promise(
            released_at, cutoff=self.cutoff, zone=self.zone, handling_days=self.handling_days
        )

    def local_day(self, at: datetime) -> date:
        """The calendar day ``at`` falls on at the location (its daily load is counted so)."""
        return at.astimezone(self.zone).date()


def is_business_day(day: date) -> bool:
    return day.weekday() < 5


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def promise(released_at: datetime, *, cutoff: time, zone: ZoneInfo, handling_days: int) -> datetime:
    """``ship_by`` for a release at ``released_at``: the cut-off on the ``handling_days``-th
    business day of handling, day 1 being the release day when it is a business day and the
    release is before its cut-off (the module docstring has examples)."""
    if handling_days < 1:
        raise ValueError("handling_days must be at least 1")
    local = released_at.astimezone(zone)
    day = local.date()
    if not (is_business_day(day) and local.time() < cutoff):
        day = next_business_day(day)
    for _ in range(handling_days - 1):
        day = next_business_day(day)
    return datetime.combine(day, cutoff, tzinfo=zone).astimezone(UTC)
