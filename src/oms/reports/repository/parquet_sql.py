"""Every report again, in DuckDB over the Parquet export: written from the definitions in
docs/reports.md, not from the operational SQL, so the two check each other (the equality test
and ``make reports-check`` compare them to the cent).

``views`` maps each exported table to a view over its month partitions; ``run`` answers a
report as the same rows (same columns, same order) as ``oms.reports.services.run_report``.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import duckdb

from oms.reports.domain import Filters, Granularity, ReportName, Value, rfm_segment_sql
from oms.reports.repository.export import TABLES

FORMATS = {Granularity.DAY: "%Y-%m-%d", Granularity.WEEK: "%Y-%m-%d", Granularity.MONTH: "%Y-%m"}


def connect(directory: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per exported table and the two macros reports use."""
    db = duckdb.connect()
    db.execute("SET TimeZone = 'UTC'")
    for export in TABLES:
        pattern = "*/*.parquet" if export.month_of is not None else "*.parquet"
        hive = "true" if export.month_of is not None else "false"
        db.execute(
            f"CREATE VIEW {export.name} AS SELECT * FROM read_parquet("
            f"'{directory / export.name / pattern}', hive_partitioning = {hive})"
        )
    # Floor division (DuckDB's // truncates toward zero) and basis points, NULL for nothing.
    db.execute(
        "CREATE MACRO fdiv(a, b) AS CASE WHEN b = 0 THEN NULL ELSE (a - ((a % b + b) % b)) // b END"
    )
    db.execute("CREATE MACRO bp(a, b) AS fdiv(a * 10000, b)")
    return db


def _period(column: str, granularity: Granularity) -> str:
    if granularity is Granularity.WEEK:
        return f"strftime(date_trunc('week', {column}), '%Y-%m-%d')"
    return f"strftime({column}, '{FORMATS[granularity]}')"


def _scope(filters: Filters, alias: str = "o") -> str:
    found = [f"{alias}.placed_at >= $start", f"{alias}.placed_at < $end"]
    found.extend(_who(filters, alias))
    return " AND ".join(found)


def _who(filters: Filters, alias: str = "o") -> list[str]:
    found = []
    if filters.channel is not None:
        found.append(f"{alias}.channel_code = $channel")
    if filters.country is not None:
        found.append(f"coalesce({alias}.country, '') = $country")
    return found


def _sales(f: Filters) -> str:
    p = _period("o.placed_at", f.granularity)
    return f"""
    WITH o AS (SELECT *, {p} AS period, coalesce(country, '') AS c FROM orders o
               WHERE {_scope(f)} AND status != 'cancelled'),
    u AS (SELECT order_id, sum(quantity - cancelled_quantity) AS units FROM order_lines
          GROUP BY order_id),
    x AS (SELECT order_id, sum(amount_minor) AS other FROM order_charges
          WHERE kind NOT IN ('shipping', 'discount') GROUP BY order_id)
    SELECT period, channel_code, c, currency, count(*) AS n,
           coalesce(sum(u.units), 0), sum(subtotal_minor), sum(discount_minor), sum(tax_minor),
           sum(shipping_minor), coalesce(sum(x.other), 0), sum(total_minor - tax_minor) AS net,
           fdiv(sum(total_minor - tax_minor), count(*))
    FROM o LEFT JOIN u ON u.order_id = o.id LEFT JOIN x ON x.order_id = o.id
    GROUP BY ALL ORDER BY ALL"""


def _products(f: Filters) -> str:
    return f"""
    WITH s AS (
      SELECT l.sku, o.currency, count(DISTINCT o.id) AS n, sum(quantity - cancelled_quantity) u,
             sum(l.subtotal_minor) g, sum(l.discount_minor) d, sum(l.total_minor - l.tax_minor) net
      FROM order_lines l JOIN orders o ON o.id = l.order_id
      WHERE {_scope(f)} AND o.status != 'cancelled' GROUP BY l.sku, o.currency),
    r AS (SELECT *, row_number() OVER (PARTITION BY currency ORDER BY net DESC, sku) AS rank
          FROM s)
    SELECT rank, sku, currency, n, u, g, d, net FROM r WHERE rank <= 50
    ORDER BY currency, rank"""


