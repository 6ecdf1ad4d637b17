"""Sales, top products and categories, and returns and cancellations: figures of orders by their
placement day."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection

from oms.reports.domain import (
    Filters,
    Kind,
    Report,
    ReportName,
    Value,
    basis_points,
    columns,
    quotient,
)
from oms.reports.repository.base import dialect_of, fetch, params, where
from oms.reports.repository.sql import order_filters

TOP = 50
"""How many products (and categories) per currency the products (categories) report lists."""

SALES = columns(
    {
        "period": Kind.DIMENSION,
        "channel": Kind.DIMENSION,
        "country": Kind.DIMENSION,
        "currency": Kind.DIMENSION,
        "orders": Kind.COUNT,
        "units": Kind.COUNT,
        "gross_minor": Kind.MONEY,
        "discounts_minor": Kind.MONEY,
        "tax_minor": Kind.MONEY,
        "shipping_minor": Kind.MONEY,
        "other_charges_minor": Kind.MONEY,
        "net_minor": Kind.MONEY,
        "average_order_minor": Kind.MONEY,
    }
)


def sales(connection: Connection, filters: Filters) -> Report:
    """Orders not cancelled, by period x channel x shipping country x currency."""
    d = dialect_of(connection)
    keys = (
        f"{d.period('o.placed_at', filters.granularity)}, o.channel_code, "
        f"{d.country('o.shipping_address')}, o.currency"
    )
    scope = f"{order_filters(d, filters)} AND o.status <> 'cancelled'"
    money = fetch(
        connection,
        f"SELECT {keys}, COUNT(*), SUM(o.subtotal_minor), SUM(o.discount_minor), "
        f"SUM(o.tax_minor), SUM(o.shipping_minor), SUM(o.total_minor - o.tax_minor) "
        f"FROM orders o WHERE {scope} GROUP BY {keys}",
        params(filters),
    )
    units = fetch(
        connection,
        f"SELECT {keys}, SUM(l.quantity - l.cancelled_quantity) "
        f"FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE {scope} GROUP BY {keys}",
        params(filters),
    )
    charges = fetch(
        connection,
        f"SELECT {keys}, SUM(c.amount_minor) FROM orders o "
        f"JOIN order_charges c ON c.order_id = o.id WHERE {scope} "
        f"AND c.kind NOT IN ('shipping', 'discount') GROUP BY {keys}",
        params(filters),
    )
    units_of = {row[:4]: row[4] for row in units}
    charges_of = {row[:4]: row[4] for row in charges}
    rows: list[tuple[Value, ...]] = []
    for row in sorted(money, key=_dimensions):
        count, gross, discount, tax, shipping, net = (int(v or 0) for v in row[4:])
        rows.append(
            (*row[:4], count, int(units_of.get(row[:4]) or 0), gross, discount, tax, shipping,
             int(charges_of.get(row[:4]) or 0), net, quotient(net, count))
        )  # fmt: skip
    return Report(ReportName.SALES, filters, SALES, rows)


PRODUCTS = columns(
    {
        "rank": Kind.COUNT,
        "sku": Kind.DIMENSION,
        "currency": Kind.DIMENSION,
        "orders": Kind.COUNT,
        "units": Kind.COUNT,
        "gross_minor": Kind.MONEY,
        "discounts_minor": Kind.MONEY,
        "net_minor": Kind.MONEY,
    }
)


def products(connection: Connection, filters: Filters) -> Report:
    """The ``TOP`` SKUs by net revenue per currency (ties by SKU, bytewise)."""
    d = dialect_of(connection)
    found = fetch(
        connection,
        "SELECT sku, currency, orders, units, gross, discounts, net FROM ("
        "SELECT l.sku AS sku, o.currency AS currency, COUNT(DISTINCT o.id) AS orders, "
        "SUM(l.quantity - l.cancelled_quantity) AS units, SUM(l.subtotal_minor) AS gross, "
        "SUM(l.discount_minor) AS discounts, SUM(l.total_minor - l.tax_minor) AS net, "
        f"ROW_NUMBER() OVER (PARTITION BY o.currency ORDER BY SUM(l.total_minor - l.tax_minor) "
        f"DESC, {d.bytewise('l.sku')}) AS position "
        f"FROM orders o JOIN order_lines l ON l.order_id = o.id "
        f"WHERE {order_filters(d, filters)} AND o.status <> 'cancelled' "
        f"GROUP BY l.sku, o.currency) ranked WHERE position <= {TOP} "
        f"ORDER BY currency, position",
        params(filters),
    )
    return Report(ReportName.PRODUCTS, filters, PRODUCTS, ranked(found))


CATEGORIES = columns(
    {
        "rank": Kind.COUNT,
        "category": Kind.DIMENSION,
        "currency": Kind.DIMENSION,
        "skus": Kind.COUNT,
        "lines": Kind.COUNT,
        "units": Kind.COUNT,
        "gross_minor": Kind.MONEY,
        "discounts_minor": Kind.MONEY,
        "net_minor": Kind.MONEY,
    }
)


def ranked(found: list[tuple[Value, ...]]) -> list[tuple[Value, ...]]:
    """Rows ordered by currency then position, each with its rank within its currency first
    (the second column is the currency)."""
    rows: list[tuple[Value, ...]] = []
    rank = 0
    currency: Value = None
    for row in found:
        rank = rank + 1 if row[1] == currency else 1
        currency = row[1]
        rows.append((rank, *row))
    return rows


def categories(connection: Connection, filters: Filters) -> Report:
    """The ``TOP`` categories by net revenue per currency (ties by category, bytewise), by the
    products' categories now; ``''`` holds the uncategorised."""
    d = dialect_of(connection)
    category = "COALESCE(p.category, '')"
    found = fetch(
        connection,
        "SELECT category, currency, skus, lines, units, gross, discounts, net FROM ("
        f"SELECT {category} AS category, o.currency AS currency, "
        "COUNT(DISTINCT l.variant_id) AS skus, COUNT(*) AS lines, "
        "SUM(l.quantity - l.cancelled_quantity) AS units, SUM(l.subtotal_minor) AS gross, "
        "SUM(l.discount_minor) AS discounts, SUM(l.total_minor - l.tax_minor) AS net, "
        "ROW_NUMBER() OVER (PARTITION BY o.currency ORDER BY SUM(l.total_minor - l.tax_minor) "
        f"DESC, {d.bytewise(category)}) AS position "
        "FROM orders o JOIN order_lines l ON l.order_id = o.id "
        "JOIN product_variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id "
        f"WHERE {order_filters(d, filters)} AND o.status <> 'cancelled' "
        f"GROUP BY {category}, o.currency) ranked WHERE position <= {TOP} "
        "ORDER BY currency, position",
        params(filters),
    )
    return Report(ReportName.CATEGORIES, filters, CATEGORIES, ranked(found))


