"""API schemas of the customers context, one output per audience.

Staff who serve or bill customers (admin, csr, finance) read ``CustomerOut``. Every other role
that may read customers (today: marketing) reads ``CustomerMarketingOut``: no phone, no
addresses, no notes, and the email only when the customer consented to marketing. The choice
fails closed: a role added later sees the reduced view until it is listed here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import ConfigDict, Field

from oms.customers import services
from oms.customers.domain import (
    ConsentRecord,
    Customer,
    CustomerAddress,
    CustomerNote,
    PersonalData,
)
from oms.platform.inputs import Email
from oms.platform.schemas import AddressIn, Input, Output
from oms.platform.security import Principal
from oms.shared.address import Address

Tag = Annotated[str, Field(max_length=60, examples=["vip"])]
PHONE = Field(
    default=None,
    max_length=40,
    description="International (+49 30 1234567), or national for the first address's country; "
    "stored in E.164.",
)
LOCALE = Field(
    default=None, max_length=20, examples=["de-DE"], description="Language for messages."
)


class CustomerAddressIn(AddressIn):
    label: str = Field(default="", max_length=40, examples=["Home"])
    default_shipping: bool = False
    default_billing: bool = False

    def to_domain(self) -> Address:
        return Address(**self.model_dump(include=set(AddressIn.model_fields)))

    def to_new(self) -> services.NewAddress:
        return services.NewAddress(
            address=self.to_domain(),
            label=self.label,
            default_shipping=self.default_shipping,
            default_billing=self.default_billing,
        )

    def to_command(self, customer_id: UUID) -> services.AddAddress:
        return services.AddAddress(
            customer_id=customer_id,
            address=self.to_domain(),
            label=self.label,
            default_shipping=self.default_shipping,
            default_billing=self.default_billing,
        )


class CustomerAddressPatch(Input):
    label: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=200)
    company: str | None = Field(default=None, max_length=200)
    line1: str | None = Field(default=None, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=120)
    postal_code: str | None = Field(default=None, max_length=20)
    region: str | None = Field(default=None, max_length=60)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    default_shipping: bool | None = None
    default_billing: bool | None = None

    def to_command(self, customer_id: UUID, address_id: UUID) -> services.UpdateAddress:
        return services.UpdateAddress(
            customer_id=customer_id, address_id=address_id, **self.model_dump()
        )


class CustomerIn(Input):
    email: Email = Field(examples=["jane.doe@example.com"])
    name: str = Field(max_length=200, description="Full name, as the customer writes it.")
    phone: str | None = PHONE
    locale: str | None = LOCALE
    marketing_consent: bool = False
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    notes: str = Field(default="", max_length=10_000, description="Staff notes.")
    addresses: list[CustomerAddressIn] = Field(default_factory=list, max_length=20)

    def to_command(self) -> services.CreateCustomer:
        return services.CreateCustomer(
            email=self.email,
            name=self.name,
            phone=self.phone or None,
            locale=self.locale or None,
            marketing_consent=self.marketing_consent,
            tags=tuple(self.tags),
            notes=self.notes,
            addresses=tuple(a.to_new() for a in self.addresses),
        )


class CustomerPatch(Input):
    """Fields left out stay as they are; ``phone`` or ``locale`` set to null are removed."""

    email: Email | None = None
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = PHONE
    locale: str | None = LOCALE
    marketing_consent: bool | None = None
    tags: list[Tag] | None = Field(default=None, max_length=50, description="Replaces all tags.")
    notes: str | None = Field(default=None, max_length=10_000)

    def _removable(self, name: str, value: str | None) -> str | None:
        return "" if value is None and name in self.model_fields_set else value

    def to_command(self, customer_id: UUID) -> services.UpdateCustomer:
        return services.UpdateCustomer(
            customer_id=customer_id,
            email=self.email,
            name=self.name,
            phone=self._removable("phone", self.phone),
            locale=self._removable("locale", self.locale),
            marketing_consent=self.marketing_consent,
            tags=tuple(self.tags) if self.tags is not None else None,
            notes=self.notes,
        )


class CustomerAddressOut(Output):
    id: UUID
    label: str
    name: str
    company: str
    line1: str
    line2: str
    city: str
    postal_code: str
    region: str
    country: str
    default_shipping: bool
    default_billing: bool

    @classmethod
    def of(cls, saved: CustomerAddress) -> CustomerAddressOut:
        return cls(
            id=str(saved.id),
            label=saved.label,
            default_shipping=saved.default_shipping,
            default_billing=saved.default_billing,
            **saved.address.as_dict(),
        )


class CustomerOut(Output):
    """A customer as staff who serve or bill them see it."""

    id: UUID
    number: str = Field(examples=["C-100001"])
    email: str
    name: str
    phone: str | None = Field(description="E.164, e.g. +49301234567.")
    locale: str | None
    marketing_consent: bool
    marketing_consent_at: datetime | None = Field(description="Since when consent holds.")
    tags: list[str]
    notes: str
    addresses: list[CustomerAddressOut]
    created_at: datetime
    updated_at: datetime
    erased_at: datetime | None

    @classmethod
    def of(cls, customer: Customer) -> CustomerOut:
        return cls(
            id=str(customer.id),
            number=customer.number,
            email=customer.email,
            name=customer.name,
            phone=customer.phone,
            locale=customer.locale,
            marketing_consent=customer.marketing_consent,
            marketing_consent_at=customer.marketing_consent_at,
            tags=list(customer.tags),
            notes=customer.notes,
            addresses=[CustomerAddressOut.of(a) for a in customer.addresses],
            created_at=customer.created_at,
            updated_at=customer.updated_at,
            erased_at=customer.erased_at,
        )


class CustomerMarketingOut(Output):
    """A customer as marketing sees it: no phone, addresses or notes; email only with consent."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")

    id: UUID
    number: str
    email: str | None = Field(description="Present only when the customer consented.")
    name: str
    locale: str | None
    marketing_consent: bool
    marketing_consent_at: datetime | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    erased_at: datetime | None

    @classmethod
    def of(cls, customer: Customer) -> CustomerMarketingOut:
        return cls(
            id=str(customer.id),
            number=customer.number,
            email=customer.email if customer.marketing_consent else None,
            name=customer.name,
            locale=customer.locale,
            marketing_consent=customer.marketing_consent,
            marketing_consent_at=customer.marketing_consent_at,
            tags=list(customer.tags),
            created_at=customer.created_at,
            updated_at=customer.updated_at,
            erased_at=customer.erased_at,
        )