def _categories(f: Filters) -> str:
    return f"""
    WITH s AS (
      SELECT coalesce(c.category, '') AS category, o.currency, count(DISTINCT l.variant_id) AS k,
             count(*) AS n, sum(quantity - cancelled_quantity) u, sum(l.subtotal_minor) g,
             sum(l.discount_minor) d, sum(l.total_minor - l.tax_minor) net
      FROM order_lines l JOIN orders o ON o.id = l.order_id
           JOIN product_categories c ON c.variant_id = l.variant_id
      WHERE {_scope(f)} AND o.status != 'cancelled' GROUP BY ALL),
    r AS (SELECT *, row_number() OVER (PARTITION BY currency ORDER BY net DESC, category) AS rank
          FROM s)
    SELECT rank, category, currency, k, n, u, g, d, net FROM r WHERE rank <= 50
    ORDER BY currency, rank"""


def _returns(f: Filters) -> str:
    credits = (
        ""
        if f.country is not None
        else f"""UNION ALL
        SELECT 'credit', kind, channel_code, code, currency, -sum(quantity), -sum(amount_minor)
        FROM history_credits c WHERE occurred_at >= $start AND occurred_at < $end
        {"AND channel_code = $channel" if f.channel is not None else ""}
        GROUP BY ALL"""
    )
    return f"""
    WITH lo AS (SELECT l.*, o.channel_code, o.currency, o.cancel_reason, o.status AS os
                FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE {_scope(f)}),
    e AS (
        SELECT 'cancellation' AS kind, coalesce(cancel_reason, '') AS reason, channel_code, sku,
               currency, sum(cancelled_quantity) AS units,
               sum(cancelled_quantity * unit_price_minor) AS v
        FROM lo WHERE cancelled_quantity > 0 GROUP BY ALL
        UNION ALL
        SELECT 'return', rl.reason, lo.channel_code, lo.sku, lo.currency, sum(rl.quantity),
               sum(rl.quantity * lo.unit_price_minor)
        FROM return_lines rl JOIN returns r ON r.id = rl.return_id
        JOIN lo ON lo.id = rl.line_id
        WHERE r.status NOT IN ('declined', 'cancelled') GROUP BY ALL
        {credits}),
    d AS (SELECT channel_code, sku, currency, sum(quantity) AS ordered FROM lo GROUP BY ALL)
    SELECT e.*, coalesce(d.ordered, 0), bp(e.units, coalesce(d.ordered, 0))
    FROM e LEFT JOIN d USING (channel_code, sku, currency) ORDER BY ALL"""


def _fulfilment(f: Filters) -> str:
    p = _period("o.placed_at", f.granularity)

    def seconds(column: str) -> str:
        return f"(epoch_us({column}) // 1000000 - epoch_us(fo.created_at) // 1000000)"

    return f"""
    WITH fo AS (SELECT fo.*, {p} AS period, o.channel_code AS channel
                FROM fulfilment_orders fo JOIN orders o ON o.id = fo.order_id
                WHERE {_scope(f)} AND fo.status != 'cancelled'),
    per_order AS (SELECT fo.period, fo.channel, fo.order_id,
                         count(DISTINCT fo.id) AS fos, count(DISTINCT s.id) AS ships
                  FROM fo LEFT JOIN shipments s ON s.fulfilment_order_id = fo.id GROUP BY ALL),
    split AS (SELECT period, channel, count(*) FILTER (WHERE fos > 1 OR ships > 1) AS n
              FROM per_order GROUP BY ALL),
    g AS (SELECT period, channel, count(DISTINCT order_id) AS orders, count(*) AS fos,
                 count(shipped_at) AS shipped,
                 coalesce(sum({seconds("fo.shipped_at")}), 0) AS ship_s,
                 count(*) FILTER (WHERE shipped_at > ship_by) AS late,
                 count(delivered_at) AS delivered,
                 coalesce(sum({seconds("fo.delivered_at")}), 0) AS deliver_s
          FROM fo GROUP BY ALL)
    SELECT g.period, g.channel, orders, split.n, fos, shipped, ship_s, fdiv(ship_s, shipped),
           late, bp(late, shipped), delivered, deliver_s, fdiv(deliver_s, delivered)
    FROM g JOIN split USING (period, channel) ORDER BY ALL"""


