"""Events of returns, exchanges and claims (ids and values only; ``aggregate_id`` is the return's
id).

Every event names the return's kind, its RMA (``number``, null until approval), its order and
channel, so a consumer (notifications, reports, a warehouse system) needs no read back. They carry
no personal data: the customer is reached through the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.shared.events import Event
from oms.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class ReturnUnits:
    """Units of one order line, as events carry them."""

    line_id: UUID
    sku: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class InspectedUnits:
    line_id: UUID
    sku: str
    quantity: int
    disposition: str


@dataclass(frozen=True, kw_only=True)
class ReturnEvent(Event):
    """The fields every return event carries (not registered itself)."""

    aggregate = "return"
    kind: str
    number: str | None
    order_id: UUID
    order_number: str
    channel: str
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class ReturnRequested(ReturnEvent):
    """A customer or customer service asked to return units of an order, with reasons."""

    type = "returns.return_requested.v1"
    source: str
    actor: str
    lines: tuple[ReturnUnits, ...]
    reasons: tuple[str, ...]
    """The lines' reasons, in line order (one per line)."""


@dataclass(frozen=True, kw_only=True)
class ReturnApproved(ReturnEvent):
    """A return was approved (RMA issued, receiving location chosen)."""

    type = "returns.return_approved.v1"
    receiving_location: str | None
    """Null for a claim (nothing comes back)."""
    return_shipping_paid_by: str
    automatic: bool
    actor: str


@dataclass(frozen=True, kw_only=True)
class ReturnDeclined(ReturnEvent):
    """A return request was declined, with the reason."""

    type = "returns.return_declined.v1"
    reason: str
    actor: str


@dataclass(frozen=True, kw_only=True)
class ReturnCancelled(ReturnEvent):
    """A return was cancelled before its goods arrived."""

    type = "returns.return_cancelled.v1"
    actor: str


@dataclass(frozen=True, kw_only=True)
class ReturnInTransit(ReturnEvent):
    """The customer sent the return's parcel (tracking number when known)."""

    type = "returns.return_in_transit.v1"
    tracking_number: str | None


@dataclass(frozen=True, kw_only=True)
class ReturnReceived(ReturnEvent):
    """Returned units arrived at the receiving location."""

    type = "returns.return_received.v1"
    location: str
    lines: tuple[ReturnUnits, ...]
    actor: str


@dataclass(frozen=True, kw_only=True)
class ReturnInspected(ReturnEvent):
    """Returned units were inspected and given dispositions (restock, write off...)."""

    type = "returns.return_inspected.v1"
    location: str
    lines: tuple[InspectedUnits, ...]
    complete: bool
    """Every received unit is inspected now."""
    actor: str


@dataclass(frozen=True, kw_only=True)
class ReturnCompleted(ReturnEvent):
    """A return was resolved: refund, store credit or exchange, with any restocking fee."""

    type = "returns.return_completed.v1"
    resolution: str
    refund: Money | None
    restocking_fee: Money | None
    items_kept: bool
    """Resolved without the goods coming back."""


@dataclass(frozen=True, kw_only=True)
class ExchangeShipped(ReturnEvent):
    """The replacement of an exchange was shipped."""

    type = "returns.exchange_shipped.v1"
    exchange_order_id: UUID
    lines: tuple[ReturnUnits, ...]
    """The replacement units that left (lines of the exchange order)."""


@dataclass(frozen=True, kw_only=True)
class ClaimResolved(ReturnEvent):
    """A claim (lost or damaged parcel) was resolved by a refund or a reshipment."""

    type = "returns.claim_resolved.v1"
    resolution: str
    refund: Money | None
    reship_order_id: UUID | None


@dataclass(frozen=True, kw_only=True)
class ReturnPolicyChanged(Event):
    """A channel's return policy was set (``aggregate_id`` is the channel's id)."""

    type = "returns.return_policy_changed.v1"
    aggregate = "return_policy"
    channel: str
    version: int
    actor: str
    occurred_at: datetime


EVENTS: tuple[type[Event], ...] = (
    ReturnPolicyChanged,
    ReturnRequested,
    ReturnApproved,
    ReturnDeclined,
    ReturnCancelled,
    ReturnInTransit,
    ReturnReceived,
    ReturnInspected,
    ReturnCompleted,
    ExchangeShipped,
    ClaimResolved,
)
