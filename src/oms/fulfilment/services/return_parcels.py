"""The parcel a return travels back in: a carrier label bought through the receiving location's
carrier account, or the merchant's printable return slip.

Returns decides which (who pays the way back, by its policy) and calls these after the
transaction that approved the return: ``buy_return_label`` calls the carrier, so no transaction
may be open around it; it reads the location's settings in a read of its own that has ended
before the carrier is asked. The label is the shipping label's counterpart with the roles
swapped (the customer ships, the location receives) and the RMA as its reference.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from oms import channels
from oms.fulfilment.domain.documents import ReturnSlip
from oms.fulfilment.providers.carriers import CarrierAccount, Label, LabelItem, LabelRequest
from oms.fulfilment.repository.settings import LOCATION_SETTINGS
from oms.fulfilment.services.shipping import Carriers
from oms.fulfilment.views.documents import return_slip_pdf
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnParcel:
    """A return's parcel, as the carrier needs it."""

    rma: str
    order_number: str
    location_code: str
    """The receiving location (the label's recipient, and whose carrier account pays)."""
    sender: Address
    """The customer's address, the name on its first line."""
    weight_grams: int
    items: tuple[LabelItem, ...] = ()


def buy_return_label(parcel: ReturnParcel, *, uow: UnitOfWork, carriers: Carriers) -> Label | None:
    """A label for the parcel through the receiving location's carrier account; None when the
    location has no carrier (the caller prints the return slip instead). Call it with no
    transaction open (it calls the carrier); ``CarrierFailed`` when the carrier refuses."""
    location = channels.get_location(parcel.location_code, uow=uow)
    with uow.read() as tx:
        settings = tx.repo(LOCATION_SETTINGS).get(location.id, location.code)
    if settings.carrier is None:
        return None
    account = CarrierAccount(
        location_code=location.code,
        carrier=settings.carrier,
        service=settings.carrier_service,
        config=settings.carrier_config,
    )
    request = LabelRequest(
        reference=parcel.rma,
        order_number=parcel.order_number,
        service=account.service,
        shipper=parcel.sender,
        recipient=receiving_address(location),
        weight_grams=parcel.weight_grams,
        items=parcel.items,
    )
    return carriers(account).create_label(request)


def receiving_address(location: channels.Location) -> Address:
    """Where a return goes: the location's address, named after the location when it has no
    name of its own."""
    address = location.address
    return address if address.name else replace(address, name=location.name)


def render_return_slip(slip: ReturnSlip) -> bytes:
    """The return slip as PDF (touches no database; tens of milliseconds)."""
    return return_slip_pdf(slip)
