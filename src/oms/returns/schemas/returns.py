"""API schemas of return requests and decisions: what a csr or a customer sends, what the returns
desk sees (``ReturnOut``) and the customer's cut of it (``CustomerReturnOut``: no actors, no
internal notes, nothing about other returns)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from oms.platform.inputs import Email
from oms.platform.pagination import Page
from oms.platform.schemas import Input, MoneyOut, Output, Quantity
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.returns import RETURN_REASONS, ReturnLine, ReturnReason, ReturnRequest

Reason = Annotated[
    ReturnReason,
    Field(
        description="Why it comes back: " + ", ".join(f"`{r.value}`" for r in RETURN_REASONS),
        json_schema_extra={"enum": [r.value for r in RETURN_REASONS]},
    ),
]


class ReturnLineIn(Input):
    line_id: UUID = Field(description="The order line.")
    quantity: Quantity = Field(description="Delivered units of the line to send back.")
    reason: Reason
    note: str | None = Field(default=None, max_length=500)

    def to_domain(self) -> AskedLine:
        return AskedLine(
            line_id=self.line_id, quantity=self.quantity, reason=self.reason, note=self.note
        )


class ReturnRequestIn(Input):
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=500)
    note: str = Field(default="", max_length=1000)

    def asked(self) -> tuple[AskedLine, ...]:
        return tuple(line.to_domain() for line in self.lines)


class CustomerReturnRequestIn(ReturnRequestIn):
    """The customer's own request: the order as the lookup finds it."""

    number: str = Field(min_length=1, max_length=20, examples=["SO-10001"])
    email: Email


class DeclineIn(Input):
    reason: str = Field(min_length=1, max_length=500, description="Why, as the customer reads it.")


class ReturnLineOut(Output):
    line_id: UUID
    sku: str
    quantity: int
    reason: str
    note: str | None
    received_quantity: int
    inspected_quantity: int
    disposition: str | None

    @classmethod
    def of(cls, line: ReturnLine) -> ReturnLineOut:
        return cls(
            line_id=line.line_id,
            sku=line.sku,
            quantity=line.quantity,
            reason=line.reason.value,
            note=line.note,
            received_quantity=line.received,
            inspected_quantity=line.inspected,
            disposition=line.disposition.value if line.disposition else None,
        )


class ReturnOut(Output):
    """A return as the returns desk sees it."""

    id: UUID
    rma: str | None = Field(description="The RMA number, given at approval.")
    kind: str
    status: str
    source: str
    order_id: UUID
    order_number: str
    channel: str
    receiving_location: str | None
    return_shipping_paid_by: str
    resolution: str | None
    restocking_fee: MoneyOut
    refund: MoneyOut | None
    label_tracking_number: str | None
    exchange_order_id: UUID | None
    note: str
    evidence: list[str]
    decline_reason: str | None
    lines: list[ReturnLineOut]
    created_by: str
    created_at: datetime
    updated_at: datetime
    approved_at: datetime | None
    received_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    declined_at: datetime | None
    version: int

    @classmethod
    def of(cls, request: ReturnRequest) -> ReturnOut:
        return cls(
            id=request.id,
            rma=request.number,
            kind=request.kind.value,
            status=request.status.value,
            source=request.source.value,
            order_id=request.order_id,
            order_number=request.order_number,
            channel=request.channel,
            receiving_location=request.receiving_location,
            return_shipping_paid_by=request.return_shipping_paid_by.value,
            resolution=request.resolution.value if request.resolution else None,
            restocking_fee=MoneyOut.of(request.restocking_fee),
            refund=MoneyOut.of(request.refund) if request.refund is not None else None,
            label_tracking_number=request.label_tracking,
            exchange_order_id=request.exchange_order_id,
            note=request.note,
            evidence=list(request.evidence),
            decline_reason=request.decline_reason,
            lines=[ReturnLineOut.of(line) for line in request.lines],
            created_by=request.created_by,
            created_at=request.created_at,
            updated_at=request.updated_at,
            approved_at=request.approved_at,
            received_at=request.received_at,
            completed_at=request.completed_at,
            cancelled_at=request.cancelled_at,
            declined_at=request.declined_at,
            version=request.version,
        )


class CustomerReturnLineOut(Output):
    sku: str
    quantity: int
    reason: str


class CustomerReturnOut(Output):
    """What the customer sees of their return: where it stands and what to send back."""

    id: UUID
    rma: str | None
    status: str
    order_number: str
    return_shipping_paid_by: str
    decline_reason: str | None
    lines: list[CustomerReturnLineOut]
    created_at: datetime
    approved_at: datetime | None

    @classmethod
    def of(cls, request: ReturnRequest) -> CustomerReturnOut:
        return cls(
            id=request.id,
            rma=request.number,
            status=request.status.value,
            order_number=request.order_number,
            return_shipping_paid_by=request.return_shipping_paid_by.value,
            decline_reason=request.decline_reason,
            lines=[
                CustomerReturnLineOut(sku=x.sku, quantity=x.quantity, reason=x.reason.value)
                for x in request.lines
            ],
            created_at=request.created_at,
            approved_at=request.approved_at,
        )


ReturnPage = Page[ReturnOut]
