"""Events of the customers context. They carry ids only, never personal data."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from oms.shared.events import Event


@dataclass(frozen=True, kw_only=True)
class CustomerCreated(Event):
    """A customer was created, with their customer number."""

    type = "customers.customer_created.v1"
    aggregate = "customer"
    number: str


@dataclass(frozen=True, kw_only=True)
class CustomerChanged(Event):
    """Names the fields that changed, never their values."""

    type = "customers.customer_changed.v1"
    aggregate = "customer"
    changed: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class MarketingConsentChanged(Event):
    """A customer granted or withdrew marketing consent."""

    type = "customers.marketing_consent_changed.v1"
    aggregate = "customer"
    granted: bool


@dataclass(frozen=True, kw_only=True)
class CustomerAddressAdded(Event):
    """An address was added to a customer's address book."""

    type = "customers.customer_address_added.v1"
    aggregate = "customer"
    address_id: UUID


@dataclass(frozen=True, kw_only=True)
class CustomerAddressChanged(Event):
    """An address in a customer's address book changed; `changed` names the fields."""

    type = "customers.customer_address_changed.v1"
    aggregate = "customer"
    address_id: UUID
    changed: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CustomerAddressRemoved(Event):
    """An address was removed from a customer's address book."""

    type = "customers.customer_address_removed.v1"
    aggregate = "customer"
    address_id: UUID


@dataclass(frozen=True, kw_only=True)
class CustomerExported(Event):
    """Who exported (the API key id), for the record of who saw the customer's data."""

    type = "customers.customer_exported.v1"
    aggregate = "customer"
    requested_by: UUID | None


@dataclass(frozen=True, kw_only=True)
class CustomerErased(Event):
    """A customer's personal data was erased (GDPR); every context forgets its copies."""

    type = "customers.customer_erased.v1"
    aggregate = "customer"
    requested_by: UUID | None


@dataclass(frozen=True, kw_only=True)
class CustomerNoteAdded(Event):
    """Staff wrote a note about the customer (the note's id and author; never its text)."""

    type = "customers.customer_note_added.v1"
    aggregate = "customer"
    note_id: UUID
    author: str
