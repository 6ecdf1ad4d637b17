"""Documents as people read them: labels in five languages, Babel's formats, a real PDF whose
text reads back (pypdf)."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from oms.invoicing.domain import LOCALES, Document, refund_lines
from oms.invoicing.domain import credit_note as credit_note_of
from oms.invoicing.views import LABELS, label, pdf_filename, render_html, render_pdf
from tests.unit.test_invoicing_drafting import a_sale, an_invoice, eur, numbered


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, its no-break spaces (Babel's, between amount and currency) as spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def document() -> Document:
    return an_invoice(a_sale())


def test_every_label_is_written_in_every_language() -> None:
    for key, texts in LABELS.items():
        assert set(texts) == set(LOCALES), key
        assert all(text.strip() for text in texts.values()), key
        placeholders = {
            lang: set(re.findall(r"\$\{?([_a-z][_a-z0-9]*)", text)) for lang, text in texts.items()
        }
        assert len({frozenset(p) for p in placeholders.values()}) == 1, key


def test_the_languages_other_than_english_are_translations_not_copies() -> None:
    for language in ("de", "fr", "es", "zh"):
        copied = [key for key, texts in LABELS.items() if texts[language] == texts["en"]]
        assert copied == [], (language, copied)


def test_a_language_without_a_catalogue_reads_english() -> None:
    assert label("invoice", "it") == "Invoice"
    assert label("due", "de", date="17. Dezember 2026") == "Zahlbar bis zum 17. Dezember 2026."


@pytest.mark.parametrize(
    ("locale", "title", "total", "issued_on"),
    [
        ("en", "Invoice", "€73.87", "December 3, 2026"),
        ("de_DE", "Rechnung", "73,87\xa0€", "3. Dezember 2026"),
        ("fr_FR", "Facture", "73,87\xa0€", "3 décembre 2026"),
        ("es_ES", "Factura", "73,87\xa0€", "3 de diciembre de 2026"),
        ("zh_Hans_CN", "发票", "€73.87", "2026年12月3日"),
    ],
)
def test_the_page_is_in_the_documents_locale_with_its_formats(
    document: Document, locale: str, title: str, total: str, issued_on: str
) -> None:
    page = render_html(replace(document, locale=locale))
    assert f"<h1>{title}</h1>" in page
    assert total in page
    assert issued_on in page
    assert "$" not in page.replace("$date", "")  # every placeholder was filled


def test_names_typed_by_people_are_escaped(document: Document) -> None:
    hostile = replace(document.buyer, name="<script>alert(1)</script>")
    page = render_html(replace(document, buyer=hostile))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_the_pdf_reads_back_with_its_number_totals_and_translated_labels(
    document: Document,
) -> None:
    text = pdf_text(render_pdf(document))
    assert "INV-2026-000001" in text
    assert "Rechnung" in text
    assert "Gesamtbetrag 73,87 €" in text
    assert "Steueraufstellung" in text
    assert "19 % 54,51 € 10,36 € 64,87 €" in text
    assert "Versand" in text
    assert "Betrag dankend erhalten." in text


def test_a_french_credit_note_names_the_invoice_it_corrects(document: Document) -> None:
    invoice = replace(document, locale="fr_FR")
    note = credit_note_of(
        invoice, refund_lines(eur("20.00"), [invoice]), numbered("CN-2026-000001")
    )
    text = pdf_text(render_pdf(note))
    assert "Avoir" in text
    assert "CN-2026-000001" in text
    assert "INV-2026-000001" in text
    assert "Remboursement" in text
    assert "Total TTC 20,00 €" in text
    assert pdf_filename(note) == "CN-2026-000001.pdf"


def test_a_chinese_invoice_prints_its_labels(document: Document) -> None:
    text = pdf_text(render_pdf(replace(document, locale="zh_Hans_CN")))
    assert "发票" in text
    assert "总计 €73.87" in text
