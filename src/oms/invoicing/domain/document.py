"""Invoices and credit notes: legal documents, written once and never changed.

A document is a snapshot taken when it is issued: the seller and buyer as they stood, the lines
with their money, the locale it is printed in. Nothing is read back from the order later, so an
edit, an erasure or a new tax rate never changes a document that was issued (ADR 0007: the books
keep the billing address for the retention period).

Amounts on a credit note are positive, like the invoice's: the kind says which way money moves.
A line's ``total`` is what the customer pays for it, tax included; its ``net`` is that minus
its ``tax``, whether the channel's prices include tax or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from oms.shared.address import Address
from oms.shared.money import Money

LOCALES = ("en", "de", "fr", "es", "zh")
"""The languages documents are printed in; any other locale prints in English."""

PAYMENT_TERMS_DAYS = 14
"""An invoice not paid when issued (issued on shipment) is due this many days later."""


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"

    @property
    def series(self) -> str:
        """The number series: each counts from 1 every calendar year (UTC), without gaps."""
        return "INV" if self is DocumentKind.INVOICE else "CN"


class LineKind(StrEnum):
    ITEM = "item"
    """Units of an order line."""
    SHIPPING = "shipping"
    """The order's shipping charge (on the first invoice of the order)."""
    REFUND = "refund"
    """A refund that names no lines: its share at one tax rate."""


def document_number(kind: DocumentKind, year: int, sequence: int) -> str:
    """``INV-2026-000001``: the series, the year and the sequence within it."""
    return f"{kind.series}-{year}-{sequence:06d}"


def document_locale(tag: str | None) -> str:
    """The locale a document is printed in: the buyer's (``de_CH`` keeps Swiss formats) when its
    language is one of ``LOCALES``, else ``en``."""
    if not tag:
        return "en"
    normalised = tag.strip().replace("-", "_")
    language = normalised.split("_", 1)[0].lower()
    return normalised if language in LOCALES and language else "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """Seller or buyer as printed: a name and a postal address."""

    name: str
    address: Address


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentLine:
    line_no: int
    kind: LineKind
    order_line_id: UUID | None
    """The order line it bills or credits; None for shipping and refunds."""
    sku: str
    name: str
    """The product's name for items; shipping and refund lines are named by the template."""
    quantity: int
    unit_price: Money
    """As the channel sells it (gross when its prices include tax)."""
    discount: Money
    tax_rate: Decimal
    tax: Money
    total: Money
    """What the customer pays for the line, tax included."""

    @property
    def net(self) -> Money:
        return self.total - self.tax


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxLine:
    """One rate of the tax breakdown: the lines at that rate, net, tax and gross."""

    rate: Decimal
    net: Money
    tax: Money
    gross: Money


def tax_breakdown(lines: Iterable[DocumentLine], currency: str) -> tuple[TaxLine, ...]:
    """The lines grouped by tax rate, highest rate first."""
    by_rate: dict[Decimal, tuple[Money, Money]] = {}
    zero = Money.zero(currency)
    for line in lines:
        tax, gross = by_rate.get(line.tax_rate.normalize(), (zero, zero))
        by_rate[line.tax_rate.normalize()] = (tax + line.tax, gross + line.total)
    return tuple(
        TaxLine(rate=rate, net=gross - tax, tax=tax, gross=gross)
        for rate, (tax, gross) in sorted(by_rate.items(), reverse=True)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """An issued invoice or credit note."""

    id: UUID
    kind: DocumentKind
    number: str
    order_id: UUID
    order_number: str
    channel: str
    customer_id: UUID
    currency: str
    locale: str
    prices_include_tax: bool
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    issued_at: datetime
    ordered_at: datetime
    due_on: date
    paid: bool
    """Paid when issued (an invoice issued on capture, every credit note): says so instead of
    asking for payment by ``due_on``."""
    credited_id: UUID | None = None
    """For a credit note: the invoice it corrects."""
    credited_number: str | None = None
    issue_key: str | None = None
    """What issued it, once: ``capture:<transaction id>``, ``shipment:<id>`` or
    ``refund:<transaction id>``; None when the caller's transaction is what makes it happen
    once."""
    erasure_requested_at: datetime | None = None
    """When the buyer asked to be erased. The document is kept unaltered for the retention
    period (ADR 0007) and its use restricted: only staff who may see personal data read it."""

    @property
    def taxes(self) -> tuple[TaxLine, ...]:
        return tax_breakdown(self.lines, self.currency)

    @property
    def net(self) -> Money:
        return self.total - self.tax

    @property
    def tax(self) -> Money:
        return sum((line.tax for line in self.lines), Money.zero(self.currency))

    @property
    def total(self) -> Money:
        return sum((line.total for line in self.lines), Money.zero(self.currency))

    @property
    def is_invoice(self) -> bool:
        return self.kind is DocumentKind.INVOICE
