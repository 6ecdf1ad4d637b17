"""What goes on a new invoice: pure rules over the order and the invoices issued before.

An invoice bills units of the order's lines that no earlier invoice billed. On
capture the whole order is invoiced at the first capture (every billed unit and the shipping
charge); a later capture invoices only what an edit added since, which is usually nothing, so an
order has one invoice. On shipment each shipment invoices its units, and the first invoice of
the order carries the shipping charge. A line's money is its share of the order line: the units'
proportion of its tax, discount and total, rounded half-even; the invoice that bills a line's
last units takes what is left, so the invoices of a line add up to it exactly. Credit notes
are drafted in ``crediting``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from oms.invoicing.domain.document import (
    PAYMENT_TERMS_DAYS,
    Document,
    DocumentKind,
    DocumentLine,
    LineKind,
    Party,
    document_locale,
)
from oms.invoicing.domain.errors import UnitsNotInvoiceable, UnknownOrderLine
from oms.shared.money import Money


@dataclass(frozen=True, slots=True, kw_only=True)
class SaleLine:
    """An order line as invoicing sees it: its billed units and their money."""

    order_line_id: UUID
    sku: str
    name: str
    quantity: int
    """Billed units: ordered minus cancelled."""
    unit_price: Money
    discount: Money
    tax_rate: Decimal
    tax: Money
    total: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class Sale:
    """An order as invoicing sees it (the service reads it from orders and channels)."""

    order_id: UUID
    order_number: str
    channel: str
    customer_id: UUID
    currency: str
    locale: str
    prices_include_tax: bool
    ordered_at: datetime
    seller: Party
    buyer: Party
    lines: tuple[SaleLine, ...]
    shipping: Money
    """The shipping charge, tax included."""
    shipping_tax: Money
    shipping_rate: Decimal


@dataclass(slots=True)
class Billed:
    """What the order's earlier invoices billed (or its credit notes credited), per order
    line, and whether shipping."""

    units: dict[UUID, int] = field(default_factory=dict)
    discount: dict[UUID, Money] = field(default_factory=dict)
    tax: dict[UUID, Money] = field(default_factory=dict)
    total: dict[UUID, Money] = field(default_factory=dict)
    shipping: bool = False

    @classmethod
    def by(cls, documents: Sequence[Document], kind: DocumentKind) -> Billed:
        billed = cls()
        for line in (ln for d in documents if d.kind is kind for ln in d.lines):
            if line.kind is LineKind.SHIPPING:
                billed.shipping = True
            elif line.order_line_id is not None:
                key = line.order_line_id
                billed.units[key] = billed.units.get(key, 0) + line.quantity
                for sums, value in (
                    (billed.discount, line.discount),
                    (billed.tax, line.tax),
                    (billed.total, line.total),
                ):
                    sums[key] = sums[key] + value if key in sums else value
        return billed


def invoice_lines(
    sale: Sale, earlier: Sequence[Document], units: Mapping[UUID, int] | None = None
) -> tuple[DocumentLine, ...]:
    """The lines of the order's next invoice: ``units`` of each order line (line id -> units),
    or every unit not yet invoiced when None; empty when there is nothing to bill."""
    known = {line.order_line_id for line in sale.lines}
    for line_id in units or {}:
        if line_id not in known:
            raise UnknownOrderLine(line_id)
    billed = Billed.by(earlier, DocumentKind.INVOICE)
    lines: list[DocumentLine] = []
    for line in sale.lines:
        remaining = line.quantity - billed.units.get(line.order_line_id, 0)
        wanted = remaining if units is None else units.get(line.order_line_id, 0)
        if wanted > remaining or wanted < 0:
            raise UnitsNotInvoiceable(line.sku, wanted, remaining)
        if wanted:
            lines.append(_item(line, wanted, remaining, billed, line_no=len(lines) + 1))
    if lines and not billed.shipping and sale.shipping.amount > 0:
        lines.append(_shipping(sale, line_no=len(lines) + 1))
    return tuple(lines)


def _item(
    line: SaleLine, units: int, remaining: int, billed: Billed, *, line_no: int
) -> DocumentLine:
    """``units`` of ``line``: the rest of its money when they are its last units, else their
    proportion of it."""
    key = line.order_line_id
    zero = Money.zero(line.total.currency)

    def share(whole: Money, sums: dict[UUID, Money]) -> Money:
        if units == remaining:
            return whole - sums.get(key, zero)
        return Money(whole.amount * units / line.quantity, whole.currency)

    return DocumentLine(
        line_no=line_no,
        kind=LineKind.ITEM,
        order_line_id=key,
        sku=line.sku,
        name=line.name,
        quantity=units,
        unit_price=line.unit_price,
        discount=share(line.discount, billed.discount),
        tax_rate=line.tax_rate,
        tax=share(line.tax, billed.tax),
        total=share(line.total, billed.total),
    )


def _shipping(sale: Sale, *, line_no: int) -> DocumentLine:
    return DocumentLine(
        line_no=line_no,
        kind=LineKind.SHIPPING,
        order_line_id=None,
        sku="",
        name="",
        quantity=1,
        unit_price=sale.shipping if sale.prices_include_tax else sale.shipping - sale.shipping_tax,
        discount=Money.zero(sale.currency),
        tax_rate=sale.shipping_rate,
        tax=sale.shipping_tax,
        total=sale.shipping,
    )


def shipping_rate(shipping: Money, shipping_tax: Money, rates: Sequence[Decimal]) -> Decimal:
    """The rate the shipping charge (tax included) was taxed at: the order keeps only the tax,
    so the rate is the one among ``rates`` (the lines' rates: shipping is taxed at the
    destination's standard rate, which a line usually has) that gives that tax, else the rate
    the figures imply, to a hundredth of a percent."""
    if shipping_tax.amount == 0:
        return Decimal(0)
    for rate in sorted(set(rates), reverse=True):
        if Money(shipping.amount * rate / (1 + rate), shipping.currency) == shipping_tax:
            return rate
    net = shipping.amount - shipping_tax.amount
    return (shipping_tax.amount / net).quantize(Decimal("0.0001")) if net else Decimal(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """How a document comes to be: its id, number and instant, and what issued it."""

    id: UUID
    number: str
    at: datetime
    issue_key: str | None


def invoice(sale: Sale, lines: tuple[DocumentLine, ...], how: Issue, *, paid: bool) -> Document:
    """The invoice: the sale's parties and facts as they stand now, with ``lines``; ``paid``
    when it is issued for a capture, else due ``PAYMENT_TERMS_DAYS`` later."""
    return Document(
        id=how.id,
        kind=DocumentKind.INVOICE,
        number=how.number,
        order_id=sale.order_id,
        order_number=sale.order_number,
        channel=sale.channel,
        customer_id=sale.customer_id,
        currency=sale.currency,
        locale=document_locale(sale.locale),
        prices_include_tax=sale.prices_include_tax,
        seller=sale.seller,
        buyer=sale.buyer,
        lines=lines,
        issued_at=how.at,
        ordered_at=sale.ordered_at,
        due_on=(how.at + timedelta(days=0 if paid else PAYMENT_TERMS_DAYS)).date(),
        paid=paid,
        issue_key=how.issue_key,
    )
