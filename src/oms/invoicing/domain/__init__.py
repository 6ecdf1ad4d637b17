"""The invoicing domain: documents, their numbers, what goes on them, and their events."""

from oms.invoicing.domain.crediting import credit_note, credited_lines, refund_lines, split
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
    invoice,
    invoice_lines,
    shipping_rate,
)
from oms.invoicing.domain.errors import (
    CreditDiffersFromRefund,
    DocumentNotFound,
    NothingToInvoice,
    UnitsNotCreditable,
    UnitsNotInvoiceable,
    UnknownOrderLine,
)
from oms.invoicing.domain.events import CreditNoteIssued, InvoiceIssued, issued

__all__ = [
    "LOCALES",
    "PAYMENT_TERMS_DAYS",
    "CreditDiffersFromRefund",
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
    "UnitsNotCreditable",
    "UnitsNotInvoiceable",
    "UnknownOrderLine",
    "credit_note",
    "credited_lines",
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
