"""Order numbers by order id, for pages that list other contexts' records of orders (payments,
reconciliation exceptions) and link each to its order as people name it."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from oms.orders.repository.numbers import ORDER_NUMBERS
from oms.platform.unit_of_work import UnitOfWork


def order_numbers(order_ids: Collection[UUID], *, uow: UnitOfWork) -> dict[UUID, str]:
    """Each known order's number (``SO-10001``) by its id; unknown ids are absent."""
    with uow.read() as tx:
        return tx.repo(ORDER_NUMBERS).numbers(set(order_ids))
