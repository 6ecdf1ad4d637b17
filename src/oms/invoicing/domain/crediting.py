"""What goes on a credit note: pure rules over the order's invoices and earlier credit notes.

A credit note corrects the order's latest invoice and repeats its parties, locale and order
facts, so it matches the document it corrects even after the buyer was erased from the order.

**A refund that names no lines** (every refund today: the payments event names an amount)
credits that amount split over the tax rates of what was invoiced and not yet credited, in
proportion to the gross at each rate (largest remainder, so the shares add up to the cent), one
"Refund" line per rate with the tax inside it (``round(gross * rate / (1 + rate))``). A refund
larger than what remains invoiced credits only what remains; an order with nothing left to
credit (never invoiced: an invoice-on-shipment order refunded before it shipped) gets no credit
note, since there is no invoice to correct.

**A refund that names lines** (units per order line, as returns will) credits those units at
what they were invoiced for: their proportion of the line's invoiced discount, tax and total,
the last units credited taking what is left. More units than were invoiced and not yet credited
are refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from uuid import UUID

from oms.invoicing.domain.document import Document, DocumentKind, DocumentLine, LineKind
from oms.invoicing.domain.drafting import Billed, Issue
from oms.invoicing.domain.errors import UnitsNotCreditable
from oms.shared.money import Money


def creditable(documents: Sequence[Document], currency: str) -> dict[Decimal, Money]:
    """Per tax rate, the gross invoiced and not yet credited (never below zero)."""
    left: dict[Decimal, Money] = {}
    zero = Money.zero(currency)
    for document in documents:
        sign = 1 if document.is_invoice else -1
        for tax in document.taxes:
            left[tax.rate] = left.get(tax.rate, zero) + tax.gross * sign
    return {rate: gross for rate, gross in left.items() if gross.amount > 0}


def refund_lines(amount: Money, documents: Sequence[Document]) -> tuple[DocumentLine, ...]:
    """The lines of a credit note for a refund of ``amount`` that names no order lines: one
    "Refund" line per tax rate, highest rate first; empty when nothing is left to credit."""
    left = creditable(documents, amount.currency)
    rates = sorted(left, reverse=True)
    available = sum((left[r] for r in rates), Money.zero(amount.currency))
    credit = min(amount, available) if rates else Money.zero(amount.currency)
    if credit.amount <= 0:
        return ()
    shares = split(credit, [left[r] for r in rates])
    lines: list[DocumentLine] = []
    for rate, gross in zip(rates, shares, strict=True):
        if gross.amount == 0:
            continue
        tax = Money(gross.amount * rate / (1 + rate), gross.currency)
        lines.append(
            DocumentLine(
                line_no=len(lines) + 1,
                kind=LineKind.REFUND,
                order_line_id=None,
                sku="",
                name="",
                quantity=1,
                unit_price=gross,
                discount=Money.zero(gross.currency),
                tax_rate=rate,
                tax=tax,
                total=gross,
            )
        )
    return tuple(lines)


def split(amount: Money, weights: Sequence[Money]) -> list[Money]:
    """``amount`` in shares proportional to ``weights``, in minor units, adding up exactly: each
    share rounded down, the minor units left over going to the largest remainders first."""
    whole = sum(w.minor for w in weights)
    if whole <= 0:
        raise ValueError("split needs a positive total weight")
    floors = [amount.minor * w.minor // whole for w in weights]
    remainders = sorted(
        range(len(weights)), key=lambda i: (-(amount.minor * weights[i].minor % whole), i)
    )
    for i in remainders[: amount.minor - sum(floors)]:
        floors[i] += 1
    return [Money.from_minor(minor, amount.currency) for minor in floors]


def credited_lines(
    units: Mapping[UUID, int], documents: Sequence[Document]
) -> tuple[DocumentLine, ...]:
    """The lines of a credit note for ``units`` of order lines (line id -> units), each at
    what those units were invoiced for."""
    invoiced = Billed.by(documents, DocumentKind.INVOICE)
    credited = Billed.by(documents, DocumentKind.CREDIT_NOTE)
    models = {
        ln.order_line_id: ln
        for d in documents
        if d.is_invoice
        for ln in d.lines
        if ln.order_line_id is not None
    }
    lines: list[DocumentLine] = []
    for line_id, wanted in units.items():
        billed = invoiced.units.get(line_id, 0)
        remaining = billed - credited.units.get(line_id, 0)
        model = models.get(line_id)
        if model is None or not 0 <= wanted <= remaining:
            raise UnitsNotCreditable(model.sku if model else str(line_id), wanted, remaining)
        if wanted == 0:
            continue
        last = wanted == remaining
        discount, tax, total = (
            _share(sums[line_id], taken.get(line_id), units=wanted, of=billed, last=last)
            for sums, taken in (
                (invoiced.discount, credited.discount),
                (invoiced.tax, credited.tax),
                (invoiced.total, credited.total),
            )
        )
        lines.append(
            replace(
                model,
                line_no=len(lines) + 1,
                quantity=wanted,
                discount=discount,
                tax=tax,
                total=total,
            )
        )
    return tuple(lines)


def _share(whole: Money, taken: Money | None, *, units: int, of: int, last: bool) -> Money:
    """``units`` of ``of`` units' ``whole``: what is left of it when they are the last ones."""
    if last:
        return whole - taken if taken is not None else whole
    return Money(whole.amount * units / of, whole.currency)


def credit_note(credited: Document, lines: tuple[DocumentLine, ...], how: Issue) -> Document:
    """The credit note correcting ``credited`` (the order's latest invoice): it repeats that
    invoice's parties, locale and order facts, so it matches the document it corrects even
    after the buyer was erased from the order."""
    return replace(
        credited,
        id=how.id,
        kind=DocumentKind.CREDIT_NOTE,
        number=how.number,
        lines=lines,
        issued_at=how.at,
        due_on=how.at.date(),
        paid=True,
        credited_id=credited.id,
        credited_number=credited.number,
        issue_key=how.issue_key,
    )
