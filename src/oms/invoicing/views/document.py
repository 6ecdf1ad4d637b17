"""A document as HTML, in its locale: the page WeasyPrint turns into the PDF.

The template (``templates/invoice.html`` and its stylesheet) is filled with
``string.Template``: every value is escaped here, and the rows of the tables are built here, so
the template holds no logic. Babel formats money (``1.234,56 €`` in German, ``€1,234.56`` in
English), dates and tax rates for the document's full locale (``de_CH`` keeps Swiss formats);
the labels come from ``labels.LABELS`` in the locale's language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from html import escape
from importlib.resources import files
from string import Template

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_percent

from oms.invoicing.domain import Document, DocumentKind, DocumentLine, LineKind, Party, TaxLine
from oms.invoicing.views.labels import LABELS, label
from oms.shared.address import Address
from oms.shared.money import Money

TEMPLATES = files("oms.invoicing").joinpath("templates")


@cache
def _template() -> Template:
    return Template(TEMPLATES.joinpath("invoice.html").read_text(encoding="utf-8"))


@cache
def _style() -> str:
    return TEMPLATES.joinpath("invoice.css").read_text(encoding="utf-8")


class Formats:
    """How one locale writes money, dates and rates, and its labels."""

    def __init__(self, locale: str) -> None:
        self.locale = Locale.parse(locale)
        self.language = self.locale.language

    def money(self, amount: Money) -> str:
        return format_currency(amount.amount, amount.currency, locale=self.locale)

    def day(self, day: date) -> str:
        return format_date(day, format="long", locale=self.locale)

    def rate(self, rate: Decimal) -> str:
        return format_percent(rate, locale=self.locale, decimal_quantization=False)

    def country(self, code: str) -> str:
        return str(self.locale.territories.get(code, code))

    def label(self, key: str, **values: str) -> str:
        return escape(label(key, self.language, **values))


def render_html(document: Document) -> str:
    """The document as a complete HTML page (styles inline), ready for WeasyPrint."""
    f = Formats(document.locale)
    title = f.label("invoice" if document.kind is DocumentKind.INVOICE else "credit_note")
    values = {f"label_{key}": f.label(key) for key in LABELS}
    values |= {
        "lang": escape(f.language),
        "style": _style(),
        "title": title,
        "number": escape(document.number),
        "issued_on": escape(f.day(document.issued_at.date())),
        "order_number": escape(document.order_number),
        "ordered_on": escape(f.day(document.ordered_at.date())),
        "corrects": _corrects(document, f),
        "seller": _party(document.seller, f),
        "buyer": _party(document.buyer, f),
        "lines": "\n".join(_line(line, f) for line in document.lines),
        "prices_note": f.label(
            "prices_include_tax" if document.prices_include_tax else "prices_exclude_tax"
        ),
        "taxes": "\n".join(_tax(tax, f) for tax in document.taxes),
        "net_total": escape(f.money(document.net)),
        "tax_total": escape(f.money(document.tax)),
        "total": escape(f.money(document.total)),
        "terms": _terms(document, f),
    }
    return _template().substitute(values)


def _corrects(document: Document, f: Formats) -> str:
    if document.credited_number is None:
        return ""
    return f"<tr><th>{f.label('corrects')}</th><td>{escape(document.credited_number)}</td></tr>"


def _party(party: Party, f: Formats) -> str:
    parts = [party.name, *_address_lines(party.address), f.country(party.address.country)]
    shown = "<br>".join(escape(part) for part in parts if part)
    return f'<div class="party"><p>{shown}</p></div>'


def _address_lines(address: Address) -> list[str]:
    place = " ".join(p for p in (address.postal_code, address.city, address.region) if p)
    company = address.company if address.company != address.name else ""
    return [company, address.line1, address.line2, place]


def _line(line: DocumentLine, f: Formats) -> str:
    if line.kind is LineKind.SHIPPING:
        name = f.label("shipping")
    elif line.kind is LineKind.REFUND:
        name = f.label("refund")
    else:
        name = escape(line.name)
    if line.discount.amount:
        discount = f"{f.label('discount')} −{escape(f.money(line.discount))}"
        name += f'<br><span class="discount">{discount}</span>'
    cells = (
        f"<td>{name}</td>",
        f"<td>{escape(line.sku)}</td>",
        f'<td class="amount">{line.quantity}</td>',
        f'<td class="amount">{escape(f.money(line.unit_price))}</td>',
        f'<td class="amount">{escape(f.rate(line.tax_rate))}</td>',
        f'<td class="amount">{escape(f.money(line.total))}</td>',
    )
    return "<tr>" + "".join(cells) + "</tr>"


def _tax(tax: TaxLine, f: Formats) -> str:
    cells = (
        f"<td>{escape(f.rate(tax.rate))}</td>",
        f'<td class="amount">{escape(f.money(tax.net))}</td>',
        f'<td class="amount">{escape(f.money(tax.tax))}</td>',
        f'<td class="amount">{escape(f.money(tax.gross))}</td>',
    )
    return "<tr>" + "".join(cells) + "</tr>"


def _terms(document: Document, f: Formats) -> str:
    if document.kind is DocumentKind.CREDIT_NOTE:
        return f.label("refunded")
    if document.paid:
        return f.label("paid")
    return f.label("due", date=f.day(document.due_on))
