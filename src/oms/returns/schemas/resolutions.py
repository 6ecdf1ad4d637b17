"""API schemas of resolutions: a return's refund, exchanges and claims."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from oms import payments
from oms.platform.schemas import Input, MoneyOut, Output
from oms.returns.services.claims import ClaimKind, ClaimResolution
from oms.returns.services.refunds import Resolved

DESTINATION = Field(
    default=payments.RefundDestination.ORIGINAL,
    description="`original`: back to the order's captured tenders; `store_credit`: to the "
    "buyer's store credit.",
)


class ResolveIn(Input):
    destination: payments.RefundDestination = DESTINATION
    resolution: ClaimResolution = Field(
        default=ClaimResolution.REFUND,
        description="Claims only: `refund` or `reship` (a zero-priced replacement order).",
    )


class ClaimLineIn(Input):
    line_id: UUID
    quantity: int = Field(ge=1, le=100_000)


class EvidenceIn(Input):
    note: str = Field(min_length=1, max_length=1000)


class ClaimIn(Input):
    kind: ClaimKind
    lines: list[ClaimLineIn] = Field(min_length=1, max_length=200)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20)
    resolution: ClaimResolution
    destination: payments.RefundDestination = DESTINATION


class ResolutionOut(Output):
    return_id: UUID
    number: str | None = Field(description="The RMA.")
    kind: str
    status: str
    resolution: str | None = Field(description="`refund`, `store_credit`, `exchange` or `reship`.")
    refund: MoneyOut | None = Field(description="What the return gives back, fee deducted.")
    restocking_fee: MoneyOut
    refund_id: UUID | None = Field(
        description="The refund in payments (`GET /v1/orders/{id}/refunds`); null when "
        "nothing is refunded."
    )
    refund_status: Literal["pending", "completed", "failed"] | None = Field(
        description="`pending` while a provider has not answered (the refund is finished "
        "later, never twice)."
    )
    exchange_order_id: UUID | None = Field(
        description="The exchange's replacement order or the claim's reship."
    )

    @classmethod
    def of(cls, resolved: Resolved) -> ResolutionOut:
        request = resolved.request
        return cls(
            return_id=request.id,
            number=request.number,
            kind=request.kind.value,
            status=request.status.value,
            resolution=request.resolution.value if request.resolution else None,
            refund=MoneyOut.of(request.refund) if request.refund is not None else None,
            restocking_fee=MoneyOut.of(request.restocking_fee),
            refund_id=resolved.decided.refund_id if resolved.decided else None,
            refund_status=resolved.refund.status if resolved.refund else None,
            exchange_order_id=request.exchange_order_id,
        )