def _inventory(f: Filters) -> str:
    return f"""
    WITH s AS (SELECT i.sku, i.cost_currency, count(*) AS locations, sum(on_hand) AS on_hand,
                      sum(allocated) AS allocated, sum(unavailable) AS unavailable,
                      sum(on_hand * unit_cost_minor) AS value,
                      count(*) FILTER (WHERE on_hand - allocated - unavailable <= 0) AS out
               FROM stock_levels s JOIN inventory_items i USING (variant_id) GROUP BY ALL),
    d AS (SELECT l.sku, sum(quantity - cancelled_quantity) AS demand
          FROM order_lines l JOIN orders o ON o.id = l.order_id
          WHERE o.placed_at >= $demand_start AND o.placed_at < $end
          {"".join(" AND " + c for c in _who(f))} AND o.status != 'cancelled' GROUP BY ALL)
    SELECT s.sku, cost_currency, locations, on_hand, allocated, unavailable,
           on_hand - allocated - unavailable AS available, value, coalesce(demand, 0),
           CASE WHEN coalesce(demand, 0) = 0 THEN NULL
                ELSE fdiv(greatest(on_hand - allocated - unavailable, 0) * 28, demand) END,
           CASE WHEN on_hand - allocated - unavailable <= 0 THEN 1 ELSE 0 END, out
    FROM s LEFT JOIN d USING (sku) ORDER BY ALL"""


def _payments(f: Filters) -> str:
    p = _period("t.created_at", f.granularity)
    unsettled = "kind IN ('capture', 'refund') AND st.transaction_id IS NULL"
    return f"""
    SELECT {p} AS period, p.channel_code, t.currency,
           count(*) FILTER (WHERE t.kind = 'capture'),
           coalesce(sum(t.amount_minor) FILTER (WHERE t.kind = 'capture'), 0),
           count(*) FILTER (WHERE t.kind = 'refund'),
           coalesce(sum(t.amount_minor) FILTER (WHERE t.kind = 'refund'), 0),
           coalesce(sum(CASE t.kind WHEN 'chargeback' THEN t.amount_minor
                        WHEN 'chargeback_reversal' THEN -t.amount_minor END), 0),
           count(*) FILTER (WHERE {unsettled}),
           coalesce(sum(t.amount_minor) FILTER (WHERE {unsettled}), 0)
    FROM payment_transactions t JOIN payments p ON p.id = t.payment_id
    JOIN orders o ON o.id = t.order_id
    LEFT JOIN settled_transactions st ON st.transaction_id = t.id
    WHERE t.created_at >= $start AND t.created_at < $end AND t.status = 'succeeded'
    {"".join(" AND " + c for c in _who(f))}
    GROUP BY ALL ORDER BY ALL"""


def _settlements(f: Filters) -> str:
    p = _period("created_at", f.granularity)
    return f"""
    SELECT {p}, currency, count(*), sum(lines), sum(gross_minor), sum(fees_minor),
           sum(net_minor), sum(expected_net_minor)
    FROM reconciliation_payouts WHERE created_at >= $start AND created_at < $end
    GROUP BY ALL ORDER BY ALL"""


def _firsts(f: Filters) -> str:
    who = "".join(" AND " + c for c in _who(f))
    return (
        "SELECT customer_id, min(placed_at) AS first_at FROM orders o "
        f"WHERE status != 'cancelled' {who} GROUP BY customer_id"
    )


