"""The values a return is made of: why goods come back (reasons), what becomes of them
(dispositions), how a return ends (resolutions), who pays the way back, and the return's lines
as frozen values. The aggregate that changes them is ``oms.returns.domain.returns``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from oms.returns.domain.lifecycle import ReturnKind, ReturnSource


class ReturnReason(StrEnum):
    WRONG_SIZE = "wrong_size"
    DAMAGED = "damaged"
    NOT_AS_DESCRIBED = "not_as_described"
    CHANGED_MIND = "changed_mind"
    LATE_DELIVERY = "late_delivery"
    OTHER = "other"
    ITEM_MISSING = "item_missing"
    ARRIVED_DAMAGED = "arrived_damaged"
    WRONG_ITEM = "wrong_item"


RETURN_REASONS = (
    ReturnReason.WRONG_SIZE,
    ReturnReason.DAMAGED,
    ReturnReason.NOT_AS_DESCRIBED,
    ReturnReason.CHANGED_MIND,
    ReturnReason.LATE_DELIVERY,
    ReturnReason.OTHER,
)
"""Why goods are sent back (returns and exchanges); the policy has a rule for each."""

CLAIM_REASONS = (ReturnReason.ITEM_MISSING, ReturnReason.ARRIVED_DAMAGED, ReturnReason.WRONG_ITEM)
"""Why the customer is made whole without sending anything back."""


class Disposition(StrEnum):
    RESTOCK = "restock"
    DAMAGED = "damaged"
    WRITE_OFF = "write_off"
    RETURN_TO_CUSTOMER = "return_to_customer"


class Resolution(StrEnum):
    REFUND = "refund"
    STORE_CREDIT = "store_credit"
    EXCHANGE = "exchange"
    RESHIP = "reship"


class ShippingPayer(StrEnum):
    CUSTOMER = "customer"
    MERCHANT = "merchant"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnLine:
    """Units of one order line asked back, and what became of them."""

    line_id: UUID
    sku: str
    quantity: int
    reason: ReturnReason
    note: str | None = None
    received: int = 0
    inspected: int = 0
    disposition: Disposition | None = None
    unit_refund_minor: int | None = None
    """What one inspected unit refunds (set by the resolution)."""

    @property
    def outstanding(self) -> int:
        """Asked back and not (yet) received."""
        return self.quantity - self.received


@dataclass(frozen=True, slots=True, kw_only=True)
class NewReturn:
    """What a return is requested with: the order it belongs to and the lines asked back."""

    order_id: UUID
    order_number: str
    channel: str
    currency: str
    kind: ReturnKind
    source: ReturnSource
    return_shipping_paid_by: ShippingPayer
    lines: tuple[ReturnLine, ...]
    note: str = ""
    evidence: tuple[str, ...] = ()
    actor: str
