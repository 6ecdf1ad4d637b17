"""Documents as people read them: HTML and PDF in the document's locale."""

from oms.invoicing.views.document import render_html
from oms.invoicing.views.labels import LABELS, label
from oms.invoicing.views.pdf import pdf_filename, render_pdf

__all__ = ["LABELS", "label", "pdf_filename", "render_html", "render_pdf"]
