"""Keeping the summary tables (``oms.reports.tables``) equal to the operational tables, set-wise.

A refresh finds the orders whose figures may have changed, derives their facts again, then the
facts of their customers and the day sums of every day they touch, each by delete-and-insert
keyed by order, customer or day: refreshing an order twice, or all of them, gives the same
rows. What changed is read from

- ``orders.updated_at`` (every change of an order through the services sets it),
- ``returns.updated_at`` (a return and its lines change without touching the order row),
- ``fulfilment_orders.updated_at`` (a fulfilment order is shipped or delivered without touching
  the order row; a shipment is only ever added with its fulfilment order's change),
- ``history_imports.finished_at`` with the import's ``history_documents`` (the history import
  writes orders and returns with their *historic* times, which no watermark of now catches),

from the watermark ``checked_from`` (the previous refresh's start less ``WINDOW``, so a
transaction that set its times before that refresh and committed after it is still read), and
kept only where the order's fingerprint (version, ``updated_at``, its returns' and its
fulfilment orders' latest ``updated_at``) differs from the one its facts were derived from. A
full refresh compares every order (and drops the facts of orders that are gone): the worker's
schedule, and ``oms report refresh --full`` after bulk writes made outside the services.

Refreshers are serialised by the ``report_refresh`` row (``FOR UPDATE`` on PostgreSQL; SQLite
has one writer at a time), and a refresher looks for changes again once it holds the lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, select, text

from oms.platform.database import UTCDateTime
from oms.reports.repository.sql import Dialect
from oms.reports.tables import FULFILMENT_FIGURES, GRAINS, report_refresh

WINDOW = timedelta(minutes=15)
BULK = 5_000
"""Orders derived at once past which the planner's statistics of the facts are renewed."""
WORK_MEM = "256MB"
RANDOM_PAGE_COST = 1.1
"""PostgreSQL's cost of a page read out of order, for a refresh: the default (4, a spinning
disk's) makes it scan every fact to sum the few days a change touches rather than read those
days by ``ix_report_orders_day``; the facts are read hot, from memory or SSD."""
"""PostgreSQL's sort memory for a refresh (a full one sorts every order by customer)."""
NAME = "summaries"

_PENDING = "SELECT order_id FROM report_pending"
_PENDING_CUSTOMERS = "SELECT customer_id FROM report_pending_customers"
_PENDING_DAYS = "SELECT day FROM report_pending_days"


@dataclass(frozen=True, slots=True)
class Refreshed:
    orders: int
    """Orders whose facts were derived again (0: nothing had changed)."""
    days: int
    customers: int


def _dialect(connection: Connection) -> Dialect:
    return Dialect(connection.dialect.name)


def _run(connection: Connection, sql: str, **values: Any) -> Any:
    statement = text(sql)
    typed = [bindparam(n, type_=UTCDateTime()) for n in values if isinstance(values[n], datetime)]
    if typed:
        statement = statement.bindparams(*typed)
    return connection.execute(statement, values)


def _distinct(d: Dialect, a: str, b: str) -> str:
    """``a`` and ``b`` differ, NULLs compared as values."""
    return f"{a} IS DISTINCT FROM {b}" if d.is_postgres else f"{a} IS NOT {b}"


def _fingerprint_differs(d: Dialect, order: str) -> str:
    """The order aliased ``o`` has no facts ``f``, or not from its current rows."""
    returned = f"(SELECT MAX(r.updated_at) FROM returns r WHERE r.order_id = {order})"
    fulfilled = f"(SELECT MAX(x.updated_at) FROM fulfilment_orders x WHERE x.order_id = {order})"
    return (
        f"(f.order_id IS NULL OR f.source_version <> o.version "
        f"OR f.source_updated_at <> o.updated_at OR {_distinct(d, 'f.returns_at', returned)} "
        f"OR {_distinct(d, 'f.fulfilment_at', fulfilled)})"
    )


