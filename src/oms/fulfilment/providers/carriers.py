"""Carriers: the port shipping asks for a label and tracking number, and its karrio adapter.

``Carrier.create_label`` is a provider call: shipping makes it BEFORE the transaction that
stores the shipment (never inside one), so a carrier that is slow or down holds no lock, and a
refusal leaves nothing half-done.

The adapter goes through karrio's unified API (``karrio.sdk.Shipment.create(...).from_(gateway)``)
for every carrier, one request per package (one package, one shipment, one label). karrio's
``generic`` (custom) carrier is pure and local: it makes up a tracking number and draws its
default label template with Pillow, no network. That label is a raster image of a freight
carton template (PRO#, BOL#, SSCC), ~200 KB per page, with no text in it; so for ``generic``
oms asks karrio for the label as ZPL (karrio converts its SVG template locally; a PDF from a
ZPL template would call labelary.com, which oms never asks for), keeps karrio's tracking
number and prints its own parcel label (``views.labels``: addresses, service, Code 128 of the
tracking number; a few KB, text that can be read back). Any other karrio carrier's label is the
carrier's PDF, kept as it comes. docs/fulfilment-shipping.md says the same for operators.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from oms.fulfilment.domain.shipments import CarrierFailed
from oms.fulfilment.providers.tracking_numbers import tracking_url
from oms.shared.address import Address

GENERIC = "generic"
"""karrio's local custom carrier: the default of every location, and what tests and the demo use."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CarrierAccount:
    """A location's carrier (location fulfilment settings): the karrio carrier name, the
    service, and non-secret settings; secrets come from ``OMS_CARRIER_<LOCATION>_<NAME>``."""

    location_code: str
    carrier: str = GENERIC
    service: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelItem:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelRequest:
    """One package to label: who sends it, to whom, what it weighs and holds."""

    reference: str
    """The shipment's number (printed on the label, given to the carrier as reference)."""
    order_number: str
    service: str | None
    shipper: Address
    recipient: Address
    weight_grams: int
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    items: tuple[LabelItem, ...] = ()
    package_index: int = 1
    package_count: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Label:
    carrier: str
    service: str
    tracking_number: str
    tracking_url: str | None
    pdf: bytes


class Carrier(Protocol):
    """One carrier account, as shipping uses it."""

    name: str

    def create_label(self, request: LabelRequest) -> Label:
        """Buy (or make) the label of one package; ``CarrierFailed`` when refused."""
        ...


LabelPrinter = Callable[[LabelRequest, str, str, str], bytes]
"""(request, carrier's display name, service name, tracking number) -> the label as PDF."""


class KarrioCarrier:
    """A carrier account through karrio (imported on first use: it loads its plugins)."""

    def __init__(self, account: CarrierAccount, *, print_label: LabelPrinter) -> None:
        self.name = account.carrier
        self._account = account
        self._print_label = print_label

    def create_label(self, request: LabelRequest) -> Label:
        sdk = _karrio()
        gateway = self._gateway(sdk)
        local = self.name == GENERIC
        service = request.service or self._account.service or _default_service(self.name)
        try:
            shipment, messages = (
                sdk.Shipment.create(_shipment_request(request, service, local=local))
                .from_(gateway)
                .parse()
            )
        except Exception as error:  # karrio raises its own tree, and transport errors raw
            raise CarrierFailed(self.name, str(error) or type(error).__name__) from error
        if shipment is None or not shipment.tracking_number:
            reason = "; ".join(m.message or m.code or "" for m in messages) or "no shipment"
            raise CarrierFailed(self.name, reason)
        number = str(shipment.tracking_number)
        service_name = str((shipment.meta or {}).get("service_name") or service)
        if local:
            display = str(self._account.config.get("display_name") or "oms carrier")
            pdf = self._print_label(request, display, service_name, number)
        else:
            pdf = base64.b64decode(shipment.docs.label)
        return Label(
            carrier=self.name,
            service=service,
            tracking_number=number,
            tracking_url=tracking_url(self.name, number),
            pdf=pdf,
        )

    def _gateway(self, sdk: Any) -> Any:
        settings = dict(_GENERIC_SETTINGS) if self.name == GENERIC else {}
        settings.update(self._account.config)
        if self.name != GENERIC:
            settings.update(_secrets(self._account.location_code))
        try:
            return sdk.gateway[self.name].create(settings)
        except Exception as error:
            raise CarrierFailed(self.name, f"not set up: {error}") from error


_GENERIC_SETTINGS: dict[str, Any] = {
    "display_name": "oms carrier",
    "custom_carrier_name": GENERIC,
    "carrier_id": GENERIC,
}


def _default_service(carrier: str) -> str:
    return "standard_service" if carrier == GENERIC else "standard"


def _secrets(location_code: str) -> dict[str, str]:
    """``OMS_CARRIER_<LOCATION>_<NAME>=value`` -> ``{"name": value}``: a real carrier's
    credentials, never stored in the database."""
    prefix = f"OMS_CARRIER_{location_code.upper().replace('-', '_')}_"
    return {k[len(prefix) :].lower(): v for k, v in os.environ.items() if k.startswith(prefix)}


def _shipment_request(request: LabelRequest, service: str, *, local: bool) -> dict[str, Any]:
    parcel: dict[str, Any] = {
        "weight": request.weight_grams / 1000,
        "weight_unit": "KG",
        "items": [
            {"sku": i.sku, "title": i.name[:35], "quantity": i.quantity, "weight": 0.0}
            for i in request.items
        ],
    }
    if request.length_mm and request.width_mm and request.height_mm:
        parcel.update(
            length=request.length_mm / 10,
            width=request.width_mm / 10,
            height=request.height_mm / 10,
            dimension_unit="CM",
        )
    return {
        "service": service,
        # generic: ZPL is karrio's cheap local rendering (see the module's docstring)
        "label_type": "ZPL" if local else "PDF",
        "reference": request.reference,
        "shipper": _address(request.shipper),
        "recipient": _address(request.recipient),
        "parcels": [parcel],
    }


def _address(address: Address) -> dict[str, Any]:
    return {
        "person_name": address.name or None,
        "company_name": address.company or None,
        "address_line1": address.line1,
        "address_line2": address.line2 or None,
        "city": address.city,
        "postal_code": address.postal_code or None,
        "state_code": address.region or None,
        "country_code": address.country,
    }


@cache
def _karrio() -> Any:
    """karrio's SDK, its loguru INFO chatter silenced: karrio configures loguru at import to
    log every request at INFO to stderr; oms logs with structlog and wants karrio's warnings
    and errors only (``KARRIO_LOG_LEVEL`` still overrides)."""
    from loguru import logger

    logger.disable("karrio")  # the import itself logs "gateway initialized" at INFO
    from karrio import sdk  # type: ignore[import-untyped]
    from karrio.core.utils.logger import configure_logger  # type: ignore[import-untyped]

    configure_logger(level=os.environ.get("KARRIO_LOG_LEVEL", "WARNING"))
    logger.enable("karrio")
    return sdk
