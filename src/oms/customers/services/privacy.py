"""GDPR use cases: hand a customer their data, and erase them while keeping the books intact.

Both are recorded as events naming only the customer and the API key that asked, so there is a
trail of who exported or erased whom without copying any personal data into it.

Erasure reaches beyond this context by its event: ``customers.customer_erased.v1`` is consumed
by orders, which pseudonymises the buyer on the customer's orders (and any context holding a
copy of the person subscribes to it the same way). Here, in the erasing transaction, the
profile is pseudonymised, the staff notes about the person deleted, and the stored responses
about the customer (``customer:<id>``: a replayed ``POST /v1/customers`` would otherwise hand
the data back) are erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from oms.customers.domain import (
    Customer,
    CustomerErased,
    CustomerExported,
    CustomerNotFound,
    MarketingConsentChanged,
    PersonalData,
    erase,
)
from oms.customers.repository import CUSTOMERS, NOTES
from oms.platform.idempotency import STORED_RESPONSES, subject
from oms.platform.unit_of_work import UnitOfWork

EXPORTED_NOTES = 100_000
"""Every note (a bound all the same: no customer is written about this often)."""


@dataclass(frozen=True, kw_only=True)
class ExportCustomer:
    customer_id: UUID
    requested_by: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class EraseCustomer:
    customer_id: UUID
    requested_by: UUID | None = None


def export_customer(cmd: ExportCustomer, *, uow: UnitOfWork) -> PersonalData:
    """Everything held about the customer (profile, addresses, tags, notes, staff notes,
    consent history)."""
    with uow.begin() as tx:
        customers = tx.repo(CUSTOMERS)
        customer = customers.by_id(cmd.customer_id)
        if customer is None:
            raise CustomerNotFound(cmd.customer_id)
        history = customers.consent_history(customer.id)
        notes = tx.repo(NOTES).page(customer.id, before=None, limit=EXPORTED_NOTES)
        tx.record(CustomerExported(aggregate_id=customer.id, requested_by=cmd.requested_by))
        return PersonalData(
            customer=customer, consent_history=history, exported_at=tx.now, notes=tuple(notes)
        )


def erase_customer(cmd: EraseCustomer, *, uow: UnitOfWork) -> Customer:
    """Pseudonymise the customer (see ``domain.erase``), keeping id and number so orders and
    invoices stay linked, and forget the stored responses about them. Erasing an erased
    customer returns it unchanged (and announces nothing again)."""
    with uow.begin() as tx:
        customers = tx.repo(CUSTOMERS)
        current = customers.by_id(cmd.customer_id, lock=True)
        if current is None:
            raise CustomerNotFound(cmd.customer_id)
        if current.erased:
            return current
        erased = customers.update(erase(current, tx.now))
        customers.replace_tags(erased.id, ())
        customers.delete_addresses(erased.id, [a.id for a in current.addresses])
        tx.repo(NOTES).erase(erased.id)
        if current.marketing_consent:
            customers.record_consent(erased.id, False, tx.now)
            tx.record(MarketingConsentChanged(aggregate_id=erased.id, granted=False))
        tx.repo(STORED_RESPONSES).erase([subject("customer", erased.id)])
        tx.record(CustomerErased(aggregate_id=erased.id, requested_by=cmd.requested_by))
    return erased