RETURNS = columns(
    {
        "kind": Kind.DIMENSION,
        "reason": Kind.DIMENSION,
        "channel": Kind.DIMENSION,
        "sku": Kind.DIMENSION,
        "currency": Kind.DIMENSION,
        "units": Kind.COUNT,
        "value_minor": Kind.MONEY,
        "ordered_units": Kind.COUNT,
        "rate_bp": Kind.BASIS_POINTS,
    }
)


def returns(connection: Connection, filters: Filters) -> Report:
    """Units cancelled and returned, by kind x reason x channel x SKU x currency, with the share
    of the units ordered of that SKU on that channel (orders placed in the range)."""
    d = dialect_of(connection)
    scope = order_filters(d, filters)
    values = params(filters)
    cancelled = fetch(
        connection,
        "SELECT 'cancellation', COALESCE(o.cancel_reason, ''), o.channel_code, l.sku, o.currency, "
        "SUM(l.cancelled_quantity), SUM(l.cancelled_quantity * l.unit_price_minor) "
        f"FROM orders o JOIN order_lines l ON l.order_id = o.id "
        f"WHERE {scope} AND l.cancelled_quantity > 0 "
        "GROUP BY COALESCE(o.cancel_reason, ''), o.channel_code, l.sku, o.currency",
        values,
    )
    returned = fetch(
        connection,
        "SELECT 'return', rl.reason, o.channel_code, l.sku, o.currency, SUM(rl.quantity), "
        "SUM(rl.quantity * l.unit_price_minor) FROM returns r "
        "JOIN return_lines rl ON rl.return_id = r.id JOIN order_lines l ON l.id = rl.line_id "
        f"JOIN orders o ON o.id = r.order_id WHERE {scope} "
        "AND r.status NOT IN ('declined', 'cancelled') "
        "GROUP BY rl.reason, o.channel_code, l.sku, o.currency",
        values,
    )
    credited = [] if filters.country is not None else credits(connection, filters)
    ordered = fetch(
        connection,
        "SELECT o.channel_code, l.sku, o.currency, SUM(l.quantity) FROM orders o "
        f"JOIN order_lines l ON l.order_id = o.id WHERE {scope} "
        "GROUP BY o.channel_code, l.sku, o.currency",
        values,
    )
    denominators: dict[tuple[Value, ...], int] = defaultdict(int)
    for row in ordered:
        denominators[row[:3]] += int(row[3] or 0)
    rows: list[tuple[Value, ...]] = []
    for row in sorted([*cancelled, *returned, *credited], key=_dimensions):
        units, value = int(row[5] or 0), int(row[6] or 0)
        base = denominators.get(row[2:5], 0)
        rows.append((*row[:5], units, value, base, basis_points(units, base)))
    return Report(ReportName.RETURNS, filters, RETURNS, rows)


def credits(connection: Connection, filters: Filters) -> list[tuple[Value, ...]]:
    """Standalone credits of the history import (credit-note lines that matched no order's
    units), by their own day: money back is negative in the table, positive here. They name no
    address, so a country filter leaves them out (the caller does not ask)."""
    scope = where(
        "c.occurred_at >= :start",
        "c.occurred_at < :end",
        ["c.channel_code = :channel"] if filters.channel is not None else [],
    )
    return fetch(
        connection,
        "SELECT 'credit', c.kind, c.channel_code, c.code, c.currency, -SUM(c.quantity), "
        f"-SUM(c.amount_minor) FROM history_credits c WHERE {scope} "
        "GROUP BY c.kind, c.channel_code, c.code, c.currency",
        params(filters),
    )


def _dimensions(row: tuple[Value, ...]) -> tuple[str, ...]:
    return tuple(str(value) for value in row[:5])
