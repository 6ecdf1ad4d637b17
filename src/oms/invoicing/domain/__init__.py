"""The invoicing domain: documents, their numbers, what goes on them, and their events."""

from oms.invoicing.domain.document import (
    LOCALES,
    PAYMENT_TERMS_DAYS,
    Document,
    DocumentKind,
    DocumentLine,
    LineKind,
    Party,
    TaxLine,
    document_locale,
    document_number,
    tax_breakdown,
)
from oms.invoicing.domain.drafting import (
    Issue,
    Sale,
    SaleLine,
    credit_note,
    invoice,
    invoice_lines,
    refund_lines,
    shipping_rate,
    split,
)
from oms.invoicing.domain.errors import (
    DocumentNotFound,
    NothingToInvoice,
    UnitsNotInvoiceable,
    UnknownOrderLine,
)
from oms.invoicing.domain.events import CreditNoteIssued, InvoiceIssued, issued

__all__ = [
    "LOCALES",
    "PAYMENT_TERMS_DAYS",
    "CreditNoteIssued",
    "Document",
    "DocumentKind",
    "DocumentLine",
    "DocumentNotFound",
    "InvoiceIssued",
    "Issue",
    "LineKind",
    "NothingToInvoice",
    "Party",
    "Sale",
    "SaleLine",
    "TaxLine",
    "UnitsNotInvoiceable",
    "UnknownOrderLine",
    "credit_note",
    "document_locale",
    "document_number",
    "invoice",
    "invoice_lines",
    "issued",
    "refund_lines",
    "shipping_rate",
    "split",
    "tax_breakdown",
]
