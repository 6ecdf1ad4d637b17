"""Where orders are kept: one port per repository, bound to the unit of work.

Services ask ``tx.repo(ORDERS)`` (or ``TIMELINE``, ``CHANGES``, ``HOLD_RULES``) and get an object
of the port's protocol; the SQL classes behind them (SQLAlchemy Core, one module per concern)
are private, and an in-memory double serves the same protocol in unit tests.
"""

from oms.orders.repository.changes import Changes, HoldRules, SqlChanges, SqlHoldRules
from oms.orders.repository.orders import Orders, SqlOrders
from oms.orders.repository.queries import OrderFilter, SqlTimeline, Timeline
from oms.platform.unit_of_work import Port

ORDERS: Port[Orders] = Port("orders.orders", SqlOrders)
TIMELINE: Port[Timeline] = Port("orders.timeline", SqlTimeline)
CHANGES: Port[Changes] = Port("orders.changes", SqlChanges)
HOLD_RULES: Port[HoldRules] = Port("orders.hold_rules", SqlHoldRules)

__all__ = [
    "CHANGES",
    "HOLD_RULES",
    "ORDERS",
    "TIMELINE",
    "Changes",
    "HoldRules",
    "OrderFilter",
    "Orders",
    "Timeline",
]
