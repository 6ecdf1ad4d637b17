"""HTTP routes of invoices and credit notes: read with ``orders:read``; a channel key sees
only its own channel's documents (another channel's answer 404). A document whose buyer asked
to be erased is read only by staff with ``customers:contacts`` (ADR 0007: kept for the books,
its use restricted)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from oms.invoicing import services
from oms.invoicing.schemas import InvoiceOut
from oms.invoicing.views import pdf_filename
from oms.platform.http import UoW
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["invoices"])

Reader = Annotated[Principal, Depends(Requires(Permission.ORDERS_READ))]

PDF: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The document as PDF (A4), in its locale",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _sees_restricted(principal: Principal) -> bool:
    """Staff who may see personal data read documents whose buyer asked to be erased."""
    return principal.can(Permission.CUSTOMERS_CONTACTS)


@router.get("/orders/{order_id}/invoices", responses=responses(403, 404))
def list_order_invoices(order_id: UUID, principal: Reader, uow: UoW) -> list[InvoiceOut]:
    """The order's invoices and credit notes, oldest first."""
    found = services.order_documents(
        order_id,
        uow=uow,
        visible_to=principal.channel_scope,
        sees_restricted=_sees_restricted(principal),
    )
    return [InvoiceOut.of(document) for document in found]


@router.get("/invoices/{invoice_id}", responses=responses(403, 404))
def get_invoice(invoice_id: UUID, principal: Reader, uow: UoW) -> InvoiceOut:
    """One invoice or credit note."""
    document = services.get_document(
        invoice_id,
        uow=uow,
        visible_to=principal.channel_scope,
        sees_restricted=_sees_restricted(principal),
    )
    return InvoiceOut.of(document)


@router.get(
    "/invoices/{invoice_id}/pdf",
    response_class=Response,
    responses=PDF | responses(403, 404),
)
def get_invoice_pdf(invoice_id: UUID, principal: Reader, uow: UoW) -> Response:
    """One invoice or credit note as PDF, shown inline and named by its number."""
    document, pdf = services.document_pdf(
        invoice_id,
        uow=uow,
        visible_to=principal.channel_scope,
        sees_restricted=_sees_restricted(principal),
    )
    disposition = f'inline; filename="{pdf_filename(document)}"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})
