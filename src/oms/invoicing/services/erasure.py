"""A buyer's erasure reaches their invoices: recorded against them, never rewritten.

Invoices and credit notes are legal documents kept unaltered, with the billing address, for the
retention period (10 years in Germany, §147 AO; ADR 0007). Erasure therefore marks them
(``erasure_requested_at``) and restricts their use: from then on only staff who may see
personal data read them; channel keys and other roles are told they do not exist. A document
issued later for an order of the erased customer carries the pseudonym the order carries by then.
"""

from __future__ import annotations

from uuid import UUID

from oms.invoicing.repository import DOCUMENTS
from oms.platform.unit_of_work import UnitOfWork


def restrict_documents(customer_id: UUID, *, uow: UnitOfWork) -> int:
    """Record the customer's erasure request on their documents; how many were marked."""
    with uow.begin() as tx:
        return tx.repo(DOCUMENTS).restrict(customer_id, tx.now)
