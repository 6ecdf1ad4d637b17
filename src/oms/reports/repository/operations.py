"""Fulfilment (time to ship and deliver, late share, split shipments) and inventory (stock,
value at cost, weeks of cover, stock-outs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection

from oms.reports.domain import Filters, Kind, Report, ReportName, Value, basis_points, columns
from oms.reports.repository.base import dialect_of, fetch, params, where
from oms.reports.repository.sql import order_filters, scope_filters

FULFILMENT = columns(
    {
        "period": Kind.DIMENSION,
        "channel": Kind.DIMENSION,
        "orders": Kind.COUNT,
        "split_orders": Kind.COUNT,
        "fulfilment_orders": Kind.COUNT,
        "shipped": Kind.COUNT,
        "ship_seconds": Kind.SECONDS,
        "average_ship_seconds": Kind.SECONDS,
        "late": Kind.COUNT,
        "late_bp": Kind.BASIS_POINTS,
        "delivered": Kind.COUNT,
        "deliver_seconds": Kind.SECONDS,
        "average_deliver_seconds": Kind.SECONDS,
    }
)


def fulfilment(connection: Connection, filters: Filters) -> Report:
    """Fulfilment orders not cancelled, by the order's period x channel. Split orders are
    orders with more than one fulfilment order or more than one shipment."""
    d = dialect_of(connection)
    created, shipped, delivered = (d.epoch(f"f.{c}") for c in ("created_at", "shipped_at",
                                                              "delivered_at"))  # fmt: skip
    period = d.period("o.placed_at", filters.granularity)
    found = fetch(
        connection,
        f"SELECT {period}, o.channel_code, COUNT(DISTINCT o.id), COUNT(*), "
        "SUM(CASE WHEN f.shipped_at IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN f.shipped_at IS NOT NULL THEN {shipped} - {created} ELSE 0 END), "
        "SUM(CASE WHEN f.shipped_at > f.ship_by THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN f.delivered_at IS NOT NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN f.delivered_at IS NOT NULL THEN {delivered} - {created} ELSE 0 END) "
        f"FROM fulfilment_orders f {d.join_in_order} orders o ON o.id = f.order_id "
        f"WHERE {order_filters(d, filters)} AND f.status <> 'cancelled' "
        f"GROUP BY {period}, o.channel_code",
        params(filters),
    )
    split = fetch(
        connection,
        f"SELECT period, channel_code, COUNT(*) FROM (SELECT {period} AS period, "
        "o.channel_code AS channel_code, o.id AS id "
        f"FROM fulfilment_orders f {d.join_in_order} orders o ON o.id = f.order_id "
        f"LEFT JOIN shipments s ON s.fulfilment_order_id = f.id "
        f"WHERE {order_filters(d, filters)} AND f.status <> 'cancelled' "
        f"GROUP BY {period}, o.channel_code, o.id "
        "HAVING COUNT(DISTINCT f.id) > 1 OR COUNT(DISTINCT s.id) > 1) split "
        "GROUP BY period, channel_code",
        params(filters),
    )
    split_of = {row[:2]: row[2] for row in split}
    return fulfilment_report(
        filters, [(*row[:3], split_of.get(row[:2]), *row[3:]) for row in found]
    )


def fulfilment_report(filters: Filters, found: Sequence[Sequence[Value]]) -> Report:
    """The report from its sums per period x channel: orders, split orders, fulfilment
    orders, shipped, seconds to ship, late, delivered, seconds to deliver."""
    rows: list[tuple[Value, ...]] = []
    for row in sorted(found, key=lambda r: (str(r[0]), str(r[1]))):
        orders, split, count, ships, ship_s, late, deliveries, deliver_s = (
            int(v or 0) for v in row[2:]
        )
        rows.append(
            (row[0], row[1], orders, split, count, ships, ship_s,
             ship_s // ships if ships else None, late, basis_points(late, ships), deliveries,
             deliver_s, deliver_s // deliveries if deliveries else None)
        )  # fmt: skip
    return Report(ReportName.FULFILMENT, filters, FULFILMENT, rows)


INVENTORY = columns(
    {
        "sku": Kind.DIMENSION,
        "currency": Kind.DIMENSION,
        "locations": Kind.COUNT,
        "on_hand": Kind.COUNT,
        "allocated": Kind.COUNT,
        "unavailable": Kind.COUNT,
        "available": Kind.COUNT,
        "value_at_cost_minor": Kind.MONEY,
        "demand_28d": Kind.COUNT,
        "cover_days": Kind.COUNT,
        "stock_out": Kind.COUNT,
        "locations_out": Kind.COUNT,
    }
)


Demand = Callable[[Connection, Filters], dict[Value, int]]


def demand_28d(connection: Connection, filters: Filters) -> dict[Value, int]:
    """Units ordered per SKU (not cancelled) in the 28 days ending with the range's end."""
    d = dialect_of(connection)
    recent = where("o.placed_at >= :demand_start", "o.placed_at < :end", scope_filters(d, filters))
    demand = fetch(
        connection,
        "SELECT l.sku, SUM(l.quantity - l.cancelled_quantity) FROM orders o "
        "JOIN order_lines l ON l.order_id = o.id "
        f"WHERE {recent} "
        "AND o.status <> 'cancelled' GROUP BY l.sku",
        params(filters),
    )
    return {row[0]: int(row[1] or 0) for row in demand}


def inventory(connection: Connection, filters: Filters, demand: Demand = demand_28d) -> Report:
    """Stock now per SKU (summed over locations) with its value at cost, the units ordered in
    the 28 days up to the range's end, the days that stock covers at that pace, and whether it
    is out. Channel and country narrow the demand, not the stock."""
    stock = fetch(
        connection,
        "SELECT i.sku, i.cost_currency, COUNT(*), SUM(s.on_hand), SUM(s.allocated), "
        "SUM(s.unavailable), SUM(s.on_hand * i.unit_cost_minor), "
        "SUM(CASE WHEN s.on_hand - s.allocated - s.unavailable <= 0 THEN 1 ELSE 0 END) "
        "FROM stock_levels s JOIN inventory_items i ON i.variant_id = s.variant_id "
        "GROUP BY i.sku, i.cost_currency",
        {},
    )
    demand_of = demand(connection, filters)
    rows: list[tuple[Value, ...]] = []
    for row in sorted(stock, key=lambda r: str(r[0])):
        locations, on_hand, allocated, unavailable, value, out = (
            None if v is None else int(v) for v in row[2:]
        )
        available = (on_hand or 0) - (allocated or 0) - (unavailable or 0)
        wanted = demand_of.get(row[0], 0)
        cover = max(available, 0) * 28 // wanted if wanted else None
        rows.append(
            (row[0], row[1], locations, on_hand, allocated, unavailable, available, value,
             wanted, cover, int(available <= 0), out)
        )  # fmt: skip
    return Report(ReportName.INVENTORY, filters, INVENTORY, rows)
