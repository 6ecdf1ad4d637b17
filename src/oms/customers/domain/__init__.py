"""Customers: profiles, their addresses and marketing consent, and the GDPR rules on them.

A customer is found by email: the address as ``email_validator`` normalises it is kept for display
and sending, and its lower-cased form is the unique key. The name is one free-text field on
purpose: orders send one name, and splitting names into first and last is wrong for much of the
world. Phones are E.164; addresses are validated for their country.

Erasure pseudonymises instead of deleting, so the id and number stay and orders and invoices
remain linked to "a customer" who can no longer be identified (see ``erase``).
"""

from oms.customers.domain.errors import (
    CustomerAddressNotFound,
    CustomerIsErased,
    CustomerNotFound,
    EmailTaken,
)
from oms.customers.domain.events import (
    CustomerAddressAdded,
    CustomerAddressChanged,
    CustomerAddressRemoved,
    CustomerChanged,
    CustomerCreated,
    CustomerErased,
    CustomerExported,
    CustomerNoteAdded,
    MarketingConsentChanged,
)
from oms.customers.domain.model import (
    ERASED_NAME,
    FIRST_NUMBER,
    ConsentRecord,
    Customer,
    CustomerAddress,
    PersonalData,
    arrange_defaults,
    check_editable,
    customer_number,
    editable,
    email_key,
    erase,
    erased_email,
    with_consent,
)
from oms.customers.domain.notes import NOTE_MAX_LENGTH, CustomerNote, checked_note_body
from oms.customers.domain.profile import (
    Problems,
    SearchTerms,
    checked_address,
    checked_profile,
    normalise_email,
    normalise_tag,
    normalise_tags,
    phone_search_digits,
    search_terms,
    search_text,
)

__all__ = [
    "ERASED_NAME",
    "FIRST_NUMBER",
    "NOTE_MAX_LENGTH",
    "ConsentRecord",
    "Customer",
    "CustomerAddress",
    "CustomerAddressAdded",
    "CustomerAddressChanged",
    "CustomerAddressNotFound",
    "CustomerAddressRemoved",
    "CustomerChanged",
    "CustomerCreated",
    "CustomerErased",
    "CustomerExported",
    "CustomerIsErased",
    "CustomerNotFound",
    "CustomerNote",
    "CustomerNoteAdded",
    "EmailTaken",
    "MarketingConsentChanged",
    "PersonalData",
    "Problems",
    "SearchTerms",
    "arrange_defaults",
    "check_editable",
    "checked_address",
    "checked_note_body",
    "checked_profile",
    "customer_number",
    "editable",
    "email_key",
    "erase",
    "erased_email",
    "normalise_email",
    "normalise_tag",
    "normalise_tags",
    "phone_search_digits",
    "search_terms",
    "search_text",
    "with_consent",
]
