"""Reading many orders at once: the dashboard's figures and a customer's buying history.

Every figure is aggregate SQL over an index (``repository/insight.py``), so the dashboard and
a customer's page cost the same with a hundred orders or a hundred thousand.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from oms.orders.domain.insight import CustomerFigures, CustomerOrder, OrderDashboard
from oms.orders.repository.insight import INSIGHT
from oms.platform.unit_of_work import UnitOfWork


def order_dashboard(*, uow: UnitOfWork, first_day: datetime, days: int = 7) -> OrderDashboard:
    """Orders and revenue per day from ``first_day`` (a UTC midnight) for ``days`` days, per
    channel and currency; orders with an open hold by reason; orders waiting for stock."""
    starts = tuple(first_day + timedelta(days=n) for n in range(days + 1))
    with uow.read() as tx:
        insight = tx.repo(INSIGHT)
        return OrderDashboard(
            days=starts[:-1],
            sales=tuple(insight.sales(starts)),
            on_hold=insight.open_holds(),
            backordered=insight.backordered_orders(),
        )


def customer_orders(
    customer_id: UUID,
    *,
    uow: UnitOfWork,
    after: tuple[datetime, UUID] | None = None,
    limit: int = 25,
) -> list[CustomerOrder]:
    """The customer's orders in every channel, newest first (keyset paging on placed_at, id)."""
    with uow.read() as tx:
        return tx.repo(INSIGHT).customer_orders(customer_id, after=after, limit=limit)


def customer_figures(customer_id: UUID, *, uow: UnitOfWork) -> CustomerFigures:
    """How the customer buys: lifetime value and average order per currency, how often, when
    last, and how much of what they received they sent back."""
    with uow.read() as tx:
        return tx.repo(INSIGHT).customer_figures(customer_id)
