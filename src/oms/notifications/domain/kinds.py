"""The customer notifications oms sends, and whether each is transactional.

A transactional mail tells the customer about their own order (confirmation, shipment, refund);
it is sent whatever their marketing consent. A mail that is not (a review request) goes only
to customers who consented.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

REVIEW_DELAY = timedelta(days=3)
"""A review request waits this long after the last unit arrived (the customer tried it on)."""


class NotificationKind(StrEnum):
    ORDER_CONFIRMATION = "order_confirmation"
    PAYMENT_PENDING = "payment_pending"
    """The order waits for payment (the channel takes payment before confirmation)."""
    ORDER_SHIPPED = "order_shipped"
    READY_FOR_PICKUP = "ready_for_pickup"
    ORDER_DELIVERED = "order_delivered"
    BACKORDER_DELAYED = "backorder_delayed"
    RETURN_APPROVED = "return_approved"
    REFUND_ISSUED = "refund_issued"
    STORE_CREDIT_ISSUED = "store_credit_issued"
    REVIEW_REQUEST = "review_request"
    """After delivery, ask how the order went: marketing, so only with consent."""

    @property
    def transactional(self) -> bool:
        return self is not NotificationKind.REVIEW_REQUEST

    @property
    def delay(self) -> timedelta:
        """How long after its event the mail is due (nothing but a review request waits)."""
        return REVIEW_DELAY if self is NotificationKind.REVIEW_REQUEST else timedelta(0)