def _changed_sql(d: Dialect) -> str:
    """Order ids that changed since ``:since`` (the quick refresh's candidates): each source
    checked against its own part of the fingerprint (an order's row against its version and
    ``updated_at``; a return or fulfilment order against the latest ``updated_at`` of its kind
    the facts were derived from; neither is ever deleted), so no candidate costs a look at
    the order's other rows."""
    newer = "(f.order_id IS NULL OR f.{at} IS NULL OR {row}.updated_at > f.{at})"
    return (
        "SELECT o.id FROM orders o LEFT JOIN report_orders f ON f.order_id = o.id "
        "WHERE o.updated_at >= :since AND (f.order_id IS NULL OR f.source_version <> o.version "
        "OR f.source_updated_at <> o.updated_at) "
        "UNION SELECT r.order_id FROM returns r "
        "LEFT JOIN report_orders f ON f.order_id = r.order_id "
        f"WHERE r.updated_at >= :since AND {newer.format(at='returns_at', row='r')} "
        "UNION SELECT x.order_id FROM fulfilment_orders x "
        "LEFT JOIN report_orders f ON f.order_id = x.order_id "
        f"WHERE x.updated_at >= :since AND {newer.format(at='fulfilment_at', row='x')} "
        "UNION SELECT o.id FROM history_imports i "
        "JOIN history_documents hd ON hd.import_id = i.id "
        "JOIN orders o ON o.id = hd.order_id LEFT JOIN report_orders f ON f.order_id = o.id "
        f"WHERE i.finished_at >= :since AND {_fingerprint_differs(d, 'o.id')}"
    )


def _all_changed_sql(d: Dialect) -> str:
    """Every order whose facts are missing or stale, and every fact whose order is gone."""
    return (
        "SELECT o.id FROM orders o LEFT JOIN report_orders f ON f.order_id = o.id "
        f"WHERE {_fingerprint_differs(d, 'o.id')} "
        "UNION SELECT f.order_id FROM report_orders f "
        "WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = f.order_id)"
    )


def watermark(connection: Connection) -> datetime | None:
    """Where the next quick refresh reads changes from (None: never refreshed)."""
    found: datetime | None = connection.execute(
        select(report_refresh.c.checked_from).where(report_refresh.c.name == NAME)
    ).scalar()
    return found


def stale(connection: Connection) -> bool:
    """Whether a quick refresh has anything to do (read-only; cheap when nothing changed)."""
    since = watermark(connection)
    if since is None:
        return True
    found = _run(connection, f"SELECT 1 FROM ({_changed_sql(_dialect(connection))}) c LIMIT 1",
                 since=since).first()  # fmt: skip
    return found is not None


def refresh(connection: Connection, *, now: datetime, full: bool = False) -> Refreshed:
    """Bring the summaries up to date in the caller's (writing) transaction; ``full`` compares
    every order instead of those changed since the watermark. A summary never refreshed is
    refreshed fully."""
    d = _dialect(connection)
    _lock(connection, d)
    if d.is_postgres:
        _run(connection, f"SET LOCAL work_mem = '{WORK_MEM}'")
        _run(connection, f"SET LOCAL random_page_cost = {RANDOM_PAGE_COST}")
    since = watermark(connection)
    if full or since is None:
        _run(connection, f"INSERT INTO report_pending (order_id) {_all_changed_sql(d)}")
    else:
        _run(connection, f"INSERT INTO report_pending (order_id) {_changed_sql(d)}", since=since)
    _analyze(connection, d, "report_pending")
    count = int(_run(connection, "SELECT COUNT(*) FROM report_pending").scalar_one())
    days = customers = 0
    if count:
        days, customers = _derive(connection, d)
    _run(
        connection,
        "UPDATE report_refresh SET checked_from = :since, refreshed_at = :now, "
        "orders_refreshed = orders_refreshed + :count WHERE name = :n",
        since=now - WINDOW, now=now, count=count, n=NAME,
    )  # fmt: skip
    _clear_working_sets(connection, d, big=count > BULK)
    return Refreshed(orders=count, days=days, customers=customers)


def _clear_working_sets(connection: Connection, d: Dialect, *, big: bool) -> None:
    """Empty the working sets (a refresh leaves them empty; one that fails rolls back). A big
    set is TRUNCATEd on PostgreSQL: a DELETE of a million pending orders would leave their
    dead rows for every later refresh to scan (the lock row already serialises refreshers, so
    TRUNCATE's exclusive lock waits on nobody)."""
    tables = ("report_pending", "report_pending_customers", "report_pending_days")
    if d.is_postgres and big:
        _run(connection, f"TRUNCATE {', '.join(tables)}")
        return
    for table in tables:
        _run(connection, f"DELETE FROM {table}")