def _customers(f: Filters) -> str:
    p, first = _period("o.placed_at", f.granularity), _period("first_at", f.granularity)
    return f"""
    WITH o AS (SELECT o.*, {p} AS period, ({first} = {p}) AS new FROM orders o
               JOIN ({_firsts(f)}) USING (customer_id)
               WHERE {_scope(f)} AND status != 'cancelled')
    SELECT period, currency, count(DISTINCT customer_id),
           count(DISTINCT customer_id) FILTER (WHERE new),
           count(DISTINCT customer_id) FILTER (WHERE NOT new),
           count(*) FILTER (WHERE new), count(*) FILTER (WHERE NOT new),
           coalesce(sum(total_minor - tax_minor) FILTER (WHERE new), 0),
           coalesce(sum(total_minor - tax_minor) FILTER (WHERE NOT new), 0)
    FROM o GROUP BY ALL ORDER BY ALL"""


def _cohorts(f: Filters) -> str:
    return f"""
    WITH fi AS ({_firsts(f)}),
    a AS (SELECT DISTINCT customer_id, date_trunc('month', placed_at) AS month FROM orders o
          WHERE {_scope(f)} AND status != 'cancelled'),
    c AS (SELECT strftime(date_trunc('month', first_at), '%Y-%m') AS cohort,
                 datediff('month', date_trunc('month', first_at), month) AS after, customer_id
          FROM a JOIN fi USING (customer_id) WHERE first_at >= $start),
    g AS (SELECT cohort, after, count(*) AS active FROM c GROUP BY ALL)
    SELECT g.cohort, g.after, z.active, g.active, bp(g.active, z.active)
    FROM g LEFT JOIN g AS z ON z.cohort = g.cohort AND z.after = 0 ORDER BY ALL"""


def _rfm(f: Filters) -> str:
    return f"""
    WITH c AS (SELECT customer_id, currency, max(placed_at) AS last_at, count(*) AS n,
                      sum(total_minor - tax_minor) AS monetary FROM orders o
               WHERE {_scope(f)} AND status != 'cancelled' GROUP BY ALL),
    s AS (SELECT *, ntile(5) OVER (PARTITION BY currency ORDER BY last_at, customer_id) AS r,
                    ntile(5) OVER (PARTITION BY currency ORDER BY n, customer_id) AS f,
                    ntile(5) OVER (PARTITION BY currency ORDER BY monetary, customer_id) AS m
          FROM c)
    SELECT currency, {rfm_segment_sql("r", "f", "m")} AS segment, count(*), sum(n),
           sum(monetary), fdiv(sum(monetary), count(*))
    FROM s GROUP BY ALL ORDER BY ALL"""


QUERIES = {
    ReportName.SALES: _sales,
    ReportName.PRODUCTS: _products,
    ReportName.CATEGORIES: _categories,
    ReportName.RETURNS: _returns,
    ReportName.FULFILMENT: _fulfilment,
    ReportName.INVENTORY: _inventory,
    ReportName.PAYMENTS: _payments,
    ReportName.SETTLEMENTS: _settlements,
    ReportName.CUSTOMERS: _customers,
    ReportName.COHORTS: _cohorts,
    ReportName.RFM: _rfm,
}


def run(
    db: duckdb.DuckDBPyConnection, name: ReportName, filters: Filters
) -> list[tuple[Value, ...]]:
    """The report's rows from the Parquet files, as plain ints and strings."""
    sql = QUERIES[name](filters)
    values: dict[str, Any] = {
        "start": datetime.combine(filters.start, time(), tzinfo=UTC),
        "end": datetime.combine(filters.end_exclusive, time(), tzinfo=UTC),
        "demand_start": datetime.combine(
            filters.end_exclusive - timedelta(days=28), time(), tzinfo=UTC
        ),
        "channel": filters.channel,
        "country": filters.country,
    }
    used = {key: value for key, value in values.items() if f"${key}" in sql}
    return [tuple(_plain(v) for v in row) for row in db.execute(sql, used).fetchall()]


def _plain(value: object) -> Value:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    whole: int = int(value)  # type: ignore[call-overload]
    if whole != value:
        raise ValueError(f"a report figure is not whole: {value!r}")
    return whole
