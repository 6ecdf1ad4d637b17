"""Read models of many orders at once: the console's dashboard figures and a customer's
buying history. Pure values: repositories fill them with aggregate SQL, services hand them out.

Money stays per currency throughout (integer minor units beside their ISO code): figures of
different currencies are never added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True, slots=True, kw_only=True)
class DaySales:
    """Orders placed on one day (``day``: 0 for the first day asked for) in one channel and
    currency: how many, and the total of those not cancelled."""

    day: int
    channel: str
    currency: str
    orders: int
    revenue_minor: int


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderDashboard:
    """What the dashboard shows of orders: sales per day, open holds, orders waiting for stock."""

    days: tuple[datetime, ...]
    """The start of each day asked for (UTC midnights), oldest first."""
    sales: tuple[DaySales, ...]
    on_hold: dict[str, int]
    """Orders with an open hold, by the hold's reason (an order held twice counts under both)."""
    backordered: int
    """Orders with units waiting for stock."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerOrder:
    """One order in a customer's history (what a list row shows; no lines)."""

    id: UUID
    number: str
    channel: str
    status: str
    payment_status: str
    return_status: str
    on_hold: bool
    currency: str
    total_minor: int
    placed_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CurrencyFigures:
    """A customer's buying in one currency, over their orders that were not cancelled."""

    currency: str
    orders: int
    total_minor: int
    refunded_minor: int

    @property
    def lifetime_value_minor(self) -> int:
        """What the customer spent and kept: order totals less what was refunded."""
        return self.total_minor - self.refunded_minor

    @property
    def average_order_minor(self) -> int:
        """The mean order total, rounded half up to the minor unit."""
        if not self.orders:
            return 0
        return (2 * self.total_minor + self.orders) // (2 * self.orders)


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerFigures:
    """A customer's buying pattern across every channel."""

    orders: int
    """Every order placed, cancelled ones included."""
    cancelled: int
    first_order_at: datetime | None
    last_order_at: datetime | None
    units_delivered: int
    units_returned: int
    by_currency: tuple[CurrencyFigures, ...]

    @property
    def return_rate(self) -> float | None:
        """Units returned of units delivered (None before anything was delivered)."""
        if not self.units_delivered:
            return None
        return self.units_returned / self.units_delivered

    @property
    def days_between_orders(self) -> float | None:
        """The mean time between two orders, in days (None with fewer than two orders)."""
        if self.orders < 2 or self.first_order_at is None or self.last_order_at is None:
            return None
        span = (self.last_order_at - self.first_order_at).total_seconds() / 86_400
        return span / (self.orders - 1)
