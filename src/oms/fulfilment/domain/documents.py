"""The papers of a fulfilment order as values: the pick list and the packing slip (the
services fill them, the views print them); and the return slip a return travels back with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from oms.shared.address import Address


@dataclass(frozen=True, slots=True, kw_only=True)
class PickLine:
    line_id: UUID
    sku: str
    name: str
    quantity: int
    bin: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PickList:
    fulfilment_order_id: UUID
    number: str
    order_number: str
    location: str
    delivery: str
    status: str
    ship_by: datetime
    by_bin: bool
    """Whether any SKU has a bin here (then the lines are in bin order)."""
    gift_message: str | None
    lines: tuple[PickLine, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SlipLine:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PackingSlip:
    number: str
    order_number: str
    ordered_at: datetime
    location: str
    ship_to: Address
    gift_message: str | None
    lines: tuple[SlipLine, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnSlip:
    """The merchant's printable return slip: what to send back, where, under which RMA (the
    returns context fills it; fulfilment prints it as it prints its own papers)."""

    rma: str
    order_number: str
    issued_on: date
    send_to: Address
    """The receiving location's address, its name on the first line."""
    sender: Address | None
    lines: tuple[SlipLine, ...]
