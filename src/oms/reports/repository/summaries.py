"""The order-based reports read from the summary tables (ADR 0015), the same figures as the
operational SQL (``sales``, ``customers``) that defines them.

Day sums answer any range, granularity and filter (a period is a set of days). The customer
reports need distinct customers per period: the day sums keep them for the whole store (no
channel or country filter) per day, week and month, so they answer when the range's edges cut
no period that has orders outside the range; otherwise — and under a channel or country
filter — the customer reports run on the per-order facts, which are narrower than the
operational tables but still one row per order. RFM reads each customer's totals when the range
holds every order, else the facts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from oms.reports.domain import (
    Filters,
    Granularity,
    Report,
    ReportName,
    Value,
    basis_points,
    quotient,
)
from oms.reports.repository import customers as plain_customers
from oms.reports.repository import operations as plain_operations
from oms.reports.repository import sales as plain_sales
from oms.reports.repository.base import dialect_of, fetch, params, where
from oms.reports.repository.refresh import text_period


def _days(filters: Filters, **more: Any) -> dict[str, Any]:
    found = params(filters, first_day=filters.start.isoformat(), last_day=filters.end.isoformat())
    found.update(more)
    return found


def _scope(filters: Filters, alias: str = "s") -> str:
    conditions = [f"{alias}.day >= :first_day", f"{alias}.day <= :last_day"]
    if filters.channel is not None:
        conditions.append(f"{alias}.channel_code = :channel")
    if filters.country is not None:
        conditions.append(f"{alias}.country = :country")
    return where(conditions)


def _grain(granularity: Granularity) -> str:
    return granularity.value


def sales(connection: Connection, filters: Filters) -> Report:
    d = dialect_of(connection)
    period = text_period(d, "s.day", _grain(filters.granularity))
    keys = f"{period}, s.channel_code, s.country, s.currency"
    found = fetch(
        connection,
        f"SELECT {keys}, SUM(s.orders), SUM(s.units), SUM(s.gross_minor), "
        "SUM(s.discounts_minor), SUM(s.tax_minor), SUM(s.shipping_minor), SUM(s.other_minor), "
        f"SUM(s.net_minor) FROM report_sales_days s WHERE {_scope(filters)} GROUP BY {keys}",
        _days(filters),
    )
    rows: list[tuple[Value, ...]] = []
    for row in sorted(found, key=lambda r: tuple(str(v) for v in r[:4])):
        count, units, gross, discount, tax, shipping, other, net = (int(v or 0) for v in row[4:])
        rows.append(
            (*row[:4], count, units, gross, discount, tax, shipping, other, net,
             quotient(net, count))
        )  # fmt: skip
    return Report(ReportName.SALES, filters, plain_sales.SALES, rows)


def products(connection: Connection, filters: Filters) -> Report:
    d = dialect_of(connection)
    found = fetch(
        connection,
        "SELECT sku, currency, orders, units, gross, discounts, net FROM ("
        "SELECT s.sku AS sku, s.currency AS currency, SUM(s.orders) AS orders, "
        "SUM(s.units) AS units, SUM(s.gross_minor) AS gross, SUM(s.discounts_minor) AS discounts, "
        "SUM(s.net_minor) AS net, ROW_NUMBER() OVER (PARTITION BY s.currency "
        f"ORDER BY SUM(s.net_minor) DESC, {d.bytewise('s.sku')}) AS position "
        f"FROM report_product_days s WHERE {_scope(filters)} GROUP BY s.sku, s.currency "
        f"HAVING SUM(s.lines) > 0) ranked WHERE position <= {plain_sales.TOP} "
        "ORDER BY currency, position",
        _days(filters),
    )
    return Report(ReportName.PRODUCTS, filters, plain_sales.PRODUCTS, plain_sales.ranked(found))


def categories(connection: Connection, filters: Filters) -> Report:
    """The day sums of SKUs, each SKU under its product's category now."""
    d = dialect_of(connection)
    category = "COALESCE(p.category, '')"
    found = fetch(
        connection,
        "SELECT category, currency, skus, lines, units, gross, discounts, net FROM ("
        f"SELECT {category} AS category, s.currency AS currency, "
        "COUNT(DISTINCT CASE WHEN s.lines > 0 THEN s.variant_id END) AS skus, "
        "SUM(s.lines) AS lines, "
        "SUM(s.units) AS units, "
        "SUM(s.gross_minor) AS gross, SUM(s.discounts_minor) AS discounts, "
        "SUM(s.net_minor) AS net, ROW_NUMBER() OVER (PARTITION BY s.currency "
        f"ORDER BY SUM(s.net_minor) DESC, {d.bytewise(category)}) AS position "
        "FROM report_product_days s JOIN product_variants v ON v.id = s.variant_id "
        f"JOIN products p ON p.id = v.product_id WHERE {_scope(filters)} "
        f"GROUP BY {category}, s.currency HAVING SUM(s.lines) > 0) ranked "
        f"WHERE position <= {plain_sales.TOP} ORDER BY currency, position",
        _days(filters),
    )
    return Report(ReportName.CATEGORIES, filters, plain_sales.CATEGORIES, plain_sales.ranked(found))


