"""The order aggregate: what was bought, by whom, at what price, where it is held and why."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from oms.orders.domain.errors import NothingToCancel, OrderOnHold
from oms.orders.domain.holds import Hold
from oms.orders.domain.lifecycle import (
    ORDER_LIFECYCLE,
    PROGRESSING,
    FulfilmentStatus,
    OrderAction,
    OrderStatus,
    PaymentStatus,
    ReturnStatus,
)
from oms.shared.address import Address
from oms.shared.errors import FieldProblem, IllegalTransition, Invalid
from oms.shared.money import Money


@dataclass(frozen=True, slots=True, kw_only=True)
class Allocation:
    """Units of one line held at one location."""

    line_id: UUID
    variant_id: UUID
    location_id: UUID
    location: str
    """The location's code (codes never change, so it is kept with the allocation)."""
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLine:
    id: UUID
    line_no: int
    variant_id: UUID
    sku: str
    name: str
    tax_category: str
    quantity: int
    unit_price: Money
    subtotal: Money
    discount: Money
    tax_rate: Decimal
    tax: Money
    total: Money
    cancelled_quantity: int = 0
    backordered_quantity: int = 0
    fulfilled_quantity: int = 0

    @property
    def billed_quantity(self) -> int:
        """Units the customer pays for: ordered minus cancelled."""
        return self.quantity - self.cancelled_quantity

    @property
    def open_quantity(self) -> int:
        """Ordered, not cancelled and not yet fulfilled."""
        return self.quantity - self.cancelled_quantity - self.fulfilled_quantity


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    subtotal: Money
    shipping: Money
    shipping_tax: Money
    discount: Money
    tax: Money
    total: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class Buyer:
    """The customer as the order names them (a snapshot; the profile may change later)."""

    customer_id: UUID
    email: str
    name: str
    phone: str | None
    locale: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    id: UUID
    number: str
    channel: str
    external_id: str | None
    buyer: Buyer
    status: OrderStatus
    version: int
    currency: str
    prices_include_tax: bool
    shipping_method: str
    pickup_location: str | None
    shipping_address: Address
    billing_address: Address | None
    address_validated: bool
    notes: str
    totals: Totals
    placed_at: datetime
    updated_at: datetime
    lines: tuple[OrderLine, ...] = ()
    holds: tuple[Hold, ...] = ()
    allocations: tuple[Allocation, ...] = field(default=())
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None

    @property
    def on_hold(self) -> bool:
        return any(hold.open for hold in self.holds)

    @property
    def open_holds(self) -> tuple[Hold, ...]:
        return tuple(hold for hold in self.holds if hold.open)

    @property
    def payment_status(self) -> PaymentStatus:
        return PaymentStatus.NONE

    @property
    def fulfilment_status(self) -> FulfilmentStatus:
        wanted = sum(line.quantity - line.cancelled_quantity for line in self.lines)
        done = sum(line.fulfilled_quantity for line in self.lines)
        if done == 0:
            return FulfilmentStatus.UNFULFILLED
        return (
            FulfilmentStatus.FULFILLED if done >= wanted else FulfilmentStatus.PARTIALLY_FULFILLED
        )

    @property
    def return_status(self) -> ReturnStatus:
        return ReturnStatus.NONE

    def line(self, line_id: UUID) -> OrderLine:
        for line in self.lines:
            if line.id == line_id:
                return line
        raise Invalid(f"order {self.number} has no line {line_id}", field="lines")

    def next_status(self, action: OrderAction) -> OrderStatus:
        """The status after ``action``; a hold blocks everything but cancelling."""
        if action in PROGRESSING and self.on_hold:
            raise OrderOnHold(self.number, [hold.reason.value for hold in self.open_holds])
        return ORDER_LIFECYCLE.next(self.status, action)

    def cancellable(self, wanted: dict[UUID, int]) -> dict[UUID, int]:
        """Check a partial cancellation (line id -> units) against what is still open."""
        if self.status in (OrderStatus.CANCELLED, OrderStatus.COMPLETED):
            ORDER_LIFECYCLE.next(self.status, OrderAction.CANCEL)
        problems = []
        for index, (line_id, units) in enumerate(wanted.items()):
            line = self.line(line_id)
            if units <= 0:
                problems.append(FieldProblem(f"lines.{index}.quantity", "must be positive"))
            elif units > line.open_quantity:
                problems.append(
                    FieldProblem(
                        f"lines.{index}.quantity",
                        f"only {line.open_quantity} of {line.sku} can still be cancelled",
                    )
                )
        if problems:
            raise Invalid("the cancellation is not valid", problems=problems)
        return wanted

    def whole_cancellation(self) -> dict[UUID, int]:
        """Every open unit, for cancelling the order; refused once anything has shipped."""
        if any(line.fulfilled_quantity for line in self.lines):
            raise IllegalTransition(
                f"order {self.number} has shipped units and cannot be cancelled",
                state=self.status.value,
                action=OrderAction.CANCEL.value,
            )
        self.next_status(OrderAction.CANCEL)
        open_units = {line.id: line.open_quantity for line in self.lines if line.open_quantity}
        if not open_units:
            raise NothingToCancel(self.number)
        return open_units

    def with_changes(self, **changes: object) -> Order:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]