CustomerView = CustomerOut | CustomerMarketingOut


def customer_view(customer: Customer, principal: Principal) -> CustomerView:
    """The customer in the schema the caller's role is entitled to (``Principal.sees_contacts``
    decides, as it does for the buyer on an order)."""
    if principal.sees_contacts:
        return CustomerOut.of(customer)
    return CustomerMarketingOut.of(customer)


class ConsentRecordOut(Output):
    granted: bool
    recorded_at: datetime

    @classmethod
    def of(cls, record: ConsentRecord) -> ConsentRecordOut:
        return cls(granted=record.granted, recorded_at=record.recorded_at)


class CustomerNoteOut(Output):
    """A note staff wrote about the customer, with who wrote it and when."""

    body: str
    author: str = Field(examples=["staff:0a8c2e0e-8a59-4a0e-9d3e-4b1c6f1f2a10"])
    created_at: datetime

    @classmethod
    def of(cls, note: CustomerNote) -> CustomerNoteOut:
        return cls(body=note.body, author=note.author, created_at=note.created_at)


class CustomerExportOut(Output):
    """Everything oms's customer records hold about one person (GDPR Art. 15 and 20)."""

    exported_at: datetime
    customer: CustomerOut
    marketing_consent_history: list[ConsentRecordOut]
    staff_notes: list[CustomerNoteOut] = Field(
        default_factory=list, description="What staff wrote about the person, newest first."
    )

    @classmethod
    def of(cls, data: PersonalData) -> CustomerExportOut:
        return cls(
            exported_at=data.exported_at,
            customer=CustomerOut.of(data.customer),
            marketing_consent_history=[ConsentRecordOut.of(r) for r in data.consent_history],
            staff_notes=[CustomerNoteOut.of(note) for note in data.notes],
        )