def _lock(connection: Connection, d: Dialect) -> None:
    """Take the refresh's lock row (created on first use)."""
    if d.is_postgres:
        _run(
            connection,
            "INSERT INTO report_refresh (name, orders_refreshed) VALUES (:n, 0) "
            "ON CONFLICT (name) DO NOTHING",
            n=NAME,
        )
        _run(connection, "SELECT name FROM report_refresh WHERE name = :n FOR UPDATE", n=NAME)
    else:
        _run(
            connection,
            "INSERT OR IGNORE INTO report_refresh (name, orders_refreshed) VALUES (:n, 0)",
            n=NAME,
        )


def _derive(connection: Connection, d: Dialect) -> tuple[int, int]:
    """Facts of the pending orders and of every other order of their customers (a customer's
    first-order flags depend on all of their orders), their totals, and the sums of every day
    those orders fall on."""
    pending = f"IN ({_PENDING})"
    # Customers of the pending orders, before and after (an order's customer may change).
    _run(
        connection,
        "INSERT INTO report_pending_customers (customer_id) SELECT DISTINCT customer_id FROM ("
        f"SELECT customer_id FROM report_orders WHERE order_id {pending} "
        f"UNION SELECT customer_id FROM orders WHERE id {pending}) c "
        "WHERE customer_id IS NOT NULL",
    )
    _analyze(connection, d, "report_pending", "report_pending_customers")
    _run(
        connection,
        "INSERT INTO report_pending (order_id) SELECT o.id FROM orders o "
        f"WHERE o.customer_id IN ({_PENDING_CUSTOMERS}) AND o.id NOT {pending}",
    )
    _run(
        connection,
        "INSERT INTO report_pending (order_id) SELECT f.order_id FROM report_orders f "
        f"WHERE f.customer_id IN ({_PENDING_CUSTOMERS}) AND f.order_id NOT {pending}",
    )
    _analyze(connection, d, "report_pending")
    _run(
        connection,
        f"INSERT INTO report_pending_days (day) SELECT DISTINCT day FROM report_orders "
        f"WHERE order_id {pending}",
    )
    _analyze(connection, d, "report_pending_days")
    _run(connection, f"DELETE FROM report_orders WHERE order_id {pending}")
    _run(connection, f"DELETE FROM report_order_returns WHERE order_id {pending}")
    _insert_facts(connection, d)
    _insert_returns(connection, d)
    _run(
        connection,
        "INSERT INTO report_pending_days (day) SELECT DISTINCT f.day FROM report_orders f "
        f"WHERE f.order_id {pending} AND f.day NOT IN ({_PENDING_DAYS})",
    )
    _analyze(connection, d, "report_pending_days")
    if int(_run(connection, "SELECT COUNT(*) FROM report_pending").scalar_one()) > BULK:
        _analyze(connection, d, "report_orders")
    _customer_totals(connection)
    _day_sums(connection, d)
    days = int(_run(connection, "SELECT COUNT(*) FROM report_pending_days").scalar_one())
    customers = int(_run(connection, "SELECT COUNT(*) FROM report_pending_customers").scalar_one())
    return days, customers


def _analyze(connection: Connection, d: Dialect, *tables: str) -> None:
    """Fresh planner statistics for tables whose size just changed (PostgreSQL plans the next
    statements by them: a working set of 10 rows or of a million wants different joins)."""
    if d.is_postgres:
        for table in tables:
            _run(connection, f"ANALYZE {table}")


def _first(*partition: str) -> str:
    """1 for the earliest order not cancelled of its partition (ties by id), else 0."""
    keys = ", ".join((*partition, "cancelled"))
    return (
        "CASE WHEN cancelled = 0 AND ROW_NUMBER() OVER (PARTITION BY "
        f"{keys} ORDER BY placed_at, order_id) = 1 THEN 1 ELSE 0 END"
    )


