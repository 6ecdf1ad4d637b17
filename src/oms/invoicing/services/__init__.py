"""Use cases of invoicing: issuing documents (``issuing``), reading them (``queries``) and
restricting them when their buyer is erased (``erasure``).

The use-case modules never import each other; ``sales`` (the order as invoicing sees it) and
``numbering`` (a gap-free number and the stored document, in one transaction) are steps below
them.
"""

from oms.invoicing.services.erasure import restrict_documents
from oms.invoicing.services.issuing import (
    invoices_on_shipment,
    issue_credit_note,
    issue_invoice_for_capture,
    issue_invoice_for_shipment,
)
from oms.invoicing.services.queries import (
    document_pdf,
    find_document,
    get_document,
    numbered_pdf,
    order_documents,
)

__all__ = [
    "document_pdf",
    "find_document",
    "get_document",
    "invoices_on_shipment",
    "issue_credit_note",
    "issue_invoice_for_capture",
    "issue_invoice_for_shipment",
    "numbered_pdf",
    "order_documents",
    "restrict_documents",
]
