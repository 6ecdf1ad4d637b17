"""Reading documents: one, an order's, and one as PDF.

A channel key sees only its own channel's documents; another channel's answer as if they did
not exist. A document whose buyer asked to be erased is kept for the books but restricted: only
a caller that says it may see personal data (``sees_restricted=True``) reads it; to any other
caller, including another context asking (a mailer, say), it does not exist.
The PDF is rendered after the reading transaction has ended.
"""

from __future__ import annotations

from uuid import UUID

from oms import orders
from oms.invoicing.domain import Document, DocumentNotFound
from oms.invoicing.repository import DOCUMENTS
from oms.invoicing.views import render_pdf
from oms.platform.unit_of_work import UnitOfWork


def get_document(
    document_id: UUID,
    *,
    uow: UnitOfWork,
    visible_to: str | None = None,
    sees_restricted: bool = False,
) -> Document:
    """One invoice or credit note."""
    with uow.read() as tx:
        document = tx.repo(DOCUMENTS).get(document_id, visible_to=visible_to)
    if document.erasure_requested_at is not None and not sees_restricted:
        raise DocumentNotFound(str(document_id))
    return document


def find_document(number: str, *, uow: UnitOfWork, visible_to: str | None = None) -> Document:
    """The invoice or credit note with this number (``INV-2026-000001``)."""
    with uow.read() as tx:
        return tx.repo(DOCUMENTS).by_number(number.strip().upper(), visible_to=visible_to)


def order_documents(
    order_id: UUID,
    *,
    uow: UnitOfWork,
    visible_to: str | None = None,
    sees_restricted: bool = False,
) -> list[Document]:
    """The order's invoices and credit notes, oldest first (``OrderNotFound`` for an order the
    caller cannot see)."""
    with uow.read() as tx:
        orders.get_order(order_id, uow=uow, visible_to=visible_to)
        found = tx.repo(DOCUMENTS).of_order(order_id)
    return [d for d in found if sees_restricted or d.erasure_requested_at is None]


def document_pdf(
    document_id: UUID,
    *,
    uow: UnitOfWork,
    visible_to: str | None = None,
    sees_restricted: bool = False,
) -> tuple[Document, bytes]:
    """One document and its PDF."""
    document = get_document(
        document_id, uow=uow, visible_to=visible_to, sees_restricted=sees_restricted
    )
    return document, render_pdf(document)


def numbered_pdf(number: str, *, uow: UnitOfWork) -> tuple[Document, bytes]:
    """The document with this number and its PDF (the command line's way in)."""
    document = find_document(number, uow=uow)
    return document, render_pdf(document)
