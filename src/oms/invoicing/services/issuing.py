"""Issuing invoices and credit notes: on capture, on shipment, on refund.

Which event issues a channel's invoices is its ``invoice_on`` setting: ``capture`` (the default)
or ``shipment``. On capture, the first capture of an order invoices all of it (every billed
unit and the shipping charge), marked paid; later captures invoice only what an edit added
since, which is usually nothing, so an order has one invoice. On shipment, the fulfilment
issue's shipping transaction calls ``issue_invoice_for_shipment`` with the units shipped; each
shipment gets an invoice for its units, due ``PAYMENT_TERMS_DAYS`` later, and the first carries
the shipping charge. A refund issues a credit note for the refunded amount, correcting the
order's latest invoice: split over the invoiced tax rates, or, when the refund names lines (as
returns will), those units at what they were invoiced for (``domain.crediting``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from uuid import UUID

from oms import channels
from oms.invoicing.domain import (
    CreditDiffersFromRefund,
    Document,
    DocumentKind,
    DocumentLine,
    Issue,
    NothingToInvoice,
    credit_note,
    credited_lines,
    invoice,
    invoice_lines,
    refund_lines,
)
from oms.invoicing.services.numbering import issue_numbered
from oms.invoicing.services.sales import read_sale
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money


def invoices_on_shipment(channel_code: str, *, uow: UnitOfWork) -> bool:
    """Whether the channel's invoices are issued on shipment rather than on capture."""
    channel = channels.get_channel(channel_code, uow=uow)
    return channel.invoice_on is channels.InvoiceOn.SHIPMENT


def issue_invoice_for_capture(
    order_id: UUID, *, transaction_id: UUID, uow: UnitOfWork
) -> Document | None:
    """The invoice a capture issues: all the order has not had invoiced yet (at the first
    capture, everything); None when nothing is left or the channel invoices on shipment."""
    with uow.begin() as tx:
        sale = read_sale(order_id, uow=uow)
        if invoices_on_shipment(sale.channel, uow=uow):
            return None

        def draft(earlier: list[Document]) -> Callable[[Issue], Document] | None:
            lines = invoice_lines(sale, earlier)
            return (lambda how: invoice(sale, lines, how, paid=True)) if lines else None

        return issue_numbered(
            tx, DocumentKind.INVOICE, order_id, f"capture:{transaction_id}", draft
        )


def issue_invoice_for_shipment(
    order_id: UUID,
    lines: Mapping[UUID, int],
    *,
    uow: UnitOfWork,
    shipment_id: UUID | None = None,
) -> Document | None:
    """The invoice for units shipped (order line id -> units), in the caller's transaction;
    None when the order's channel invoices on capture. More units than remain to invoice of a
    line is ``UnitsNotInvoiceable``; no units at all is ``NothingToInvoice``. ``shipment_id``,
    when given, makes a second call for the same shipment return the first invoice."""
    with uow.begin() as tx:
        sale = read_sale(order_id, uow=uow)
        if not invoices_on_shipment(sale.channel, uow=uow):
            return None
        if not any(units > 0 for units in lines.values()):
            raise NothingToInvoice(order_id)

        def draft(earlier: list[Document]) -> Callable[[Issue], Document] | None:
            billed = invoice_lines(sale, earlier, lines)
            return lambda how: invoice(sale, billed, how, paid=False)

        key = f"shipment:{shipment_id}" if shipment_id is not None else None
        return issue_numbered(tx, DocumentKind.INVOICE, order_id, key, draft)


def issue_credit_note(
    order_id: UUID,
    amount: Money,
    *,
    transaction_id: UUID,
    uow: UnitOfWork,
    lines: Mapping[UUID, int] | None = None,
) -> Document | None:
    """The credit note a refund of ``amount`` issues, correcting the order's latest invoice;
    None when nothing invoiced is left to credit (or nothing was ever invoiced). A refund that
    names ``lines`` (order line id -> units) credits those units at what they were invoiced
    for, which must be the amount refunded (``CreditDiffersFromRefund``)."""
    with uow.begin() as tx:

        def draft(earlier: list[Document]) -> Callable[[Issue], Document] | None:
            invoices = [d for d in earlier if d.is_invoice]
            if not invoices:
                return None
            credit = refund_lines(amount, earlier) if lines is None else _credited(lines, earlier)
            return (lambda how: credit_note(invoices[-1], credit, how)) if credit else None

        def _credited(
            units: Mapping[UUID, int], earlier: list[Document]
        ) -> tuple[DocumentLine, ...]:
            credit = credited_lines(units, earlier)
            total = sum((line.total for line in credit), Money.zero(amount.currency))
            if total != amount:
                raise CreditDiffersFromRefund(str(amount), str(total))
            return credit

        return issue_numbered(
            tx, DocumentKind.CREDIT_NOTE, order_id, f"refund:{transaction_id}", draft
        )
