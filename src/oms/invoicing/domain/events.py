"""Events of the invoicing context: ids and values only (no names or addresses).

Both are about the order (``aggregate = "order"``, ``aggregate_id`` = the order's id), so a
consumer receives an order's invoice before the credit notes that correct it.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from oms.invoicing.domain.document import Document
from oms.shared.events import Event
from oms.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class InvoiceIssued(Event):
    """An invoice was issued for an order (on capture or on shipment); its number and totals."""

    type = "invoicing.invoice_issued.v1"
    aggregate = "order"
    invoice_id: UUID
    number: str
    order_number: str
    total: Money
    tax: Money


@dataclass(frozen=True, kw_only=True)
class CreditNoteIssued(Event):
    """A credit note was issued against an invoice (a refund); its number and totals."""

    type = "invoicing.credit_note_issued.v1"
    aggregate = "order"
    credit_note_id: UUID
    number: str
    order_number: str
    invoice_id: UUID
    invoice_number: str
    total: Money
    tax: Money


def issued(document: Document) -> Event:
    """The event announcing ``document``."""
    if document.is_invoice:
        return InvoiceIssued(
            aggregate_id=document.order_id,
            invoice_id=document.id,
            number=document.number,
            order_number=document.order_number,
            total=document.total,
            tax=document.tax,
        )
    assert document.credited_id is not None
    assert document.credited_number is not None
    return CreditNoteIssued(
        aggregate_id=document.order_id,
        credit_note_id=document.id,
        number=document.number,
        order_number=document.order_number,
        invoice_id=document.credited_id,
        invoice_number=document.credited_number,
        total=document.total,
        tax=document.tax,
    )
