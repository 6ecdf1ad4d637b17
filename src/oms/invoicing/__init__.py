"""Invoices and credit notes: gap-free numbers, PDF in the customer's locale (issue 9, H4)."""

from oms.platform.subscriptions import Subscription
from oms.shared.events import Event

EVENTS: tuple[type[Event], ...] = ()
SUBSCRIPTIONS: tuple[Subscription, ...] = ()

__all__ = ["EVENTS", "SUBSCRIPTIONS"]
