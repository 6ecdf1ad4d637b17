"""Reading documents: one, an order's, and one as PDF.

A channel key sees only its own channel's documents; another channel's answer as if they did
not exist. The PDF is rendered after the reading transaction has ended.
"""

from __future__ import annotations

from uuid import UUID

from oms import orders
from oms.invoicing.domain import Document
from oms.invoicing.repository import DOCUMENTS
from oms.invoicing.views import render_pdf
from oms.platform.unit_of_work import UnitOfWork


def get_document(document_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None) -> Document:
    """One invoice or credit note."""
    with uow.read() as tx:
        return tx.repo(DOCUMENTS).get(document_id, visible_to=visible_to)


def find_document(number: str, *, uow: UnitOfWork, visible_to: str | None = None) -> Document:
    """The invoice or credit note with this number (``INV-2026-000001``)."""
    with uow.read() as tx:
        return tx.repo(DOCUMENTS).by_number(number.strip().upper(), visible_to=visible_to)


def order_documents(
    order_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None
) -> list[Document]:
    """The order's invoices and credit notes, oldest first (``OrderNotFound`` for an order the
    caller cannot see)."""
    with uow.read() as tx:
        orders.get_order(order_id, uow=uow, visible_to=visible_to)
        return tx.repo(DOCUMENTS).of_order(order_id)


def document_pdf(
    document_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None
) -> tuple[Document, bytes]:
    """One document and its PDF."""
    document = get_document(document_id, uow=uow, visible_to=visible_to)
    return document, render_pdf(document)


def numbered_pdf(number: str, *, uow: UnitOfWork) -> tuple[Document, bytes]:
    """The document with this number and its PDF (the command line's way in)."""
    document = find_document(number, uow=uow)
    return document, render_pdf(document)
