"""A step: the merchant's automatic hold rules as they apply now, for placement and the API.

Reference data, so read through the process's reference cache (one version read per
transaction, docs/decisions/0008-reference-data-cache.md). The settings it hands out are shared
by every thread of the process: read them, never change them.
"""

from __future__ import annotations

from oms.orders.domain import HoldRuleSetting, resolve_rules
from oms.orders.repository import HOLD_RULES
from oms.platform.unit_of_work import UnitOfWork


def in_force(*, uow: UnitOfWork) -> tuple[HoldRuleSetting, ...]:
    """Every automatic hold rule: the merchant's settings on top of the defaults."""
    with uow.read() as tx:
        return tx.reference.get(
            ("orders.hold_rules",), lambda: resolve_rules(tx.repo(HOLD_RULES).overrides())
        )
