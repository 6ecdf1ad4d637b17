"""Customers: profiles, addresses, marketing consent, search, GDPR export and erasure.

Public interface for other contexts; everything else in this package is private. Order capture
uses ``attach_buyer`` (matched on the normalised email in one statement that locks the profile,
safe when orders race) and ``get_customer``.
"""

from oms.customers.domain import (
    ConsentRecord,
    Customer,
    CustomerAddress,
    CustomerAddressNotFound,
    CustomerIsErased,
    CustomerNotFound,
    EmailTaken,
    PersonalData,
)
from oms.customers.domain.events import (
    CustomerAddressAdded,
    CustomerAddressChanged,
    CustomerAddressRemoved,
    CustomerChanged,
    CustomerCreated,
    CustomerErased,
    CustomerExported,
    MarketingConsentChanged,
)
from oms.customers.services import (
    AddAddress,
    AttachedBuyer,
    CreateCustomer,
    EraseCustomer,
    ExportCustomer,
    FindOrCreateCustomer,
    NewAddress,
    RemoveAddress,
    UpdateAddress,
    UpdateCustomer,
    add_address,
    attach_buyer,
    create_customer,
    erase_customer,
    export_customer,
    find_or_create_customer,
    get_customer,
    list_customers,
    remove_address,
    update_address,
    update_customer,
)
from oms.shared.events import Event

__all__ = [
    "EVENTS",
    "AddAddress",
    "AttachedBuyer",
    "ConsentRecord",
    "CreateCustomer",
    "Customer",
    "CustomerAddress",
    "CustomerAddressNotFound",
    "CustomerErased",
    "CustomerIsErased",
    "CustomerNotFound",
    "EmailTaken",
    "EraseCustomer",
    "ExportCustomer",
    "FindOrCreateCustomer",
    "NewAddress",
    "PersonalData",
    "RemoveAddress",
    "UpdateAddress",
    "UpdateCustomer",
    "add_address",
    "attach_buyer",
    "create_customer",
    "erase_customer",
    "export_customer",
    "find_or_create_customer",
    "get_customer",
    "list_customers",
    "remove_address",
    "update_address",
    "update_customer",
]

EVENTS: tuple[type[Event], ...] = (
    CustomerCreated,
    CustomerChanged,
    MarketingConsentChanged,
    CustomerAddressAdded,
    CustomerAddressChanged,
    CustomerAddressRemoved,
    CustomerExported,
    CustomerErased,
)
"""The event types this context publishes (the composition root registers them)."""
