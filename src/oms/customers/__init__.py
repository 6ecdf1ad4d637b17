"""Customers: profiles, addresses, marketing consent, search, GDPR export and erasure.

Public interface for other contexts; everything else in this package is private. Order capture
uses ``find_or_create_customer`` (matched on the normalised email, safe when orders race) and
``get_customer``.
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
from oms.customers.services import (
    AddAddress,
    CreateCustomer,
    EraseCustomer,
    ExportCustomer,
    FindOrCreateCustomer,
    NewAddress,
    RemoveAddress,
    UpdateAddress,
    UpdateCustomer,
    add_address,
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

__all__ = [
    "AddAddress",
    "ConsentRecord",
    "CreateCustomer",
    "Customer",
    "CustomerAddress",
    "CustomerAddressNotFound",
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
