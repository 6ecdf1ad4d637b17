"""Reading a customer's marketing consent history (the evidence behind the flag)."""

from __future__ import annotations

from uuid import UUID

from oms.customers.domain import ConsentRecord
from oms.customers.repository import CUSTOMERS
from oms.platform.unit_of_work import UnitOfWork


def consent_history(customer_id: UUID, *, uow: UnitOfWork) -> tuple[ConsentRecord, ...]:
    """Every grant and withdrawal of marketing consent, oldest first (none for an unknown
    customer: the caller has read the customer already)."""
    with uow.read() as tx:
        return tx.repo(CUSTOMERS).consent_history(customer_id)
