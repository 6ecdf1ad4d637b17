"""The customer aggregate and the rules that change it: defaults, consent, erasure."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.customers.domain.errors import (
    CustomerAddressNotFound,
    CustomerIsErased,
    CustomerNotFound,
)
from oms.customers.domain.notes import CustomerNote
from oms.shared.address import Address

NUMBER_PREFIX = "C-"
FIRST_NUMBER = 100001
ERASED_NAME = "Erased customer"


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerAddress:
    """A saved address; while any exist, one is the default for shipping and one for billing."""

    id: UUID
    label: str
    address: Address
    default_shipping: bool = False
    default_billing: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentRecord:
    """One change of marketing consent, kept as evidence of what was agreed and when."""

    granted: bool
    recorded_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Customer:
    """A person who buys: found by email, numbered for humans, pseudonymised when erased."""

    id: UUID
    number: str
    email: str
    name: str
    phone: str | None = None
    locale: str | None = None
    marketing_consent: bool = False
    marketing_consent_at: datetime | None = None
    tags: tuple[str, ...] = ()
    notes: str = ""
    addresses: tuple[CustomerAddress, ...] = ()
    created_at: datetime
    updated_at: datetime
    erased_at: datetime | None = None
    version: int = 1
    """Raised by one with every change to the profile, its addresses, tags or consent (the
    ETag; ``If-Match`` compares with it)."""

    @property
    def email_key(self) -> str:
        """The unique, lower-cased form of the email."""
        return email_key(self.email)

    @property
    def erased(self) -> bool:
        return self.erased_at is not None

    def address(self, address_id: UUID) -> CustomerAddress:
        for saved in self.addresses:
            if saved.id == address_id:
                return saved
        raise CustomerAddressNotFound(self.id, address_id)

    @property
    def default_shipping_address(self) -> CustomerAddress | None:
        return next((a for a in self.addresses if a.default_shipping), None)

    @property
    def default_billing_address(self) -> CustomerAddress | None:
        return next((a for a in self.addresses if a.default_billing), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonalData:
    """Everything this context holds about one person, as handed over on a GDPR request."""

    customer: Customer
    consent_history: tuple[ConsentRecord, ...]
    exported_at: datetime
    notes: tuple[CustomerNote, ...] = ()
    """What staff wrote about the person, newest first."""


def customer_number(sequence: int) -> str:
    """The human number of the ``sequence``-th customer: ``C-100001``."""
    return f"{NUMBER_PREFIX}{sequence}"


def email_key(email: str) -> str:
    """The unique key of an email: the whole normalised address lower-cased.

    Strictly the local part is case-sensitive, but no real mailbox provider treats it so, and
    two customers differing only in case would be one person twice.
    """
    return email.lower()


def arrange_defaults(
    addresses: Sequence[CustomerAddress], preferred: UUID | None = None
) -> tuple[CustomerAddress, ...]:
    """Exactly one default shipping and one default billing address while any exist.

    The ``preferred`` address keeps the flags it carries and takes them from the others; when no
    address carries a flag (the first one saved, or the default was removed) the oldest takes it.
    """
    shipping = _default_holder(addresses, "default_shipping", preferred)
    billing = _default_holder(addresses, "default_billing", preferred)
    return tuple(
        dataclasses.replace(a, default_shipping=a.id == shipping, default_billing=a.id == billing)
        for a in addresses
    )


def _default_holder(
    addresses: Sequence[CustomerAddress], flag: str, preferred: UUID | None
) -> UUID | None:
    marked = [a.id for a in addresses if getattr(a, flag)]
    if preferred in marked:
        return preferred
    if marked:
        return marked[0]
    return addresses[0].id if addresses else None


def check_editable(customer: Customer) -> None:
    """An erased customer's record is frozen: it exists only to keep financial records linked."""
    if customer.erased:
        raise CustomerIsErased(customer.id)


def editable(found: Customer | None, customer_id: UUID) -> Customer:
    """The customer a change is about: it must exist and not be erased."""
    if found is None:
        raise CustomerNotFound(customer_id)
    check_editable(found)
    return found


def with_consent(customer: Customer, granted: bool, at: datetime) -> Customer:
    """Marketing consent set or withdrawn; ``marketing_consent_at`` says since when it holds."""
    if granted == customer.marketing_consent:
        return customer
    return dataclasses.replace(
        customer, marketing_consent=granted, marketing_consent_at=at if granted else None
    )


def erased_email(customer_id: UUID) -> str:
    """A unique address that identifies no one and can never receive mail (RFC 2606)."""
    return f"erased+{customer_id}@invalid"


def erase(customer: Customer, at: datetime) -> Customer:
    """The customer pseudonymised: every personal field blanked, id and number kept.

    Email, name, phone, locale, notes and addresses identify or describe the person and go.
    Tags go too: they are free text staff chose and may describe the person ("wheelchair-user").
    Marketing consent is withdrawn; the consent history (dates and yes/no only) stays as
    evidence of lawful processing before erasure. Erasing an erased customer changes nothing.
    """
    if customer.erased:
        return customer
    return dataclasses.replace(
        customer,
        email=erased_email(customer.id),
        name=ERASED_NAME,
        phone=None,
        locale=None,
        marketing_consent=False,
        marketing_consent_at=None,
        tags=(),
        notes="",
        addresses=(),
        updated_at=at,
        erased_at=at,
    )
