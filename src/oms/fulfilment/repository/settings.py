"""Each location's fulfilment settings on SQLAlchemy Core, behind the ``LOCATION_SETTINGS`` port.

A location without a row runs on the defaults (version 0); the first ``put`` inserts the row at
version 1 and every later one updates it over the version the caller read, so two editors
cannot overwrite each other (``If-Match``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from oms.fulfilment.domain.promises import LocationSettings
from oms.fulfilment.tables.orders import location_fulfilment
from oms.platform.unit_of_work import Port
from oms.shared.errors import PreconditionFailed


class SettingsChanged(PreconditionFailed):
    code = "location-settings-changed"
    title = "Location settings changed meanwhile"

    def __init__(self, location: str, expected: int) -> None:
        super().__init__(
            f"the fulfilment settings of {location} are no longer at version {expected}",
            location=location,
            expected_version=expected,
        )


class LocationSettingsStore(Protocol):
    def get(self, location_id: UUID, location: str) -> LocationSettings:
        """The location's settings (the defaults, version 0, when none were stored)."""
        ...

    def put(self, settings: LocationSettings, *, expected_version: int) -> LocationSettings:
        """Store ``settings`` over ``expected_version`` (0: none stored yet); the stored
        settings at their new version, or ``SettingsChanged``."""
        ...


class SqlLocationSettings:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def get(self, location_id: UUID, location: str) -> LocationSettings:
        t = location_fulfilment
        row = self.c.execute(select(t).where(t.c.location_id == location_id)).first()
        if row is None:
            return LocationSettings(location_id=location_id, location=location)
        return LocationSettings(
            location_id=location_id,
            location=location,
            cutoff_time=row.cutoff_time,
            timezone=row.timezone,
            handling_days=row.handling_days,
            pickup_hold_days=row.pickup_hold_days,
            carrier=row.carrier,
            carrier_service=row.carrier_service,
            carrier_config=dict(row.carrier_config or {}),
            version=row.version,
        )

    def put(self, settings: LocationSettings, *, expected_version: int) -> LocationSettings:
        t = location_fulfilment
        stored = replace(settings, version=expected_version + 1)
        values = _values(stored)
        if expected_version == 0:
            try:
                with self.c.begin_nested():
                    self.c.execute(insert(t).values(location_id=settings.location_id, **values))
            except IntegrityError:
                raise SettingsChanged(settings.location, expected_version) from None
            return stored
        written = self.c.execute(
            update(t)
            .where(t.c.location_id == settings.location_id, t.c.version == expected_version)
            .values(**values)
        ).rowcount
        if written != 1:
            raise SettingsChanged(settings.location, expected_version)
        return stored


def _values(settings: LocationSettings) -> dict[str, Any]:
    return {
        "cutoff_time": settings.cutoff_time,
        "timezone": settings.timezone,
        "handling_days": settings.handling_days,
        "pickup_hold_days": settings.pickup_hold_days,
        "carrier": settings.carrier,
        "carrier_service": settings.carrier_service,
        "carrier_config": settings.carrier_config,
        "version": settings.version,
    }


LOCATION_SETTINGS: Port[LocationSettingsStore] = Port(
    "fulfilment.location_settings", SqlLocationSettings
)
