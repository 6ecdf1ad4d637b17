"""Tracking-number formats of the well-known carriers, from the ``tracking-numbers`` package
(the shared definitions of boxbilling/tracking_number_data: patterns and check digits).

A number given for a carrier the package knows must match one of that carrier's formats,
check digit included; a number for any other carrier is taken as it is (a regional carrier,
DPD, GLS, DHL Paket Germany: the package has no data for them, and refusing what we cannot
check would stop the warehouse). The names are karrio's carrier names and the plain ones a
person types.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from oms.shared.errors import Invalid

COURIERS: dict[str, str] = {
    "dhl": "dhl",
    "dhl_express": "dhl",
    "ups": "ups",
    "fedex": "fedex",
    "fedex_ws": "fedex",
    "usps": "usps",
    "usps_international": "usps",
    "amazon": "amazon",
    "amazon_shipping": "amazon",
    "ontrac": "ontrac",
}
"""Carrier name (lower case) -> the package's courier code. ``dhl`` is DHL Express (10 or 11
digits): the package has no DHL Paket formats, so ``dhl_parcel_de`` is left unchecked."""


class TrackingNumberInvalid(Invalid):
    code = "tracking-number-invalid"

    def __init__(self, carrier: str, number: str, *, field: str) -> None:
        super().__init__(
            f"{number!r} is not a {carrier} tracking number", field=field, carrier=carrier
        )


@cache
def _definitions(courier: str) -> tuple[Any, ...]:
    import tracking_numbers  # type: ignore[import-untyped]

    return tuple(d for d in tracking_numbers.DEFINITIONS if d.courier.code == courier)


def _reading(courier: str, number: str) -> Any | None:
    """The package's reading of ``number`` as one of ``courier``'s formats, if any fits."""
    for definition in _definitions(courier):
        found = definition.test(number)
        if found is not None and found.valid:
            return found
    return None


def check_tracking_number(carrier: str, number: str, *, field: str = "tracking_number") -> str:
    """``number`` without blanks when it fits ``carrier``'s formats (or the carrier is one we
    have no formats for); ``TrackingNumberInvalid`` (422, naming the carrier) otherwise."""
    cleaned = "".join(number.split())
    if not cleaned:
        raise Invalid("a tracking number cannot be blank", field=field)
    courier = COURIERS.get(carrier.lower())
    if courier is not None and _reading(courier, cleaned) is None:
        raise TrackingNumberInvalid(carrier, cleaned, field=field)
    return cleaned


def tracking_url(carrier: str, number: str) -> str | None:
    """The carrier's public tracking page for ``number``, when the package knows it."""
    courier = COURIERS.get(carrier.lower())
    found = None if courier is None else _reading(courier, number)
    url = None if found is None else found.tracking_url
    return str(url) if url else None