def returns(connection: Connection, filters: Filters) -> Report:
    found = fetch(
        connection,
        "SELECT s.kind, s.reason, s.channel_code, s.sku, s.currency, SUM(s.units), "
        f"SUM(s.value_minor) FROM report_order_returns s WHERE {_scope(filters)} "
        "GROUP BY s.kind, s.reason, s.channel_code, s.sku, s.currency",
        _days(filters),
    )
    credited = [] if filters.country is not None else plain_sales.credits(connection, filters)
    # Rates need the units ordered of each channel x SKU x currency that has a row; without
    # credits (whose codes may be any SKU) only SKUs ever cancelled or returned can.
    returned_only = (
        ""
        if credited
        else "AND EXISTS (SELECT 1 FROM report_order_returns x "
        "WHERE x.sku = s.sku AND x.channel_code = s.channel_code AND x.currency = s.currency) "
    )
    ordered = fetch(
        connection,
        "SELECT s.channel_code, s.sku, s.currency, SUM(s.ordered_units) "
        f"FROM report_product_days s WHERE {_scope(filters)} {returned_only}"
        "GROUP BY s.channel_code, s.sku, s.currency",
        _days(filters),
    )
    denominators: dict[tuple[Value, ...], int] = defaultdict(int)
    for row in ordered:
        denominators[row[:3]] += int(row[3] or 0)
    rows: list[tuple[Value, ...]] = []
    for row in sorted([*found, *credited], key=lambda r: tuple(str(v) for v in r[:5])):
        units, value = int(row[5] or 0), int(row[6] or 0)
        base = denominators.get(row[2:5], 0)
        rows.append((*row[:5], units, value, base, basis_points(units, base)))
    return Report(ReportName.RETURNS, filters, plain_sales.RETURNS, rows)


# -- customers ----------------------------------------------------------------------------------


def _period_bounds(day: date, granularity: Granularity) -> tuple[date, date]:
    """The first and last day of the period holding ``day``."""
    if granularity is Granularity.DAY:
        return day, day
    if granularity is Granularity.WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _any_between(connection: Connection, first: date, last: date) -> bool:
    """Whether any order was placed from ``first`` to ``last`` (days, both included)."""
    if first > last:
        return False
    found = fetch(
        connection,
        "SELECT 1 FROM report_orders WHERE day >= :a AND day <= :b LIMIT 1",
        {"a": first.isoformat(), "b": last.isoformat()},
    )
    return bool(found)


def _whole_periods(connection: Connection, filters: Filters, granularity: Granularity) -> bool:
    """The range cuts no period that has orders outside it: each period's figures over the
    range are its figures over the whole period."""
    head, _ = _period_bounds(filters.start, granularity)
    _, tail = _period_bounds(filters.end, granularity)
    return not _any_between(
        connection, head, filters.start - timedelta(days=1)
    ) and not _any_between(connection, filters.end + timedelta(days=1), tail)


def _unfiltered(filters: Filters) -> bool:
    return filters.channel is None and filters.country is None


