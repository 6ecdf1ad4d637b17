"""Invoices and credit notes: gap-free numbers per series and year, issued on capture or on
shipment (per channel), credited on refund, printed as PDF in the customer's locale.

Public interface for other contexts; everything else in this package is private.
"""

from oms import customers, payments
from oms.invoicing.domain import (
    CreditDiffersFromRefund,
    CreditNoteIssued,
    Document,
    DocumentKind,
    DocumentNotFound,
    InvoiceIssued,
    NothingToInvoice,
    UnitsNotCreditable,
    UnitsNotInvoiceable,
)
from oms.invoicing.handlers import CONSUMER as _DOCUMENTS
from oms.invoicing.handlers import ERASURE as _ERASURE
from oms.invoicing.handlers import handle_customer_erased, handle_payment_moved
from oms.invoicing.services import (
    document_pdf,
    get_document,
    issue_credit_note,
    issue_invoice_for_capture,
    issue_invoice_for_shipment,
    order_documents,
)
from oms.platform.subscriptions import Subscription
from oms.shared.events import Event

EVENTS: tuple[type[Event], ...] = (InvoiceIssued, CreditNoteIssued)
"""The event types this context publishes (the composition root registers them)."""

SUBSCRIPTIONS: tuple[Subscription, ...] = (
    Subscription(
        consumer=_DOCUMENTS,
        events=(payments.PaymentCaptured, payments.RefundIssued),
        handler=handle_payment_moved,
    ),
    Subscription(
        consumer=_ERASURE, events=(customers.CustomerErased,), handler=handle_customer_erased
    ),
)
"""A capture issues the order's invoice (unless its channel invoices on shipment), a refund a
credit note; a customer's erasure restricts their documents (kept unaltered for the books)."""

__all__ = [
    "EVENTS",
    "SUBSCRIPTIONS",
    "CreditDiffersFromRefund",
    "CreditNoteIssued",
    "Document",
    "DocumentKind",
    "DocumentNotFound",
    "InvoiceIssued",
    "NothingToInvoice",
    "UnitsNotCreditable",
    "UnitsNotInvoiceable",
    "document_pdf",
    "get_document",
    "issue_credit_note",
    "issue_invoice_for_capture",
    "issue_invoice_for_shipment",
    "order_documents",
]
