"""Sales channels and the locations that serve them.

A channel is where orders come from (web shop, app, marketplace, POS, call centre, kiosk); a
location is where stock sits and orders leave from (warehouse or store). The channel's ordered
list of serving locations decides which stock it may promise and, for now, where it sources from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from urllib.parse import urlsplit
from uuid import UUID

from oms.shared.address import Address
from oms.shared.errors import Conflict, FieldProblem, Invalid, NotFound
from oms.shared.events import Event


class ChannelKind(StrEnum):
    WEB = "web"
    MOBILE = "mobile"
    MARKETPLACE = "marketplace"
    POS = "pos"
    CALL_CENTRE = "call_centre"
    KIOSK = "kiosk"


class LocationKind(StrEnum):
    WAREHOUSE = "warehouse"
    STORE = "store"


class CaptureMode(StrEnum):
    """When a channel's authorised payments are captured."""

    AT_PLACEMENT = "at_placement"
    """As soon as each authorisation succeeds (digital goods, most web shops)."""
    AT_SHIPMENT = "at_shipment"
    """For what ships, when it ships (card schemes' rule for physical goods in some markets)."""


class InvoiceOn(StrEnum):
    """What issues a channel's invoices."""

    CAPTURE = "capture"
    SHIPMENT = "shipment"


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    id: UUID
    code: str
    name: str
    kind: LocationKind
    address: Address
    latitude: Decimal
    longitude: Decimal
    ships: bool
    offers_pickup: bool
    daily_capacity: int
    active: bool
    version: int = 1
    """Raised by one with every change (the ETag; ``If-Match`` compares with it)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Brand:
    """How the customer's tracking page looks for a channel: the merchant's display name, its
    logo (an ``https`` URL: the page's CSP loads images over HTTPS only) and two colours
    written ``#rrggbb``. Anything left ``None`` falls back to the page's defaults."""

    name: str | None = None
    logo_url: str | None = None
    primary_colour: str | None = None
    accent_colour: str | None = None


BRAND_NAME_LENGTH = 200
LOGO_URL_LENGTH = 500
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_URL_FORBIDDEN = re.compile(r"[\s\"'<>\\`]")


def _check_logo_url(url: str) -> str | None:
    """Why a logo URL is refused, or None when it is fine."""
    if len(url) > LOGO_URL_LENGTH:
        return f"must be at most {LOGO_URL_LENGTH} characters"
    if _URL_FORBIDDEN.search(url):
        return "must not contain spaces, quotes, angle brackets or backslashes"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a URL"
    if parts.scheme.lower() != "https" or not parts.hostname:
        return "must be an https:// URL with a host"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password"
    return None


def checked_brand(brand: Brand, *, at: str = "brand") -> Brand:
    """The brand with blanks as None and colours in lower case; ``Invalid`` naming each field
    (``brand.logo_url``...) that is wrong."""
    name = (brand.name or "").strip() or None
    logo_url = (brand.logo_url or "").strip() or None
    primary = (brand.primary_colour or "").strip() or None
    accent = (brand.accent_colour or "").strip() or None
    problems = []
    if name is not None and len(name) > BRAND_NAME_LENGTH:
        problems.append(
            FieldProblem(f"{at}.name", f"must be at most {BRAND_NAME_LENGTH} characters")
        )
    if logo_url is not None and (why := _check_logo_url(logo_url)):
        problems.append(FieldProblem(f"{at}.logo_url", why))
    for key, colour in (("primary_colour", primary), ("accent_colour", accent)):
        if colour is not None and not _COLOUR.fullmatch(colour):
            problems.append(FieldProblem(f"{at}.{key}", "must be a colour written #rrggbb"))
    if problems:
        raise Invalid("the tracking page's brand is not valid", problems=problems)
    return Brand(
        name=name,
        logo_url=logo_url,
        primary_colour=primary.lower() if primary else None,
        accent_colour=accent.lower() if accent else None,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Channel:
    id: UUID
    code: str
    name: str
    kind: ChannelKind
    currency: str
    default_locale: str
    allows_backorders: bool
    prices_include_tax: bool
    active: bool
    location_codes: tuple[str, ...] = field(default=())
    payment_before_confirmation: bool = False
    """Orders wait under a ``payment`` hold until authorisations cover their total."""
    capture: CaptureMode = CaptureMode.AT_PLACEMENT
    invoice_on: InvoiceOn = InvoiceOn.CAPTURE
    brand: Brand = Brand()
    """The customer's tracking page's name, logo and colours for this channel."""
    version: int = 1
    """Raised by one with every change (the ETag; ``If-Match`` compares with it)."""


def check_coordinates(latitude: Decimal, longitude: Decimal) -> list[FieldProblem]:
    problems = []
    if not Decimal(-90) <= latitude <= Decimal(90):
        problems.append(FieldProblem("latitude", "must be between -90 and 90"))
    if not Decimal(-180) <= longitude <= Decimal(180):
        problems.append(FieldProblem("longitude", "must be between -180 and 180"))
    return problems


def check_serving(location_codes: tuple[str, ...], known: dict[str, Location]) -> None:
    """Serving locations must exist, be listed once, and be active."""
    problems = []
    for index, code in enumerate(location_codes):
        if code not in known:
            problems.append(FieldProblem(f"locations.{index}", f"no location has code {code!r}"))
        elif not known[code].active:
            problems.append(FieldProblem(f"locations.{index}", f"location {code!r} is inactive"))
    if len(set(location_codes)) != len(location_codes):
        problems.append(FieldProblem("locations", "lists a location more than once"))
    if problems:
        raise Invalid("the serving locations are not valid", problems=problems)


class ChannelNotFound(NotFound):
    code = "channel-not-found"
    title = "Channel not found"

    def __init__(self, code: str) -> None:
        super().__init__(f"no channel has code {code!r}", channel=code)


class LocationNotFound(NotFound):
    code = "location-not-found"
    title = "Location not found"

    def __init__(self, code: str) -> None:
        super().__init__(f"no location has code {code!r}", location=code)


class CodeTaken(Conflict):
    code = "code-taken"
    title = "Code already in use"

    def __init__(self, kind: str, code: str) -> None:
        super().__init__(f"a {kind} with code {code!r} already exists", code_value=code)


@dataclass(frozen=True, kw_only=True)
class ChannelCreated(Event):
    """A sales channel was created."""

    type = "channels.channel_created.v1"
    aggregate = "channel"
    code: str


@dataclass(frozen=True, kw_only=True)
class ChannelChanged(Event):
    """A sales channel's settings changed; `changed` names the fields."""

    type = "channels.channel_changed.v1"
    aggregate = "channel"
    code: str
    changed: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class LocationCreated(Event):
    """A location (warehouse or store) was created."""

    type = "channels.location_created.v1"
    aggregate = "location"
    code: str


@dataclass(frozen=True, kw_only=True)
class LocationChanged(Event):
    """A location's settings changed; `changed` names the fields."""

    type = "channels.location_changed.v1"
    aggregate = "location"
    code: str
    changed: tuple[str, ...]