def _insert_facts(connection: Connection, d: Dialect) -> None:
    """The pending orders' facts, with their customers' first day and which order comes
    first in its day, week and month per currency, and in its month across currencies."""
    pending = f"IN ({_PENDING})"
    figures = ", ".join(FULFILMENT_FIGURES)
    fulfilled = ", ".join(f"COALESCE(fo.{name}, 0) AS {name}" for name in FULFILMENT_FIGURES)
    _run(
        connection,
        "INSERT INTO report_orders (order_id, customer_id, channel_code, country, currency, "
        "placed_at, day, cancelled, ordered_units, units, gross_minor, discounts_minor, "
        "tax_minor, shipping_minor, other_minor, net_minor, first_day, first_of_day, "
        "first_of_week, first_of_month, first_of_month_any, source_version, "
        f"source_updated_at, returns_at, {figures}, fulfilment_at) "
        "SELECT order_id, customer_id, channel_code, country, currency, placed_at, day, "
        "cancelled, ordered_units, units, gross_minor, discounts_minor, tax_minor, "
        "shipping_minor, other_minor, net_minor, "
        "MIN(CASE WHEN cancelled = 0 THEN day END) OVER (PARTITION BY customer_id), "
        f"{_first('customer_id', 'currency', 'day')}, "
        f"{_first('customer_id', 'currency', text_week(d, 'day'))}, "
        f"{_first('customer_id', 'currency', 'substr(day, 1, 7)')}, "
        f"{_first('customer_id', 'substr(day, 1, 7)')}, "
        f"source_version, source_updated_at, returns_at, {figures}, fulfilment_at FROM ("
        f"SELECT o.id AS order_id, o.customer_id AS customer_id, "
        f"o.channel_code AS channel_code, {d.country('o.shipping_address')} AS country, "
        f"o.currency AS currency, o.placed_at AS placed_at, {d.day('o.placed_at')} AS day, "
        "CASE WHEN o.status = 'cancelled' THEN 1 ELSE 0 END AS cancelled, "
        "COALESCE(l.ordered, 0) AS ordered_units, COALESCE(l.units, 0) AS units, "
        "o.subtotal_minor AS gross_minor, o.discount_minor AS discounts_minor, "
        "o.tax_minor AS tax_minor, o.shipping_minor AS shipping_minor, "
        "COALESCE(c.other, 0) AS other_minor, o.total_minor - o.tax_minor AS net_minor, "
        "o.version AS source_version, o.updated_at AS source_updated_at, "
        "r.latest AS returns_at, "
        f"{fulfilled}, fo.latest AS fulfilment_at "
        f"FROM report_pending p {d.join_in_order} orders o ON o.id = p.order_id "
        "LEFT JOIN (SELECT order_id, SUM(quantity) AS ordered, "
        "SUM(quantity - cancelled_quantity) AS units FROM order_lines "
        f"WHERE order_id {pending} GROUP BY order_id) l ON l.order_id = o.id "
        "LEFT JOIN (SELECT order_id, SUM(amount_minor) AS other FROM order_charges "
        f"WHERE order_id {pending} AND kind NOT IN ('shipping', 'discount') "
        "GROUP BY order_id) c ON c.order_id = o.id "
        "LEFT JOIN (SELECT order_id, MAX(updated_at) AS latest FROM returns "
        f"WHERE order_id {pending} GROUP BY order_id) r ON r.order_id = o.id "
        f"LEFT JOIN ({_fulfilment_sql(d)}) fo ON fo.order_id = o.id) b",
    )