def customers(connection: Connection, filters: Filters) -> Report:
    if not (_unfiltered(filters) and _whole_periods(connection, filters, filters.granularity)):
        return plain_customers.customers(connection, filters, plain_customers.FACTS)
    d = dialect_of(connection)
    grain = _grain(filters.granularity)
    period = text_period(d, "s.day", grain)
    found = fetch(
        connection,
        f"SELECT {period}, s.currency, SUM(s.customers_{grain}), SUM(s.new_customers_{grain}), "
        f"SUM(s.customers_{grain}) - SUM(s.new_customers_{grain}), SUM(s.new_orders_{grain}), "
        f"SUM(s.orders) - SUM(s.new_orders_{grain}), SUM(s.new_net_{grain}), "
        f"SUM(s.net_minor) - SUM(s.new_net_{grain}) FROM report_customer_days s "
        f"WHERE {_scope(filters)} GROUP BY {period}, s.currency",
        _days(filters),
    )
    rows: list[tuple[Value, ...]] = [
        (*row[:2], *(int(v or 0) for v in row[2:]))
        for row in sorted(found, key=lambda r: (str(r[0]), str(r[1])))
    ]
    return Report(ReportName.CUSTOMERS, filters, plain_customers.CUSTOMERS, rows)


def _month_number(month: str) -> str:
    return f"(CAST(substr({month}, 1, 4) AS INTEGER) * 12 + CAST(substr({month}, 6, 2) AS INTEGER))"


def cohorts(connection: Connection, filters: Filters) -> Report:
    if not (_unfiltered(filters) and _whole_periods(connection, filters, Granularity.MONTH)):
        return plain_customers.cohorts(connection, filters, plain_customers.FACTS)
    month = "substr(s.day, 1, 7)"
    found = fetch(
        connection,
        f"SELECT s.cohort, {_month_number(month)} - {_month_number('s.cohort')}, "
        f"SUM(s.active) FROM report_cohort_days s WHERE {_scope(filters)} "
        f"AND s.cohort >= :first_month GROUP BY s.cohort, {month}",
        _days(filters, first_month=filters.start.isoformat()[:7]),
    )
    return plain_customers.cohort_report(filters, found)


def rfm(connection: Connection, filters: Filters) -> Report:
    everything = _unfiltered(filters) and not (
        _any_between(connection, date.min, filters.start - timedelta(days=1))
        or _any_between(connection, filters.end + timedelta(days=1), date.max)
    )
    if not everything:
        return plain_customers.rfm(connection, filters, plain_customers.FACTS)
    return plain_customers.rfm_report(
        connection,
        filters,
        "SELECT customer_id, currency, last_at, orders, monetary_minor AS monetary "
        "FROM report_customer_totals",
    )


def fulfilment(connection: Connection, filters: Filters) -> Report:
    """The orders' fulfilment figures summed per day (each order under its placement day)."""
    d = dialect_of(connection)
    period = text_period(d, "s.day", _grain(filters.granularity))
    found = fetch(
        connection,
        f"SELECT {period}, s.channel_code, SUM(s.orders), SUM(s.split), "
        "SUM(s.fulfilment_orders), SUM(s.shipped), SUM(s.ship_seconds), SUM(s.late), "
        "SUM(s.delivered), SUM(s.deliver_seconds) FROM report_fulfilment_days s "
        f"WHERE {_scope(filters)} GROUP BY {period}, s.channel_code",
        _days(filters),
    )
    return plain_operations.fulfilment_report(filters, found)


def demand_28d(connection: Connection, filters: Filters) -> dict[Value, int]:
    """``operations.demand_28d`` from the day sums of products."""
    start = filters.end_exclusive - timedelta(days=28)
    recent = Filters(start=start, end=filters.end, channel=filters.channel, country=filters.country)
    found = fetch(
        connection,
        f"SELECT s.sku, SUM(s.units) FROM report_product_days s WHERE {_scope(recent)} "
        "GROUP BY s.sku",
        _days(recent),
    )
    return {row[0]: int(row[1] or 0) for row in found}


def inventory(connection: Connection, filters: Filters) -> Report:
    return plain_operations.inventory(connection, filters, demand_28d)
