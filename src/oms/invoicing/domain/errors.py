"""Errors of the invoicing context: facts, never HTTP."""

from __future__ import annotations

from uuid import UUID

from oms.shared.errors import Conflict, Invalid, NotFound


class DocumentNotFound(NotFound):
    code = "invoice-not-found"
    title = "Invoice not found"

    def __init__(self, reference: str) -> None:
        super().__init__(f"no invoice or credit note {reference}", invoice=reference)


class NothingToInvoice(Conflict):
    """Every billed unit of the order (and its shipping) is on an invoice already."""

    code = "nothing-to-invoice"
    title = "Nothing left to invoice"

    def __init__(self, order_id: UUID) -> None:
        super().__init__(
            f"everything order {order_id} bills is invoiced already", order_id=str(order_id)
        )


class UnitsNotInvoiceable(Conflict):
    """More units of a line were to be invoiced than remain billed and not yet invoiced."""

    code = "units-not-invoiceable"
    title = "More units than remain to invoice"

    def __init__(self, sku: str, requested: int, remaining: int) -> None:
        super().__init__(
            f"{sku}: {requested} units to invoice, {remaining} remain billed and not invoiced",
            sku=sku,
            requested=requested,
            remaining=remaining,
        )


class UnknownOrderLine(Invalid):
    def __init__(self, line_id: UUID) -> None:
        super().__init__(
            f"the order has no line {line_id}", field=f"lines.{line_id}", line_id=str(line_id)
        )


class UnitsNotCreditable(Conflict):
    """More units of a line were to be credited than were invoiced and not yet credited."""

    code = "units-not-creditable"
    title = "More units than remain to credit"

    def __init__(self, sku: str, requested: int, remaining: int) -> None:
        super().__init__(
            f"{sku}: {requested} units to credit, {remaining} remain invoiced and not credited",
            sku=sku,
            requested=requested,
            remaining=remaining,
        )


class CreditDiffersFromRefund(Invalid):
    """The lines a refund names are invoiced at another total than the amount refunded."""

    def __init__(self, refunded: str, lines_total: str) -> None:
        super().__init__(
            f"the refund of {refunded} names lines invoiced at {lines_total}",
            field="lines",
            refunded=refunded,
            lines_total=lines_total,
        )
