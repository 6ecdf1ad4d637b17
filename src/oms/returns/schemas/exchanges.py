"""API schemas of exchanges: the lines sent back, each with what goes out in its place."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from oms.platform.schemas import Input, MoneyOut, Output, Quantity
from oms.returns.domain.exchanges import Replacement
from oms.returns.domain.returns import ReturnRequest
from oms.returns.schemas.returns import ReturnLineIn, ReturnOut
from oms.returns.services.exchanges import ExchangedLine


class ReplacementIn(Input):
    sku: str = Field(min_length=1, max_length=64, description="What goes out instead.")
    quantity: Quantity


class ExchangeLineIn(ReturnLineIn):
    replacement: ReplacementIn

    def exchanged(self) -> ExchangedLine:
        return ExchangedLine(
            asked=self.to_domain(), sku=self.replacement.sku, quantity=self.replacement.quantity
        )


class ExchangeIn(Input):
    lines: list[ExchangeLineIn] = Field(min_length=1, max_length=200)
    note: str = Field(default="", max_length=1000)


class ReplacementOut(Output):
    line_id: UUID = Field(description="The returned order line it stands in for.")
    sku: str
    quantity: int
    unit_price: MoneyOut = Field(description="The channel's price when it was asked for.")
    charged_unit_price: MoneyOut | None = Field(
        description="Set at approval: one unit's price on the replacement order (the price "
        "difference; zero when the replacement is not dearer)."
    )
    refund: MoneyOut | None = Field(
        description="Set at approval: given back once the goods arrived (a cheaper replacement)."
    )

    @classmethod
    def of(cls, r: Replacement) -> ReplacementOut:
        return cls(
            line_id=r.line_id,
            sku=r.sku,
            quantity=r.quantity,
            unit_price=MoneyOut.of(r.unit_price),
            charged_unit_price=MoneyOut.of(r.charged_unit_price)
            if r.charged_unit_price is not None
            else None,
            refund=MoneyOut.of(r.refund) if r.refund is not None else None,
        )


class ExchangeOut(ReturnOut):
    """An exchange as the desk sees it, with its replacements."""

    replacements: list[ReplacementOut]

    @classmethod
    def of_exchange(cls, request: ReturnRequest, replacements: list[Replacement]) -> ExchangeOut:
        return cls.model_validate(
            {
                **ReturnOut.of(request).model_dump(),
                "replacements": [ReplacementOut.of(r) for r in replacements],
            }
        )
