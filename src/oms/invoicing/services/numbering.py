"""Issuing a document under its gap-free number: a step of the issuing use cases.

In the caller's transaction: the series' counter row is locked first (``lock_series``), so
issues in one series queue there; only then are the issue key and the order's earlier documents
read, so they include every document committed before. The document is drafted from them; if
there is nothing to issue, no number is taken. Otherwise the next number is taken, the
document stored and its event recorded, all in that one transaction: a rollback gives the
number back.

Credit notes lock the invoice series first, then their own, so a credit note never drafts
against an invoice being issued at that moment (and everyone locks in that one order, so two
issues never wait for each other in a cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from oms.invoicing.domain import Document, DocumentKind, Issue, document_number, issued
from oms.invoicing.repository import DOCUMENTS
from oms.platform.unit_of_work import Transaction
from oms.shared.ids import new_id

Draft = Callable[[list[Document]], Callable[[Issue], Document] | None]
"""Given the order's earlier documents: how to make the new one once numbered, or None when
there is nothing to issue."""


def issue_numbered(
    tx: Transaction, kind: DocumentKind, order_id: UUID, issue_key: str | None, draft: Draft
) -> Document | None:
    """The document ``draft`` makes, numbered and stored; the one ``issue_key`` issued before,
    if any; or None when there is nothing to issue."""
    documents = tx.repo(DOCUMENTS)
    if issue_key is not None and (done := documents.by_issue_key(issue_key)) is not None:
        return done
    year = tx.now.year
    documents.lock_series(DocumentKind.INVOICE, year)
    if kind is not DocumentKind.INVOICE:
        documents.lock_series(kind, year)
    if issue_key is not None and (done := documents.by_issue_key(issue_key)) is not None:
        return done
    make = draft(documents.of_order(order_id))
    if make is None:
        return None
    number = document_number(kind, year, documents.take_number(kind, year))
    document = make(Issue(id=new_id(), number=number, at=tx.now, issue_key=issue_key))
    documents.add(document)
    tx.record(issued(document))
    return document
