"""The HTTP shape of invoices and credit notes (what ``GET /v1/invoices/{id}`` answers)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from oms.invoicing.domain import Document, DocumentLine, Party, TaxLine
from oms.platform.schemas import AddressOut, DecimalString, MoneyOut, Output


class PartyOut(Output):
    name: str
    address: AddressOut

    @classmethod
    def of(cls, party: Party) -> PartyOut:
        return cls(name=party.name, address=AddressOut.of(party.address))


class DocumentLineOut(Output):
    line_no: int
    kind: Literal["item", "shipping", "refund"]
    order_line_id: UUID | None
    sku: str
    name: str = Field(description="The product's name; empty for shipping and refund lines.")
    quantity: int
    unit_price: MoneyOut
    discount: MoneyOut
    tax_rate: DecimalString = Field(examples=["0.19"])
    net: MoneyOut
    tax: MoneyOut
    total: MoneyOut = Field(description="What the customer pays for the line, tax included.")

    @classmethod
    def of(cls, line: DocumentLine) -> DocumentLineOut:
        return cls(
            line_no=line.line_no,
            kind=line.kind.value,
            order_line_id=line.order_line_id,
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=MoneyOut.of(line.unit_price),
            discount=MoneyOut.of(line.discount),
            tax_rate=line.tax_rate,
            net=MoneyOut.of(line.net),
            tax=MoneyOut.of(line.tax),
            total=MoneyOut.of(line.total),
        )


class TaxLineOut(Output):
    rate: DecimalString = Field(examples=["0.19"])
    net: MoneyOut
    tax: MoneyOut
    gross: MoneyOut

    @classmethod
    def of(cls, tax: TaxLine) -> TaxLineOut:
        return cls(
            rate=tax.rate,
            net=MoneyOut.of(tax.net),
            tax=MoneyOut.of(tax.tax),
            gross=MoneyOut.of(tax.gross),
        )


class InvoiceOut(Output):
    """An invoice or a credit note (``kind``); amounts on a credit note are positive."""

    id: UUID
    kind: Literal["invoice", "credit_note"]
    number: str = Field(examples=["INV-2026-000001"])
    order_id: UUID
    order_number: str
    channel: str
    currency: str
    locale: str = Field(description="The locale the document is printed in.")
    prices_include_tax: bool
    seller: PartyOut
    buyer: PartyOut
    lines: list[DocumentLineOut]
    taxes: list[TaxLineOut] = Field(description="The tax breakdown, one entry per rate.")
    net: MoneyOut
    tax: MoneyOut
    total: MoneyOut
    issued_at: datetime
    ordered_at: datetime
    due_on: date
    paid: bool = Field(description="Paid when issued (issued on capture; every credit note).")
    credited_invoice_id: UUID | None = Field(description="For a credit note: the invoice.")
    credited_invoice_number: str | None
    erasure_requested_at: datetime | None = Field(
        description="When the buyer asked to be erased: the document is kept unaltered for the "
        "retention period and read only by staff who may see personal data."
    )
    pdf: str = Field(description="Where the PDF is.", examples=["/v1/invoices/{id}/pdf"])

    @classmethod
    def of(cls, document: Document) -> InvoiceOut:
        return cls(
            id=document.id,
            kind=document.kind.value,
            number=document.number,
            order_id=document.order_id,
            order_number=document.order_number,
            channel=document.channel,
            currency=document.currency,
            locale=document.locale,
            prices_include_tax=document.prices_include_tax,
            seller=PartyOut.of(document.seller),
            buyer=PartyOut.of(document.buyer),
            lines=[DocumentLineOut.of(line) for line in document.lines],
            taxes=[TaxLineOut.of(tax) for tax in document.taxes],
            net=MoneyOut.of(document.net),
            tax=MoneyOut.of(document.tax),
            total=MoneyOut.of(document.total),
            issued_at=document.issued_at,
            ordered_at=document.ordered_at,
            due_on=document.due_on,
            paid=document.paid,
            credited_invoice_id=document.credited_id,
            credited_invoice_number=document.credited_number,
            erasure_requested_at=document.erasure_requested_at,
            pdf=f"/v1/invoices/{document.id}/pdf",
        )
