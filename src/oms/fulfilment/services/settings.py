"""Each location's fulfilment settings: read them, and change them whole (``PUT``).

The settings give every new fulfilment order its promise (cut-off, time zone, handling days),
tell a pickup how long it waits, and name the location's carrier account. A carrier is a karrio
carrier installed in this deployment (``installed_carriers``) or none; its secrets never pass
through here (they come from the environment, ``OMS_CARRIER_<LOCATION>_...``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from oms import channels
from oms.fulfilment.domain.promises import HHMM, LocationSettings
from oms.fulfilment.repository.settings import LOCATION_SETTINGS
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import FieldProblem, collect
from oms.shared.versions import ExpectedVersion, check_expected


@dataclass(frozen=True, kw_only=True)
class PutLocationSettings:
    """The whole of a location's fulfilment settings, as the caller wants them."""

    location: str
    cutoff_time: str
    timezone: str
    handling_days: int
    pickup_hold_days: int
    carrier: str | None
    carrier_service: str | None
    carrier_config: Mapping[str, Any] = field(default_factory=dict)
    expected: ExpectedVersion | None = None


@cache
def installed_carriers() -> frozenset[str]:
    """The karrio carriers this deployment has installed (``generic`` at least), read once:
    karrio finds its carrier plugins by importing them, which takes a moment (and logs it at
    INFO through loguru, silenced here as the shipping adapter silences it)."""
    from loguru import logger

    logger.disable("karrio")
    references = importlib.import_module("karrio.references")
    return frozenset(references.collect_providers_data())


def get_location_settings(code: str, *, uow: UnitOfWork) -> LocationSettings:
    """The location's fulfilment settings (the defaults, version 0, until someone sets them);
    ``LocationNotFound`` for an unknown code."""
    location = channels.get_location(code, uow=uow)
    with uow.read() as tx:
        return tx.repo(LOCATION_SETTINGS).get(location.id, location.code)


def put_location_settings(cmd: PutLocationSettings, *, uow: UnitOfWork) -> LocationSettings:
    """Replace the location's fulfilment settings (from the version ``expected``, if given);
    every bad field is named at once (422). FOs created before keep their promise."""
    _check(cmd)
    location = channels.get_location(cmd.location, uow=uow)
    with uow.begin() as tx:
        store = tx.repo(LOCATION_SETTINGS)
        current = store.get(location.id, location.code)
        check_expected(cmd.expected, "location fulfilment settings", cmd.location, current.version)
        wanted = LocationSettings(
            location_id=location.id,
            location=location.code,
            cutoff_time=cmd.cutoff_time,
            timezone=cmd.timezone,
            handling_days=cmd.handling_days,
            pickup_hold_days=cmd.pickup_hold_days,
            carrier=cmd.carrier,
            carrier_service=cmd.carrier_service,
            carrier_config=dict(cmd.carrier_config),
        )
        return store.put(wanted, expected_version=current.version)


def _check(cmd: PutLocationSettings) -> None:
    problems: list[FieldProblem] = []
    if not HHMM.match(cmd.cutoff_time):
        problems.append(FieldProblem("cutoff_time", "must be a 24-hour time as HH:MM"))
    if not _known_zone(cmd.timezone):
        problems.append(FieldProblem("timezone", "must be an IANA time zone (Europe/Berlin)"))
    if cmd.carrier is not None and cmd.carrier not in installed_carriers():
        known = ", ".join(sorted(installed_carriers()))
        problems.append(FieldProblem("carrier", f"not an installed karrio carrier ({known})"))
    if cmd.carrier is None and cmd.carrier_service is not None:
        problems.append(FieldProblem("carrier_service", "a service needs a carrier"))
    if any(_looks_secret(name) for name in cmd.carrier_config):
        problems.append(
            FieldProblem(
                "carrier_config",
                "holds no secrets: set them as OMS_CARRIER_<LOCATION>_<NAME> in the environment",
            )
        )
    collect(problems)


def _known_zone(name: str) -> bool:
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a directory, too long
        return False
    return True


def _looks_secret(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in ("secret", "password", "api_key", "token"))
