"""Payments: tenders on an append-only ledger, providers, refunds, store credit (issue 9).

Public interface for other contexts and the composition root (H1 fills it).
"""

from oms.platform.subscriptions import Subscription
from oms.shared.events import Event

EVENTS: tuple[type[Event], ...] = ()
SUBSCRIPTIONS: tuple[Subscription, ...] = ()

__all__ = ["EVENTS", "SUBSCRIPTIONS"]
