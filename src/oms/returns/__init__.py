"""Returns: the reverse flow from the customer's request to refund and restock, exchanges and
claims, by each channel's return policy.

Public interface for other contexts; everything else in this package is private. Returns sits on
top: it changes an order through ``oms.orders``, money through ``oms.payments``, stock through
``oms.inventory`` and ships replacements through ``oms.fulfilment``, in its own transactions.
"""

from oms.platform.subscriptions import Subscription
from oms.returns.domain.events import EVENTS as _EVENTS
from oms.returns.domain.events import ReturnApproved
from oms.returns.domain.lifecycle import ReturnKind, ReturnStatus
from oms.returns.handlers import SUBSCRIPTIONS as _HANDLED
from oms.returns.services.labels import return_label
from oms.returns.services.requests import get_return
from oms.shared.events import Event

__all__ = [
    "EVENTS",
    "SUBSCRIPTIONS",
    "ReturnApproved",
    "ReturnKind",
    "ReturnStatus",
    "get_return",
    "return_label",
]

EVENTS: tuple[type[Event], ...] = _EVENTS
SUBSCRIPTIONS: tuple[Subscription, ...] = _HANDLED
