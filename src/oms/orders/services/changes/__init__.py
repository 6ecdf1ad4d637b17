"""Order changes: edits previewed with their money difference, then confirmed.

A preview checks the operations, prices the order as it would be and checks stock for the
units it adds without taking any, then stores itself; nothing else changes. Confirming runs
the same work again under locks (the order row, then every stock row it may touch, in key
order) and applies it in one transaction: cancelled units release their stock (backordered
units first, as a cancellation does), added units are allocated or backordered, the order is
repriced and its version bumped.

A change that moves the order to or from pickup, or to another store, releases every
allocation and sources all open units again at the new locations: simpler than moving units
one by one, and exact, since the release and the new plan work on the same locked rows.
"""

from oms.orders.services.changes.confirmation import confirm_change
from oms.orders.services.changes.previews import list_changes, preview_change

__all__ = ["confirm_change", "list_changes", "preview_change"]
