"""API schemas of a channel's return policy: the document as ``PUT`` takes it and ``GET`` gives it.

The shape is checked here (types, known keys, reasons by name); ranges, amounts and "a percent
or a fixed fee, not both" are the domain's (``ReturnPolicy.parse``), which names every bad field
at once. Amounts are decimal strings in the channel's currency.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from oms.platform.schemas import DecimalAmount, Input, Output
from oms.returns.domain.policy import ReturnPolicy

Days = Field(default=None, ge=0, le=3650, description="Days to return in.")


class FeeIn(Input):
    percent: DecimalAmount | None = Field(default=None, description="Percent of the value.")
    fixed: DecimalAmount | None = Field(default=None, description="Once per return.")


class ReasonRuleIn(Input):
    fee: bool = Field(default=True, description="Whether the restocking fee applies.")
    keep_item_under: DecimalAmount | None = Field(
        default=None, description="Below this unit value the customer keeps the item."
    )
    auto_approve: bool | None = Field(
        default=None, description="Overrides the policy's `auto_approve` for this reason."
    )


class ProductRuleIn(Input):
    returnable: bool = True
    window_days: int | None = Days
    restocking_fee: FeeIn | None = None


class ReasonsIn(Input):
    wrong_size: ReasonRuleIn | None = None
    damaged: ReasonRuleIn | None = None
    not_as_described: ReasonRuleIn | None = None
    changed_mind: ReasonRuleIn | None = None
    late_delivery: ReasonRuleIn | None = None
    other: ReasonRuleIn | None = None


class ReturnPolicyIn(Input):
    window_days: int = Field(default=30, ge=0, le=3650)
    window_from: Literal["delivery", "shipment"] = Field(
        default="delivery",
        description="`delivery` counts from the delivery (from the shipment when no delivery "
        "event came); `shipment` always from the shipment.",
    )
    restocking_fee: FeeIn | None = None
    return_shipping_paid_by: Literal["customer", "merchant"] = "customer"
    refund_original_shipping: bool = False
    auto_approve: bool = False
    instant_exchange: bool = False
    reasons: ReasonsIn | None = Field(
        default=None, description="Rules per reason; omitted: `damaged` waives the fee."
    )
    products: dict[str, ProductRuleIn] = Field(
        default_factory=dict,
        max_length=1000,
        description="Overrides per SKU or product handle.",
    )

    def document(self) -> dict[str, Any]:
        """The document as the domain reads it (amounts as strings, unset reasons left out)."""
        document = self.model_dump(mode="json", exclude={"reasons"})
        if self.reasons is not None:
            document["reasons"] = self.reasons.model_dump(mode="json", exclude_none=True)
        return document


class FeeOut(Output):
    percent: str | None
    fixed: str | None


class ReasonRuleOut(Output):
    fee: bool
    keep_item_under: str | None
    auto_approve: bool | None


class ProductRuleOut(Output):
    returnable: bool
    window_days: int | None
    restocking_fee: FeeOut | None


class ReturnPolicyOut(Output):
    channel: str
    version: int = Field(description="0 while the channel has the default policy.")
    currency: str
    window_days: int
    window_from: str
    restocking_fee: FeeOut
    return_shipping_paid_by: str
    refund_original_shipping: bool
    auto_approve: bool
    instant_exchange: bool
    reasons: dict[str, ReasonRuleOut]
    products: dict[str, ProductRuleOut]

    @classmethod
    def of(cls, channel: str, policy: ReturnPolicy) -> ReturnPolicyOut:
        return cls.model_validate(
            policy.document()
            | {"channel": channel, "version": policy.version, "currency": policy.currency}
        )
