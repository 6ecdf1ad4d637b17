"""Errors of order pricing: facts about what was refused."""

from __future__ import annotations

from collections.abc import Sequence

from oms.shared.errors import Conflict, FieldProblem, Invalid, NotFound


class UnsupportedDestination(Invalid):
    """No shipping zone serves the destination; ``problems`` also names every other bad field."""

    code = "unsupported-country"
    title = "Destination not served"

    def __init__(self, country: str, *, field: str, problems: Sequence[FieldProblem] = ()) -> None:
        super().__init__(
            f"no shipping zone serves {country!r}",
            field=field,
            problems=list(problems),
            country=country,
        )


class TaxRateNotFound(NotFound):
    code = "tax-rate-not-found"
    title = "Tax rate not found"

    def __init__(self, country: str, tax_category: str) -> None:
        super().__init__(
            f"no {tax_category} tax rate is configured for {country!r}",
            country=country,
            tax_category=tax_category,
        )


class ShippingZoneNotFound(NotFound):
    code = "shipping-zone-not-found"
    title = "Shipping zone not found"

    def __init__(self, code: str) -> None:
        super().__init__(f"no shipping zone has code {code!r}", zone=code)


class CountryInAnotherZone(Conflict):
    """A country is in at most one zone; move it out of the other zone first."""

    code = "country-in-another-zone"
    title = "Country already in another zone"

    def __init__(self, taken: dict[str, str]) -> None:
        listed = ", ".join(f"{country} (zone {zone!r})" for country, zone in sorted(taken.items()))
        super().__init__(
            f"these countries already belong to another shipping zone: {listed}",
            countries=sorted(taken),
        )


class ShippingZonesChangedConcurrently(Conflict):
    """Two writers claimed the same zone code or country at once; the later one may retry."""

    code = "shipping-zones-changed-concurrently"
    title = "Shipping zones changed concurrently"

    def __init__(self, code: str) -> None:
        super().__init__(
            f"another change to the shipping zones was saved while zone {code!r} was; retry",
            zone=code,
        )
