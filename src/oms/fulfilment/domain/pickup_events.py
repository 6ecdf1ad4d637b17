"""Events of pickup in store (``aggregate_id`` is the fulfilment order's id).

``ReadyForPickup`` and ``PickupCodeReissued`` carry the pickup code itself: the notifications
context mails it to the customer, and the FO keeps only its hash. The outbox row holds the code
until housekeeping deletes delivered events; the code is worth little without the customer at
the counter, expires with the hold and locks after five wrong tries (``oms.fulfilment.domain.
pickup``). ``location`` is the pickup store (for a transfer, not the FO's sourcing location).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from oms.fulfilment.domain.events import FulfilmentOrderEvent, FulfilmentUnits
from oms.shared.events import Event


@dataclass(frozen=True, kw_only=True)
class ReadyForPickup(FulfilmentOrderEvent):
    """The units wait at the store; collect them with ``pickup_code`` until ``expires_on``."""

    type = "fulfilment.ready_for_pickup.v1"
    order_number: str
    pickup_code: str
    expires_on: date
    actor: str


@dataclass(frozen=True, kw_only=True)
class PickupCodeReissued(FulfilmentOrderEvent):
    """A new code replaces the old one (lost, or the handover was locked by wrong codes)."""

    type = "fulfilment.pickup_code_reissued.v1"
    order_number: str
    pickup_code: str
    expires_on: date
    actor: str


@dataclass(frozen=True, kw_only=True)
class PickupCodeRefused(FulfilmentOrderEvent):
    """A wrong code was tried at the counter; ``locked`` once the attempts are used up."""

    type = "fulfilment.pickup_code_refused.v1"
    attempts: int
    locked: bool
    actor: str


@dataclass(frozen=True, kw_only=True)
class PickedUp(FulfilmentOrderEvent):
    """The customer collected the units with the right code."""

    type = "fulfilment.picked_up.v1"
    order_number: str
    lines: tuple[FulfilmentUnits, ...]
    actor: str


@dataclass(frozen=True, kw_only=True)
class UncollectedPickupCancelled(FulfilmentOrderEvent):
    """Not collected within the hold: the units went back to the store's stock."""

    type = "fulfilment.uncollected_pickup_cancelled.v1"
    order_number: str
    reason: str
    lines: tuple[FulfilmentUnits, ...]
    actor: str


EVENTS: tuple[type[Event], ...] = (
    ReadyForPickup,
    PickupCodeReissued,
    PickupCodeRefused,
    PickedUp,
    UncollectedPickupCancelled,
)
