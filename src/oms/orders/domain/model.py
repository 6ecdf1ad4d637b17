"""The values an order is made of: its lines, their allocations, its totals and its buyer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from oms.orders.pricing.domain import Quote
from oms.shared.address import Address
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

    @property
    def key(self) -> tuple[UUID, UUID]:
        """(line id, location id): one allocation per line and location."""
        return (self.line_id, self.location_id)


def merge_allocations(*groups: Iterable[Allocation]) -> tuple[Allocation, ...]:
    """Allocations per (line, location), added up as the table adds them; empty ones dropped."""
    units: dict[tuple[UUID, UUID], Allocation] = {}
    for group in groups:
        for a in group:
            seen = units.get(a.key)
            units[a.key] = replace(a, quantity=a.quantity + seen.quantity) if seen else a
    return tuple(a for a in units.values() if a.quantity > 0)


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
    """Units shipped (the column kept its first name)."""
    delivered_quantity: int = 0
    """Units of the shipped ones delivered or picked up; never more than shipped."""
    returned_quantity: int = 0
    """Units of the delivered ones received back (a return's receipt)."""
    return_requested_quantity: int = 0
    """Units of the delivered ones asked back by open return requests, not yet received."""

    @property
    def billed_quantity(self) -> int:
        """Units the customer pays for: ordered minus cancelled."""
        return self.quantity - self.cancelled_quantity

    @property
    def open_quantity(self) -> int:
        """Ordered, not cancelled and not yet fulfilled."""
        return self.quantity - self.cancelled_quantity - self.fulfilled_quantity

    @property
    def in_transit_quantity(self) -> int:
        """Shipped, not yet delivered or picked up."""
        return self.fulfilled_quantity - self.delivered_quantity

    @property
    def returnable_quantity(self) -> int:
        """Delivered units neither received back nor asked back already: what a new return
        request may still ask for."""
        return self.delivered_quantity - self.returned_quantity - self.return_requested_quantity


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    subtotal: Money
    shipping: Money
    shipping_tax: Money
    discount: Money
    tax: Money
    total: Money

    @classmethod
    def of(cls, quote: Quote) -> Totals:
        """The totals of a priced order."""
        return cls(
            subtotal=quote.subtotal,
            shipping=quote.shipping,
            shipping_tax=quote.shipping_tax,
            discount=quote.discount,
            tax=quote.tax,
            total=quote.total,
        )

    @classmethod
    def zero(cls, currency: str) -> Totals:
        nothing = Money.zero(currency)
        return cls(
            subtotal=nothing,
            shipping=nothing,
            shipping_tax=nothing,
            discount=nothing,
            tax=nothing,
            total=nothing,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Buyer:
    """The customer as the order names them: a snapshot of what the caller sent, never read
    back from the customer's profile (a caller learns no personal data it did not send)."""

    customer_id: UUID
    email: str
    name: str
    phone: str | None
    locale: str


class LinkKind(StrEnum):
    """Why an order was placed for another one (its parent)."""

    EXCHANGE = "exchange"
    """Replacement units for units the customer sends back."""
    RESHIP = "reship"
    """Units sent again after a claim (missing, damaged, wrong), at no charge."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLink:
    """An exchange or reship order's tie to the order it serves and the return behind it.

    ``return_id`` is a plain id: returns sit above orders, so orders never reads one."""

    parent_order_id: UUID
    kind: LinkKind
    return_id: UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class NewOrder:
    """What an order is placed from: checked, priced, numbered, not yet sourced or held."""

    id: UUID
    number: str
    channel: str
    external_id: str | None
    buyer: Buyer
    currency: str
    prices_include_tax: bool
    shipping_method: str
    pickup_location: str | None
    shipping_address: Address
    billing_address: Address | None
    address_validated: bool
    notes: str
    totals: Totals
    lines: tuple[OrderLine, ...]
    gift_message: str | None = None
    link: OrderLink | None = None
    """Set for an exchange or reship order (``place_linked_order``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Cancellation:
    """What cancelling some units does to the lines and their stock, before anything changes.

    Backordered units go first (they hold no stock), then allocated ones, newest location first.
    """

    lines: tuple[OrderLine, ...]
    released: tuple[Allocation, ...]
    """Units that go back to stock."""
    remaining: tuple[Allocation, ...]
    """The allocations the order keeps."""


def plan_cancellation(
    lines: Sequence[OrderLine], allocations: Sequence[Allocation], units: Mapping[UUID, int]
) -> Cancellation:
    """What cancelling ``units`` (line id -> units) does to ``lines`` and their allocations."""
    released: list[Allocation] = []
    cancelled = []
    for line in lines:
        count = units.get(line.id, 0)
        from_backorder = min(count, line.backordered_quantity)
        to_release = count - from_backorder
        for allocation in reversed([a for a in allocations if a.line_id == line.id]):
            take = min(to_release, allocation.quantity)
            if take:
                released.append(replace(allocation, quantity=take))
                to_release -= take
        cancelled.append(
            replace(
                line,
                cancelled_quantity=line.cancelled_quantity + count,
                backordered_quantity=line.backordered_quantity - from_backorder,
            )
        )
    given_back = [replace(a, quantity=-a.quantity) for a in released]
    return Cancellation(
        lines=tuple(cancelled),
        released=tuple(released),
        remaining=merge_allocations(allocations, given_back),
    )
