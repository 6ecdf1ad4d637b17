"""Test data builders: the smallest valid objects, overridable per test."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oms import channels
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address

ADDRESSES = {
    "DE": Address(line1="Lagerstraße 5", city="Hamburg", postal_code="20095", country="DE"),
    "US": Address(
        line1="100 Warehouse Way", city="Newark", postal_code="07102", region="NJ", country="US"
    ),
    "FR": Address(line1="12 Rue de Rivoli", city="Paris", postal_code="75004", country="FR"),
}


def location(
    uow: UnitOfWork, code: str = "wh-de", country: str = "DE", **overrides: Any
) -> channels.Location:
    fields: dict[str, Any] = {
        "code": code,
        "name": f"Location {code}",
        "kind": channels.LocationKind.WAREHOUSE,
        "address": ADDRESSES[country],
        "latitude": Decimal("53.55"),
        "longitude": Decimal("9.99"),
    }
    fields.update(overrides)
    return channels.create_location(channels.CreateLocation(**fields), uow=uow)


def channel(
    uow: UnitOfWork, code: str = "web", locations: tuple[str, ...] = (), **overrides: Any
) -> channels.Channel:
    fields: dict[str, Any] = {
        "code": code,
        "name": f"Channel {code}",
        "kind": channels.ChannelKind.WEB,
        "currency": "EUR",
        "default_locale": "en",
        "location_codes": locations,
    }
    fields.update(overrides)
    return channels.create_channel(channels.CreateChannel(**fields), uow=uow)