def _fulfilment_sql(d: Dialect) -> str:
    """Per pending order with a fulfilment order: the latest ``updated_at`` of them all, and
    the figures of those not cancelled (``operations.fulfilment`` defines them): how many, how
    many shipped, were late and were delivered, their seconds from creation to shipping and to
    delivery, and whether the order was split (more than one of them, or more than one
    shipment among them)."""
    created, shipped, delivered = (d.epoch(f"x.{c}") for c in ("created_at", "shipped_at",
                                                              "delivered_at"))  # fmt: skip
    kept = "CASE WHEN x.status <> 'cancelled' {} ELSE 0 END"
    return (
        "SELECT x.order_id AS order_id, MAX(x.updated_at) AS latest, "
        f"SUM({kept.format('THEN 1')}) AS fulfilment_orders, "
        f"SUM({kept.format('AND x.shipped_at IS NOT NULL THEN 1')}) AS shipped, "
        f"SUM({kept.format(f'AND x.shipped_at IS NOT NULL THEN {shipped} - {created}')}) "
        "AS ship_seconds, "
        f"SUM({kept.format('AND x.shipped_at > x.ship_by THEN 1')}) AS late, "
        f"SUM({kept.format('AND x.delivered_at IS NOT NULL THEN 1')}) AS delivered, "
        f"SUM({kept.format(f'AND x.delivered_at IS NOT NULL THEN {delivered} - {created}')}) "
        "AS deliver_seconds, "
        f"CASE WHEN SUM({kept.format('THEN 1')}) > 1 "
        f"OR SUM({kept.format('THEN s.shipments')}) > 1 THEN 1 ELSE 0 END AS split "
        "FROM fulfilment_orders x LEFT JOIN (SELECT s.fulfilment_order_id AS id, "
        "COUNT(*) AS shipments FROM shipments s "
        "JOIN fulfilment_orders y ON y.id = s.fulfilment_order_id "
        f"WHERE y.order_id IN ({_PENDING}) GROUP BY s.fulfilment_order_id) s ON s.id = x.id "
        f"WHERE x.order_id IN ({_PENDING}) GROUP BY x.order_id"
    )


def _insert_returns(connection: Connection, d: Dialect) -> None:
    """Cancelled units (at the line's price, reason the order's) and returned units (returns
    neither declined nor cancelled, reason the line's) of the pending orders."""
    pending = f"IN ({_PENDING})"
    where = f"{d.day('o.placed_at')}, o.channel_code, {d.country('o.shipping_address')}, o.currency"
    _run(
        connection,
        "INSERT INTO report_order_returns (order_id, kind, reason, sku, day, channel_code, "
        "country, currency, units, value_minor) "
        f"SELECT o.id, 'cancellation', COALESCE(o.cancel_reason, ''), l.sku, {where}, "
        "SUM(l.cancelled_quantity), SUM(l.cancelled_quantity * l.unit_price_minor) "
        "FROM orders o JOIN order_lines l ON l.order_id = o.id "
        f"WHERE o.id {pending} AND l.cancelled_quantity > 0 "
        f"GROUP BY o.id, COALESCE(o.cancel_reason, ''), l.sku, {where}",
    )
    _run(
        connection,
        "INSERT INTO report_order_returns (order_id, kind, reason, sku, day, channel_code, "
        "country, currency, units, value_minor) "
        f"SELECT o.id, 'return', rl.reason, l.sku, {where}, SUM(rl.quantity), "
        "SUM(rl.quantity * l.unit_price_minor) FROM returns r "
        "JOIN return_lines rl ON rl.return_id = r.id JOIN order_lines l ON l.id = rl.line_id "
        f"JOIN orders o ON o.id = r.order_id WHERE r.order_id {pending} "
        "AND r.status NOT IN ('declined', 'cancelled') "
        f"GROUP BY o.id, rl.reason, l.sku, {where}",
    )


def text_week(d: Dialect, day: str) -> str:
    """The Monday (``YYYY-MM-DD``) of the ISO week of a ``YYYY-MM-DD`` text column."""
    if d.is_postgres:
        return f"to_char(date_trunc('week', CAST({day} AS date)), 'YYYY-MM-DD')"
    return f"date({day}, '-6 days', 'weekday 1')"


def text_period(d: Dialect, day: str, grain: str) -> str:
    """A ``YYYY-MM-DD`` text column's day, week (its Monday) or month (``YYYY-MM``)."""
    if grain == "day":
        return day
    if grain == "week":
        return text_week(d, day)
    return f"substr({day}, 1, 7)"


