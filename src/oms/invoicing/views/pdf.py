"""A document as PDF: its HTML page rendered by WeasyPrint (Pango does the text layout).

Rendering takes a few hundred milliseconds and touches no database: services call it after their
transaction, never inside one. Chinese needs a CJK font on the machine (Debian:
``fonts-wqy-zenhei`` or ``fonts-noto-cjk``; the stylesheet names both); without one the
characters print as empty boxes and the text cannot be read back out of the PDF.
"""

from __future__ import annotations

from oms.invoicing.domain import Document
from oms.invoicing.views.document import render_html


def render_pdf(document: Document) -> bytes:
    """The document as a PDF file (A4)."""
    # Imported on first use: WeasyPrint loads Pango and its fonts, seconds that every `oms`
    # command and server start would otherwise pay without ever printing a document.
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(document)).write_pdf()  # no target: the bytes
    return pdf


def pdf_filename(document: Document) -> str:
    """``INV-2026-000001.pdf``."""
    return f"{document.number}.pdf"
