"""Points on the earth and the distance between them (pure: no data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088
"""The mean earth radius (IUGG), in kilometres."""


@dataclass(frozen=True, slots=True)
class GeoPoint:
    latitude: Decimal
    longitude: Decimal

    def distance_km(self, other: GeoPoint) -> float:
        """The great-circle (haversine) distance to ``other``, in kilometres."""
        lat1, lon1 = radians(float(self.latitude)), radians(float(self.longitude))
        lat2, lon2 = radians(float(other.latitude)), radians(float(other.longitude))
        h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
        return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))
