"""API schemas of the way back: in transit, receipt and inspection at the receiving location,
and the return's label."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from pydantic import Field

from oms.platform.schemas import Input, Output
from oms.returns.domain.returns import Disposition
from oms.returns.services.labels import ReturnLabel
from oms.shared.errors import Invalid


class InTransitIn(Input):
    tracking_number: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="The parcel's tracking number, when it travels with another label than "
        "the return's own.",
    )


class ReceivedLineIn(Input):
    line_id: UUID = Field(description="The order line, as on the return.")
    quantity: int = Field(ge=1, le=100_000, description="Units that arrived.")


class ReceiveIn(Input):
    lines: list[ReceivedLineIn] = Field(min_length=1, max_length=500)

    def units(self) -> dict[UUID, int]:
        """Units per line, in the body's order (a line named twice is 422)."""
        units: dict[UUID, int] = {}
        for index, line in enumerate(self.lines):
            _once(units, line.line_id, index)
            units[line.line_id] = line.quantity
        return units


class InspectedLineIn(Input):
    line_id: UUID = Field(description="The order line, as on the return.")
    quantity: int = Field(ge=1, le=100_000, description="Units inspected.")
    disposition: Disposition = Field(
        description="`restock` (back on hand, sellable), `damaged` (on hand, unavailable), "
        "`write_off` (gone) or `return_to_customer` (sent back; not counted returned)."
    )


class InspectIn(Input):
    lines: list[InspectedLineIn] = Field(min_length=1, max_length=500)

    def units(self) -> dict[UUID, tuple[int, Disposition]]:
        """Units and disposition per line, in the body's order (a line named twice is 422)."""
        units: dict[UUID, tuple[int, Disposition]] = {}
        for index, line in enumerate(self.lines):
            _once(units, line.line_id, index)
            units[line.line_id] = (line.quantity, line.disposition)
        return units


def _once(seen: Mapping[UUID, object], line_id: UUID, index: int) -> None:
    if line_id in seen:
        raise Invalid("a line appears twice", field=f"lines.{index}.line_id")


class ReturnLabelOut(Output):
    return_id: UUID
    rma: str = Field(examples=["RMA-000001"])
    kind: str = Field(
        description="`carrier_label` (bought from the receiving location's carrier: the "
        "merchant pays the way back) or `return_slip` (printed; the customer sends it)."
    )
    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    label_url: str = Field(description="Where the PDF is (`GET`).")

    @classmethod
    def of(cls, label: ReturnLabel) -> ReturnLabelOut:
        return cls(
            return_id=label.return_id,
            rma=label.rma,
            kind=label.kind,
            carrier=label.carrier,
            tracking_number=label.tracking_number,
            tracking_url=label.tracking_url,
            label_url=f"/v1/returns/{label.return_id}/label",
        )
