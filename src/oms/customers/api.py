"""HTTP routes of the customers context: profiles, addresses, GDPR export and erasure.

Reads answer in the schema the caller's role is entitled to (``schemas.customer_view``): admin,
csr and finance get ``CustomerOut``; marketing gets ``CustomerMarketingOut`` without phone,
addresses or notes, and with the email only when the customer consented to marketing.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from oms.customers import services
from oms.customers.schemas import (
    CustomerAddressIn,
    CustomerAddressOut,
    CustomerAddressPatch,
    CustomerExportOut,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    CustomerView,
    customer_view,
)
from oms.platform.http import IfMatch, Tagged, UoW, send_version
from oms.platform.idempotency import IdempotencyKey, run_idempotent, subject
from oms.platform.inputs import Email
from oms.platform.pagination import BY_TIME, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["customers"])

Reader = Annotated[Principal, Depends(Requires(Permission.CUSTOMERS_READ))]
Writer = Annotated[Principal, Depends(Requires(Permission.CUSTOMERS_WRITE))]
Exporter = Annotated[Principal, Depends(Requires(Permission.CUSTOMERS_EXPORT))]
Eraser = Annotated[Principal, Depends(Requires(Permission.CUSTOMERS_ERASE))]


@router.get("/customers", responses=responses(401, 403, 422))
def list_customers(
    principal: Reader,
    uow: UoW,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Start of an email, part of a name, digits of a phone number "
            "(+49 30 1234567, 030 1234567 and 1234567 all match) or a customer number.",
        ),
    ] = None,
    email: Annotated[Email | None, Query(description="Exact email.")] = None,
    tag: Annotated[str | None, Query(max_length=60)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[CustomerView]:
    """Customers, newest first. Roles without contact details (marketing) see the reduced
    schema and cannot search by phone, nor by the email of customers who did not consent."""
    found = services.list_customers(
        uow=uow,
        q=q,
        email=email,
        tag=tag,
        after=read_cursor(cursor, BY_TIME),
        limit=limit + 1,
        sees_contacts=principal.sees_contacts,
    )
    return Page.of(
        found, limit, lambda c: (c.created_at, c.id), lambda c: customer_view(c, principal)
    )


@router.get("/customers/{customer_id}", responses=responses(401, 403, 404, 422))
def get_customer(customer_id: UUID, principal: Reader, uow: UoW, response: Tagged) -> CustomerView:
    """One customer: ``CustomerOut`` for admin, csr and finance; ``CustomerMarketingOut`` (no
    phone, addresses or notes; email only with marketing consent) for marketing. Its `ETag` is
    its version, for `If-Match`."""
    customer = services.get_customer(customer_id, uow=uow)
    send_version(response, customer.version)
    return customer_view(customer, principal)


@router.post(
    "/customers",
    status_code=201,
    response_model=CustomerView,
    responses=responses(400, 401, 403, 409, 410, 422),
)
def create_customer(
    body: CustomerIn, principal: Writer, uow: UoW, idempotency: IdempotencyKey
) -> Response:
    """Register a customer. Every invalid field (email, phone, each address field) is named at
    once; an email another customer uses is 409 ``email-taken``."""
    command = body.to_command()
    return run_idempotent(
        uow,
        idempotency,
        lambda: services.create_customer(command, uow=uow),
        lambda customer: customer_view(customer, principal),
        about=lambda customer: subject("customer", customer.id),
    )


@router.patch("/customers/{customer_id}", responses=responses(401, 403, 404, 409, 412, 422))
def update_customer(
    customer_id: UUID,
    body: CustomerPatch,
    principal: Writer,
    uow: UoW,
    response: Tagged,
    if_match: IfMatch,
) -> CustomerView:
    """Change a profile; an erased customer cannot be changed (409 ``customer-erased``).

    With `If-Match` (optional), a customer changed since that ETag (its profile, addresses,
    tags or consent) is refused with 412.
    """
    command = dataclasses.replace(body.to_command(customer_id), expected=if_match)
    updated = services.update_customer(command, uow=uow)
    send_version(response, updated.version)
    return customer_view(updated, principal)


@router.post(
    "/customers/{customer_id}/addresses",
    status_code=201,
    response_model=CustomerAddressOut,
    responses=responses(400, 401, 403, 404, 409, 410, 422),
)
def add_address(
    customer_id: UUID,
    body: CustomerAddressIn,
    _: Writer,
    uow: UoW,
    idempotency: IdempotencyKey,
) -> Response:
    """Save an address; the first one, or one marked default, becomes the default."""
    command = body.to_command(customer_id)
    return run_idempotent(
        uow,
        idempotency,
        lambda: services.add_address(command, uow=uow),
        CustomerAddressOut.of,
        about=lambda _: subject("customer", customer_id),
    )


@router.patch(
    "/customers/{customer_id}/addresses/{address_id}",
    responses=responses(401, 403, 404, 409, 422),
)
def update_address(
    customer_id: UUID, address_id: UUID, body: CustomerAddressPatch, _: Writer, uow: UoW
) -> CustomerAddressOut:
    """Change a saved address or make it the default."""
    command = body.to_command(customer_id, address_id)
    return CustomerAddressOut.of(services.update_address(command, uow=uow))


@router.delete(
    "/customers/{customer_id}/addresses/{address_id}",
    status_code=204,
    responses=responses(401, 403, 404, 409, 422),
)
def remove_address(customer_id: UUID, address_id: UUID, _: Writer, uow: UoW) -> Response:
    """Delete a saved address; the oldest remaining one takes over its default roles."""
    command = services.RemoveAddress(customer_id=customer_id, address_id=address_id)
    services.remove_address(command, uow=uow)
    return Response(status_code=204)


@router.get("/customers/{customer_id}/export", responses=responses(401, 403, 404, 422))
def export_customer(
    customer_id: UUID, principal: Exporter, uow: UoW, response: Response
) -> CustomerExportOut:
    """All personal data held on the customer as a JSON attachment (GDPR access and
    portability); the export is recorded with the requesting key's id."""
    command = services.ExportCustomer(customer_id=customer_id, requested_by=principal.key_id)
    data = services.export_customer(command, uow=uow)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="customer-{data.customer.number}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return CustomerExportOut.of(data)


@router.post("/customers/{customer_id}/erase", responses=responses(401, 403, 404, 422))
def erase_customer(customer_id: UUID, principal: Eraser, uow: UoW) -> CustomerOut:
    """Pseudonymise the customer (GDPR erasure) and keep the record for orders and invoices.

    Email becomes ``erased+<id>@invalid``, the name "Erased customer"; phone, locale, notes,
    tags and addresses are removed and marketing consent withdrawn. Id, number, creation time
    and the consent history stay. Erasing again changes nothing.
    """
    command = services.EraseCustomer(customer_id=customer_id, requested_by=principal.key_id)
    return CustomerOut.of(services.erase_customer(command, uow=uow))
