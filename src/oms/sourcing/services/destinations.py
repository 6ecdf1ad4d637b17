"""Where an order goes, as a point the engine can measure distances to.

The best knowledge wins: coordinates the caller gave (``address``), else the centroid of a German
postal code (``postal_code``), else a point of the country (``country``), else ``unknown`` (the
distance criterion then ranks every location alike and later criteria decide).
"""

from __future__ import annotations

from oms.shared.address import Address
from oms.shared.geo import GeoPoint
from oms.sourcing.domain import Destination, Found
from oms.sourcing.repository import geodata


def locate(point: GeoPoint | None = None, address: Address | None = None) -> Destination:
    """The destination of an order shipped to ``address`` (at ``point`` when known)."""
    if point is not None:
        return Destination(point=point, found=Found.ADDRESS)
    if address is None:
        return Destination()
    by_code = geodata.postal_code_point(address.country, address.postal_code or "")
    if by_code is not None:
        return Destination(point=by_code, found=Found.POSTAL_CODE)
    by_country = geodata.country_point(address.country)
    if by_country is not None:
        return Destination(point=by_country, found=Found.COUNTRY)
    return Destination()
