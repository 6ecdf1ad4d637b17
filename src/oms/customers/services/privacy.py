"""GDPR use cases: hand a customer their data, and erase them while keeping the books intact.

Both are recorded as events naming only the customer and the API key that asked, so there is a
trail of who exported or erased whom without copying any personal data into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from oms.customers import repository as repo
from oms.customers.domain import (
    Customer,
    CustomerErased,
    CustomerExported,
    CustomerNotFound,
    MarketingConsentChanged,
    PersonalData,
    erase,
)
from oms.platform.unit_of_work import UnitOfWork


@dataclass(frozen=True, kw_only=True)
class ExportCustomer:
    customer_id: UUID
    requested_by: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class EraseCustomer:
    customer_id: UUID
    requested_by: UUID | None = None


def export_customer(cmd: ExportCustomer, *, uow: UnitOfWork) -> PersonalData:
    """Everything held about the customer (profile, addresses, tags, notes, consent history)."""
    with uow.begin() as tx:
        customer = repo.customer_by_id(tx.connection, cmd.customer_id)
        if customer is None:
            raise CustomerNotFound(cmd.customer_id)
        history = repo.consent_history(tx.connection, customer.id)
        tx.record(CustomerExported(aggregate_id=customer.id, requested_by=cmd.requested_by))
        return PersonalData(customer=customer, consent_history=history, exported_at=tx.now)


def erase_customer(cmd: EraseCustomer, *, uow: UnitOfWork) -> Customer:
    """Pseudonymise the customer (see ``domain.erase``), keeping id and number so orders and
    invoices stay linked. Erasing an erased customer returns it unchanged."""
    with uow.begin() as tx:
        c = tx.connection
        current = repo.customer_by_id(c, cmd.customer_id, lock=True)
        if current is None:
            raise CustomerNotFound(cmd.customer_id)
        if current.erased:
            return current
        erased = erase(current, tx.now)
        repo.update_profile(c, erased)
        repo.replace_tags(c, erased.id, ())
        repo.delete_addresses(c, erased.id, [a.id for a in current.addresses])
        if current.marketing_consent:
            repo.record_consent(c, erased.id, False, tx.now)
            tx.record(MarketingConsentChanged(aggregate_id=erased.id, granted=False))
        tx.record(CustomerErased(aggregate_id=erased.id, requested_by=cmd.requested_by))
    return erased
