"""API schemas of goodwill refunds and the refund policy (reason codes, limits per role)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from oms.payments.domain.refund_policy import (
    GoodwillRefund,
    RefundDestination,
    RefundLimit,
    RefundPolicy,
    RefundReason,
)
from oms.platform.inputs import exact_money
from oms.platform.schemas import DecimalAmount, Input, MoneyIn, MoneyOut, Output


class GoodwillRefundIn(Input):
    reason: str = Field(
        max_length=40, description="A code from `GET /v1/refund-reasons`.", examples=["late"]
    )
    note: str = Field(default="", max_length=1000, description="For the team; not sent anywhere.")
    amount: MoneyIn = Field(description="In the order's currency.")
    destination: RefundDestination = Field(
        default=RefundDestination.ORIGINAL,
        description="`original`: back to the order's captured tenders (store credit first, "
        "then the newest capture first); `store_credit`: to the buyer's store credit.",
    )


class RefundPartOut(Output):
    payment_id: UUID | None = Field(description="The tender refunded; null for store credit.")
    amount: MoneyOut
    transaction_id: UUID | None = Field(
        description="The refund transaction on the tender (its status is on the payment), "
        "or the store-credit entry."
    )


class GoodwillRefundOut(Output):
    id: UUID
    order_id: UUID
    reason: str
    note: str
    amount: MoneyOut
    destination: RefundDestination
    status: Literal["pending", "completed", "failed"] = Field(
        description="`completed` once every part was handed to its tender; `failed` when a "
        "provider refused a part (the parts say which)."
    )
    parts: list[RefundPartOut]
    actor: str
    created_at: datetime

    @classmethod
    def of(cls, refund: GoodwillRefund) -> GoodwillRefundOut:
        return cls(
            id=refund.id,
            order_id=refund.order_id,
            reason=refund.reason,
            note=refund.note,
            amount=MoneyOut.of(refund.amount),
            destination=refund.destination,
            status=refund.status,
            parts=[
                RefundPartOut(
                    payment_id=part.payment_id,
                    amount=MoneyOut.of(part.amount),
                    transaction_id=part.transaction_id,
                )
                for part in refund.parts
            ],
            actor=refund.actor,
            created_at=refund.created_at,
        )


class RefundReasonIO(Input):
    code: str = Field(max_length=40, examples=["late_delivery"])
    description: str = Field(min_length=1, max_length=200, examples=["The parcel came late"])

    def to_domain(self) -> RefundReason:
        return RefundReason(code=self.code, description=self.description)


class RefundReasonsIn(Input):
    reasons: list[RefundReasonIO] = Field(max_length=100, description="Replaces the whole list.")


class RefundReasonsOut(Output):
    reasons: list[RefundReasonIO]

    @classmethod
    def of(cls, policy: RefundPolicy) -> RefundReasonsOut:
        return cls(
            reasons=[RefundReasonIO(code=r.code, description=r.description) for r in policy.reasons]
        )


class RefundLimitIn(Input):
    role: str = Field(max_length=20, examples=["csr"])
    currency: str = Field(min_length=3, max_length=3, examples=["EUR"])
    amount: DecimalAmount = Field(description="The most this role may refund at once.")

    def to_domain(self, index: int) -> RefundLimit:
        return RefundLimit(
            role=self.role,
            limit=exact_money(self.amount, self.currency, field=f"limits.{index}"),
        )


class RefundLimitsIn(Input):
    limits: list[RefundLimitIn] = Field(max_length=200, description="Replaces the whole table.")


class RefundLimitOut(Output):
    role: str
    limit: MoneyOut


class RefundLimitsOut(Output):
    limits: list[RefundLimitOut]
    rule: str = Field(
        description="How roles without a row are treated: admin is never limited, finance "
        "without a row is not limited, any other role without a row may not refund."
    )

    @classmethod
    def of(cls, policy: RefundPolicy) -> RefundLimitsOut:
        return cls(
            limits=[RefundLimitOut(role=r.role, limit=MoneyOut.of(r.limit)) for r in policy.limits],
            rule="admin: unlimited; finance without a row: unlimited; other roles without a "
            "row: may not refund",
        )
