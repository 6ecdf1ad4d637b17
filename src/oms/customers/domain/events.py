"""Events of the customers context. They carry ids only, never personal data."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from oms.shared.events import Event


@dataclass(frozen=True, kw_only=True)
class CustomerCreated(Event):
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
    type = "customers.marketing_consent_changed.v1"
    aggregate = "customer"
    granted: bool


@dataclass(frozen=True, kw_only=True)
class CustomerAddressAdded(Event):
    type = "customers.customer_address_added.v1"
    aggregate = "customer"
    address_id: UUID


@dataclass(frozen=True, kw_only=True)
class CustomerAddressChanged(Event):
    type = "customers.customer_address_changed.v1"
    aggregate = "customer"
    address_id: UUID
    changed: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CustomerAddressRemoved(Event):
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
    type = "customers.customer_erased.v1"
    aggregate = "customer"
    requested_by: UUID | None
