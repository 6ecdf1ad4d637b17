"""Events of order pricing: configuration changes that shift what orders will cost."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID, uuid5

from oms.orders.pricing.domain.rates import ShippingRate
from oms.shared.events import Event

_TAX_RATE_NAMESPACE = UUID("e8c2509d-7479-48b5-a025-31fc5fdbc78b")


def tax_rate_aggregate_id(country: str, tax_category: str) -> UUID:
    """The stable id of the rate for one country and category.

    A tax rate's identity is the pair, so its events carry this name-based UUID: a consumer
    receives every change of one rate in order, across removal and re-creation.
    """
    return uuid5(_TAX_RATE_NAMESPACE, f"{country}/{tax_category}")


@dataclass(frozen=True, kw_only=True)
class TaxRateChanged(Event):
    """A rate was set (``rate``) or removed (``rate`` is None)."""

    type = "orders.tax_rate_changed.v1"
    aggregate = "tax_rate"
    country: str
    tax_category: str
    rate: Decimal | None
    previous: Decimal | None


@dataclass(frozen=True, kw_only=True)
class ShippingZoneChanged(Event):
    """A zone was created or replaced with these countries and rates, or deleted."""

    type = "orders.shipping_zone_changed.v1"
    aggregate = "shipping_zone"
    code: str
    name: str
    countries: tuple[str, ...]
    rates: tuple[ShippingRate, ...]
    deleted: bool = False
