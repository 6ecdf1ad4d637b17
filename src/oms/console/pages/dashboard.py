"""The dashboard: what needs attention today, each figure a link to the list behind it.

Every tile is one aggregate query in the context that owns the figure (orders, payments,
fulfilment, returns, inventory), shown only to roles that may read that context: a tile the
user cannot open is a tile they do not see. Days are UTC days (the console writes UTC times),
the week runs Monday to Sunday, and money stays per currency: revenue of different currencies
is shown side by side, never added.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from babel.dates import format_date
from fastapi import APIRouter, Depends, Request, Response

from oms.console.shell import ConsoleRequires, Staff, render
from oms.console.shell.guard import uow_of
from oms.fulfilment.services.lateness import count_late_fulfilment_orders
from oms.inventory.services.low_stock import count_low_stock
from oms.orders import HoldReason
from oms.orders.domain.insight import OrderDashboard
from oms.orders.services.insight import order_dashboard
from oms.payments.services.failures import RECENT, count_payment_failures
from oms.platform.security import Permission
from oms.returns.domain.lifecycle import ReturnStatus
from oms.returns.services.desk import count_returns
from oms.shared.money import Money

router = APIRouter(prefix="/console", include_in_schema=False)

Signed = Annotated[Staff, Depends(ConsoleRequires(None))]

DAYS = 7
OPEN_RETURNS = (
    ReturnStatus.REQUESTED,
    ReturnStatus.APPROVED,
    ReturnStatus.IN_TRANSIT,
    ReturnStatus.RECEIVED,
    ReturnStatus.INSPECTED,
)
"""Returns someone still has to act on (decide, await, receive, inspect, resolve)."""


@dataclass(slots=True)
class SalesRow:
    """One channel's orders and revenue in one currency, per day of the week and in total."""

    channel: str
    currency: str
    orders: list[int]
    revenue: list[int]

    @property
    def week_orders(self) -> int:
        return sum(self.orders)

    @property
    def week_revenue(self) -> int:
        return sum(self.revenue)


@dataclass(slots=True)
class Sales:
    """The week's sales arranged for the charts, the table and the today tiles."""

    labels: list[str]
    today: int
    rows: list[SalesRow]
    orders_chart: dict[str, Any] = field(default_factory=dict)
    revenue_charts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def orders_on(self, day: int) -> int:
        return sum(row.orders[day] for row in self.rows)

    def revenue_on(self, day: int) -> list[tuple[str, int]]:
        """Revenue of one day per currency (never added across currencies)."""
        totals: dict[str, int] = defaultdict(int)
        for row in self.rows:
            totals[row.currency] += row.revenue[day]
        return sorted(totals.items())

    @property
    def week_orders(self) -> int:
        return sum(row.week_orders for row in self.rows)

    @property
    def week_revenue(self) -> list[tuple[str, int]]:
        totals: dict[str, int] = defaultdict(int)
        for row in self.rows:
            totals[row.currency] += row.week_revenue
        return sorted(totals.items())


def week_start(now: datetime) -> datetime:
    """Monday 00:00 UTC of the week ``now`` falls in."""
    today = now.astimezone(UTC).date()
    monday = today - timedelta(days=today.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def arrange_sales(figures: OrderDashboard, now: datetime, language: str) -> Sales:
    """The week's rows per channel and currency, and the chart data built from them."""
    rows: dict[tuple[str, str], SalesRow] = {}
    for sale in figures.sales:
        row = rows.setdefault(
            (sale.channel, sale.currency),
            SalesRow(sale.channel, sale.currency, [0] * DAYS, [0] * DAYS),
        )
        row.orders[sale.day] += sale.orders
        row.revenue[sale.day] += sale.revenue_minor
    labels = [format_date(day, "EEE d MMM", locale=language) for day in figures.days]
    today = (now.astimezone(UTC).date() - figures.days[0].date()).days
    sales = Sales(labels=labels, today=today, rows=sorted(rows.values(), key=_row_order))
    sales.orders_chart = _orders_chart(sales)
    sales.revenue_charts = _revenue_charts(sales)
    return sales


def _row_order(row: SalesRow) -> tuple[str, str]:
    return row.channel, row.currency


def _orders_chart(sales: Sales) -> dict[str, Any]:
    per_channel: dict[str, list[int]] = {}
    for row in sales.rows:
        counts = per_channel.setdefault(row.channel, [0] * DAYS)
        for day, count in enumerate(row.orders):
            counts[day] += count
    return {
        "labels": sales.labels,
        "datasets": [{"label": code, "data": data} for code, data in per_channel.items()],
        "stacked": True,
    }


def _revenue_charts(sales: Sales) -> list[tuple[str, dict[str, Any]]]:
    """One stacked chart per currency (amounts in major units: a chart draws numbers)."""
    charts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in sales.rows:
        data = [float(Money.from_minor(amount, row.currency).amount) for amount in row.revenue]
        charts[row.currency].append({"label": row.channel, "data": data})
    return [
        (currency, {"labels": sales.labels, "datasets": datasets, "stacked": True})
        for currency, datasets in sorted(charts.items())
    ]


def _order_tiles(request: Request, staff: Staff, now: datetime) -> dict[str, Any]:
    first_day = week_start(now)
    figures = order_dashboard(uow=uow_of(request), first_day=first_day, days=DAYS)
    holds = [(HoldReason(reason), count) for reason, count in sorted(figures.on_hold.items())]
    return {
        "sales": arrange_sales(figures, now, staff.language),
        "week_from": first_day.date().isoformat(),
        "sales_day_from": now.astimezone(UTC).date().isoformat(),
        "holds": holds,
        "backordered": figures.backordered,
    }


def _other_tiles(request: Request, staff: Staff, now: datetime) -> dict[str, Any]:
    uow, principal = uow_of(request), staff.principal
    tiles: dict[str, Any] = {}
    if staff.can(Permission.PAYMENTS_READ):
        tiles["payment_failures"] = count_payment_failures(uow=uow, since=now - RECENT)
    if staff.can(Permission.FULFILMENT_READ):
        tiles["late"] = count_late_fulfilment_orders(
            uow=uow, visible_to_location=principal.location_scope
        )
    if staff.can(Permission.RETURNS_READ):
        counts = count_returns(
            uow=uow, visible_to=principal.channel_scope, location_scope=principal.location_scope
        )
        tiles["returns"] = [(status, counts.get(status, 0)) for status in OPEN_RETURNS]
    if staff.can(Permission.INVENTORY_READ):
        tiles["low_stock"] = count_low_stock(uow=uow, visible_to=principal.channel_scope)
    return tiles


@router.get("")
def dashboard(request: Request, staff: Signed) -> Response:
    """Today's and this week's sales, and what waits for someone, as far as the role sees."""
    now = request.app.state.clock.now()
    context: dict[str, Any] = {"sales": None, "holds": None, "backordered": None}
    if staff.can(Permission.ORDERS_READ):
        context.update(_order_tiles(request, staff, now))
    context.update(_other_tiles(request, staff, now))
    return render(request, "console/dashboard/index.html", context)
