"""The orders domain: pure rules, no I/O."""

from oms.orders.domain.errors import (
    ChangeNotFound,
    HoldNotFound,
    InsufficientStock,
    InvalidOrder,
    NotEditable,
    NothingToCancel,
    OrderNotFound,
    OrderOnHold,
    StaleOrderVersion,
    VersionRequired,
)
from oms.orders.domain.holds import (
    DEFAULT_RULES,
    RULE_REASONS,
    Hold,
    HoldReason,
    HoldRule,
    HoldRuleSetting,
    PlacementFacts,
    triggered,
)
from oms.orders.domain.lifecycle import (
    ORDER_LIFECYCLE,
    FulfilmentStatus,
    OrderAction,
    OrderStatus,
    PaymentStatus,
    ReturnStatus,
)
from oms.orders.domain.model import Allocation, Buyer, Order, OrderLine, Totals
from oms.orders.domain.timeline import TimelineEntry

__all__ = [
    "DEFAULT_RULES",
    "ORDER_LIFECYCLE",
    "RULE_REASONS",
    "Allocation",
    "Buyer",
    "ChangeNotFound",
    "FulfilmentStatus",
    "Hold",
    "HoldNotFound",
    "HoldReason",
    "HoldRule",
    "HoldRuleSetting",
    "InsufficientStock",
    "InvalidOrder",
    "NotEditable",
    "NothingToCancel",
    "Order",
    "OrderAction",
    "OrderLine",
    "OrderNotFound",
    "OrderOnHold",
    "OrderStatus",
    "PaymentStatus",
    "PlacementFacts",
    "ReturnStatus",
    "StaleOrderVersion",
    "TimelineEntry",
    "Totals",
    "VersionRequired",
    "triggered",
]
