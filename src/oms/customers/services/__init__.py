"""Use cases of the customers context: one function each."""

from oms.customers.services.addresses import (
    AddAddress,
    RemoveAddress,
    UpdateAddress,
    add_address,
    remove_address,
    update_address,
)
from oms.customers.services.consents import consent_history
from oms.customers.services.notes import AddCustomerNote, add_customer_note, list_customer_notes
from oms.customers.services.privacy import (
    EraseCustomer,
    ExportCustomer,
    erase_customer,
    export_customer,
)
from oms.customers.services.profiles import (
    AttachedBuyer,
    CreateCustomer,
    FindOrCreateCustomer,
    NewAddress,
    UpdateCustomer,
    attach_buyer,
    create_customer,
    find_or_create_customer,
    get_customer,
    list_customers,
    update_customer,
)

__all__ = [
    "AddAddress",
    "AddCustomerNote",
    "AttachedBuyer",
    "CreateCustomer",
    "EraseCustomer",
    "ExportCustomer",
    "FindOrCreateCustomer",
    "NewAddress",
    "RemoveAddress",
    "UpdateAddress",
    "UpdateCustomer",
    "add_address",
    "add_customer_note",
    "attach_buyer",
    "consent_history",
    "create_customer",
    "erase_customer",
    "export_customer",
    "find_or_create_customer",
    "get_customer",
    "list_customer_notes",
    "list_customers",
    "remove_address",
    "update_address",
    "update_customer",
]
