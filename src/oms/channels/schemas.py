"""API schemas of the channels context."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from pydantic import Field

from oms.channels.domain import (
    BRAND_NAME_LENGTH,
    LOGO_URL_LENGTH,
    Brand,
    CaptureMode,
    Channel,
    ChannelKind,
    InvoiceOn,
    Location,
    LocationKind,
)
from oms.platform.schemas import AddressIn, AddressOut, DecimalString, Input, Output

CODE = Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$", examples=["wh-de"])

PAYMENT_BEFORE_CONFIRMATION = (
    "Orders wait under a `payment` hold, released automatically when their authorised payments "
    "cover the total."
)
CAPTURE = (
    "`at_placement`: authorised payments are captured as soon as they succeed; `at_shipment`: "
    "what ships is captured when it ships."
)
INVOICE_ON = "Whether an order's invoice is issued when its payment is captured or when it ships."
BRAND = (
    "The customer tracking page's display name, logo (https URL) and colours (`#rrggbb`); set "
    "whole: a field left out returns to the page's default."
)
COLOUR = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$", examples=["#0a7d5a"])


class BrandIn(Input):
    name: str | None = Field(default=None, min_length=1, max_length=BRAND_NAME_LENGTH)
    logo_url: str | None = Field(
        default=None,
        max_length=LOGO_URL_LENGTH,
        pattern=r"^https://",
        examples=["https://shop.example/logo.svg"],
    )
    primary_colour: str | None = COLOUR
    accent_colour: str | None = COLOUR

    def brand(self) -> Brand:
        return Brand(
            name=self.name,
            logo_url=self.logo_url,
            primary_colour=self.primary_colour,
            accent_colour=self.accent_colour,
        )


class BrandOut(Output):
    name: str | None
    logo_url: str | None
    primary_colour: str | None
    accent_colour: str | None

    @classmethod
    def of(cls, brand: Brand) -> BrandOut:
        return cls(
            name=brand.name,
            logo_url=brand.logo_url,
            primary_colour=brand.primary_colour,
            accent_colour=brand.accent_colour,
        )


class LocationIn(Input):
    code: str = CODE
    name: str = Field(min_length=1, max_length=200)
    kind: LocationKind
    address: AddressIn
    latitude: Decimal = Field(ge=-90, le=90)
    longitude: Decimal = Field(ge=-180, le=180)
    ships: bool = True
    offers_pickup: bool = False
    daily_capacity: int = Field(
        default=1000, strict=True, ge=0, description="Orders per day it can fulfil."
    )
    active: bool = True


class LocationPatch(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    address: AddressIn | None = None
    latitude: Decimal | None = Field(default=None, ge=-90, le=90)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180)
    ships: bool | None = None
    offers_pickup: bool | None = None
    daily_capacity: int | None = Field(default=None, strict=True, ge=0)
    active: bool | None = None


class LocationOut(Output):
    id: UUID
    code: str
    name: str
    kind: LocationKind
    address: AddressOut
    latitude: DecimalString
    longitude: DecimalString
    ships: bool
    offers_pickup: bool
    daily_capacity: int
    active: bool

    @classmethod
    def of(cls, location: Location) -> LocationOut:
        return cls(
            id=str(location.id),
            code=location.code,
            name=location.name,
            kind=location.kind,
            address=AddressOut.of(location.address),
            latitude=location.latitude,
            longitude=location.longitude,
            ships=location.ships,
            offers_pickup=location.offers_pickup,
            daily_capacity=location.daily_capacity,
            active=location.active,
        )


class ChannelIn(Input):
    code: str = CODE
    name: str = Field(min_length=1, max_length=200)
    kind: ChannelKind
    currency: str = Field(min_length=3, max_length=3, examples=["EUR"])
    default_locale: str = Field(min_length=2, max_length=20, examples=["de_DE"])
    locations: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Codes of the locations that serve this channel, most preferred first.",
    )
    allows_backorders: bool = False
    prices_include_tax: bool = True
    active: bool = True
    payment_before_confirmation: bool = Field(
        default=False, description=PAYMENT_BEFORE_CONFIRMATION
    )
    capture: CaptureMode = Field(default=CaptureMode.AT_PLACEMENT, description=CAPTURE)
    invoice_on: InvoiceOn = Field(default=InvoiceOn.CAPTURE, description=INVOICE_ON)
    brand: BrandIn | None = Field(default=None, description=BRAND)


class ChannelPatch(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: ChannelKind | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    default_locale: str | None = Field(default=None, min_length=2, max_length=20)
    locations: list[str] | None = Field(default=None, max_length=100)
    allows_backorders: bool | None = None
    prices_include_tax: bool | None = None
    active: bool | None = None
    payment_before_confirmation: bool | None = Field(
        default=None, description=PAYMENT_BEFORE_CONFIRMATION
    )
    capture: CaptureMode | None = Field(default=None, description=CAPTURE)
    invoice_on: InvoiceOn | None = Field(default=None, description=INVOICE_ON)
    brand: BrandIn | None = Field(default=None, description=BRAND)


class ChannelOut(Output):
    id: UUID
    code: str
    name: str
    kind: ChannelKind
    currency: str
    default_locale: str
    locations: list[str] = Field(description="Serving location codes, most preferred first.")
    allows_backorders: bool
    prices_include_tax: bool
    active: bool
    payment_before_confirmation: bool = Field(description=PAYMENT_BEFORE_CONFIRMATION)
    capture: CaptureMode = Field(description=CAPTURE)
    invoice_on: InvoiceOn = Field(description=INVOICE_ON)
    brand: BrandOut = Field(description=BRAND)

    @classmethod
    def of(cls, channel: Channel) -> ChannelOut:
        return cls(
            id=str(channel.id),
            code=channel.code,
            name=channel.name,
            kind=channel.kind,
            currency=channel.currency,
            default_locale=channel.default_locale,
            locations=list(channel.location_codes),
            allows_backorders=channel.allows_backorders,
            prices_include_tax=channel.prices_include_tax,
            active=channel.active,
            payment_before_confirmation=channel.payment_before_confirmation,
            capture=channel.capture,
            invoice_on=channel.invoice_on,
            brand=BrandOut.of(channel.brand),
        )