def _customer_totals(connection: Connection) -> None:
    """Each pending customer's last order, orders and net per currency (for RFM)."""
    mine = f"customer_id IN ({_PENDING_CUSTOMERS})"
    _run(connection, f"DELETE FROM report_customer_totals WHERE {mine}")
    _run(
        connection,
        "INSERT INTO report_customer_totals (customer_id, currency, last_at, orders, "
        "monetary_minor) SELECT customer_id, currency, MAX(placed_at), COUNT(*), SUM(net_minor) "
        f"FROM report_orders WHERE {mine} AND cancelled = 0 GROUP BY customer_id, currency",
    )


def _day_sums(connection: Connection, d: Dialect) -> None:
    days = f"IN ({_PENDING_DAYS})"
    for table in (
        "report_sales_days", "report_product_days", "report_customer_days", "report_cohort_days",
        "report_fulfilment_days",
    ):  # fmt: skip
        _run(connection, f"DELETE FROM {table} WHERE day {days}")
    _run(
        connection,
        "INSERT INTO report_sales_days (day, channel_code, country, currency, orders, units, "
        "gross_minor, discounts_minor, tax_minor, shipping_minor, other_minor, net_minor) "
        "SELECT day, channel_code, country, currency, COUNT(*), SUM(units), SUM(gross_minor), "
        "SUM(discounts_minor), SUM(tax_minor), SUM(shipping_minor), SUM(other_minor), "
        f"SUM(net_minor) FROM report_orders WHERE day {days} AND cancelled = 0 "
        "GROUP BY day, channel_code, country, currency",
    )
    fulfilled = ", ".join(FULFILMENT_FIGURES)
    _run(
        connection,
        f"INSERT INTO report_fulfilment_days (day, channel_code, country, orders, {fulfilled}) "
        "SELECT day, channel_code, country, COUNT(*), "
        f"{', '.join(f'SUM({name})' for name in FULFILMENT_FIGURES)} FROM report_orders "
        f"WHERE day {days} AND fulfilment_orders > 0 GROUP BY day, channel_code, country",
    )
    kept = "CASE WHEN f.cancelled = 0 THEN {} ELSE 0 END"
    _run(
        connection,
        "INSERT INTO report_product_days (day, sku, variant_id, channel_code, country, currency, "
        "lines, orders, units, gross_minor, discounts_minor, net_minor, ordered_units) "
        "SELECT f.day, l.sku, l.variant_id, f.channel_code, f.country, f.currency, "
        f"SUM({kept.format('1')}), "
        "COUNT(DISTINCT CASE WHEN f.cancelled = 0 THEN f.order_id END), "
        f"SUM({kept.format('l.quantity - l.cancelled_quantity')}), "
        f"SUM({kept.format('l.subtotal_minor')}), SUM({kept.format('l.discount_minor')}), "
        f"SUM({kept.format('l.total_minor - l.tax_minor')}), SUM(l.quantity) "
        "FROM report_orders f JOIN order_lines l ON l.order_id = f.order_id "
        f"WHERE f.day {days} "
        "GROUP BY f.day, l.sku, l.variant_id, f.channel_code, f.country, f.currency",
    )
    figures = []
    for grain in GRAINS:
        same = f"{text_period(d, 'first_day', grain)} = {text_period(d, 'day', grain)}"
        figures += [
            f"SUM(first_of_{grain})",
            f"SUM(CASE WHEN first_of_{grain} = 1 AND {same} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {same} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {same} THEN net_minor ELSE 0 END)",
        ]
    names = [
        f"{name}_{grain}"
        for grain in GRAINS
        for name in ("customers", "new_customers", "new_orders", "new_net")
    ]
    _run(
        connection,
        f"INSERT INTO report_customer_days (day, currency, orders, net_minor, {', '.join(names)}) "
        f"SELECT day, currency, COUNT(*), SUM(net_minor), {', '.join(figures)} "
        f"FROM report_orders WHERE day {days} AND cancelled = 0 GROUP BY day, currency",
    )
    _run(
        connection,
        "INSERT INTO report_cohort_days (day, cohort, active) "
        "SELECT day, substr(first_day, 1, 7), SUM(first_of_month_any) FROM report_orders "
        f"WHERE day {days} AND cancelled = 0 GROUP BY day, substr(first_day, 1, 7) "
        "HAVING SUM(first_of_month_any) > 0",
    )
