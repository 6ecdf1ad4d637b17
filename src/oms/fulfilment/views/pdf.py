"""HTML to PDF with WeasyPrint, as invoicing prints its documents.

Rendering touches no database and takes tens to hundreds of milliseconds: shipping renders
labels before its transaction, and documents are rendered after the read that fills them.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from string import Template

TEMPLATES = files("oms.fulfilment").joinpath("templates")


@cache
def template(name: str) -> Template:
    """A page template (``string.Template``: values are escaped by the caller, no logic)."""
    return Template(TEMPLATES.joinpath(name).read_text(encoding="utf-8"))


@cache
def stylesheet() -> str:
    return TEMPLATES.joinpath("documents.css").read_text(encoding="utf-8")


def render_pdf(html: str) -> bytes:
    """The page as PDF bytes."""
    # Imported on first use: WeasyPrint loads Pango and its fonts, which every `oms` command
    # and server start would otherwise pay without printing anything.
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
