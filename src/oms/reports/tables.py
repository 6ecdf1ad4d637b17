"""The reports' own tables: summaries of the operational tables, refreshed by the reports
context (``oms.reports.repository.refresh``, ADR 0015), never written by anyone else.

- ``report_orders``: one row per order (its placement day, channel, shipping country, currency,
  customer, units and money figures), with the fingerprint it was derived from (the order's
  version and ``updated_at``, its returns' latest ``updated_at``) and its customer's first-order
  facts (the customer's first day, and whether the order is the customer's first in its day,
  week and month per currency, and in its month across currencies), and its fulfilment figures
  (its fulfilment orders not cancelled, how many shipped, were late and were delivered, their
  seconds to ship and to deliver, whether it was split) with their fingerprint (the latest
  ``updated_at`` of its fulfilment orders).
- ``report_sales_days``, ``report_product_days``: sums per day x channel x country x currency
  (x SKU), so any range, granularity and filter is a sum of day rows.
- ``report_fulfilment_days``: the fulfilment figures summed per day x channel x country.
- ``report_order_returns``: cancelled and returned units per order x reason x SKU.
- ``report_customer_days``, ``report_cohort_days``, ``report_customer_totals``: new and
  returning customers per day and currency, cohort activity per day, and each customer's
  recency, frequency and spend per currency (used when no channel or country filter applies).
- ``report_refresh``: the lock row and watermark of the refresh; ``report_pending*``: the
  refresh's working sets (empty between refreshes).

Three indexes on other contexts' tables belong to the refresh and are declared here:
``ix_orders_updated``, ``ix_returns_updated`` and ``ix_fulfilment_orders_updated`` find what
changed since the watermark.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Uuid, text

from oms.fulfilment.tables.orders import fulfilment_orders
from oms.orders.tables import orders
from oms.platform.database import UTCDateTime, metadata
from oms.returns.tables.returns import returns

ix_orders_updated = Index("ix_orders_updated", orders.c.updated_at)
ix_returns_updated = Index("ix_returns_updated", returns.c.updated_at)
ix_fulfilment_orders_updated = Index("ix_fulfilment_orders_updated", fulfilment_orders.c.updated_at)

FULFILMENT_FIGURES = (
    "fulfilment_orders",
    "shipped",
    "ship_seconds",
    "late",
    "delivered",
    "deliver_seconds",
    "split",
)
"""An order's fulfilment figures in ``report_orders`` (``split`` is 0 or 1), summed per day in
``report_fulfilment_days`` (whose ``orders`` counts the orders with a fulfilment order)."""


def _money(*names: str) -> list[Column[int]]:
    return [Column(name, BigInteger, nullable=False) for name in names]


report_orders = Table(
    "report_orders",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("customer_id", Uuid, nullable=True),
    Column("channel_code", String(40), nullable=False),
    Column("country", String(60), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("placed_at", UTCDateTime, nullable=False),
    Column("day", String(10), nullable=False),
    Column("cancelled", Integer, nullable=False),
    *_money(
        "ordered_units",
        "units",
        "gross_minor",
        "discounts_minor",
        "tax_minor",
        "shipping_minor",
        "other_minor",
        "net_minor",
    ),
    Column("first_day", String(10), nullable=True),
    Column("first_of_day", Integer, nullable=False),
    Column("first_of_week", Integer, nullable=False),
    Column("first_of_month", Integer, nullable=False),
    Column("first_of_month_any", Integer, nullable=False),
    Column("source_version", Integer, nullable=False),
    Column("source_updated_at", UTCDateTime, nullable=False),
    Column("returns_at", UTCDateTime, nullable=True),
    *(
        Column(name, BigInteger, nullable=False, server_default=text("0"))
        for name in FULFILMENT_FIGURES
    ),
    Column("fulfilment_at", UTCDateTime, nullable=True),
    Index("ix_report_orders_day", "day"),
    Index("ix_report_orders_customer", "customer_id", "currency", "placed_at"),
)

report_sales_days = Table(
    "report_sales_days",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("channel_code", String(40), primary_key=True),
    Column("country", String(60), primary_key=True),
    Column("currency", String(3), primary_key=True),
    *_money(
        "orders",
        "units",
        "gross_minor",
        "discounts_minor",
        "tax_minor",
        "shipping_minor",
        "other_minor",
        "net_minor",
    ),
)

report_product_days = Table(
    "report_product_days",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("channel_code", String(40), primary_key=True),
    Column("country", String(60), primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("variant_id", Uuid, nullable=True),
    *_money(
        "lines",
        "orders",
        "units",
        "gross_minor",
        "discounts_minor",
        "net_minor",
        "ordered_units",
    ),
)

report_fulfilment_days = Table(
    "report_fulfilment_days",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("channel_code", String(40), primary_key=True),
    Column("country", String(60), primary_key=True),
    *_money("orders", *FULFILMENT_FIGURES),
)

report_order_returns = Table(
    "report_order_returns",
    metadata,
    Column("order_id", Uuid, primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("reason", String(500), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("day", String(10), nullable=False),
    Column("channel_code", String(40), nullable=False),
    Column("country", String(60), nullable=False),
    Column("currency", String(3), nullable=False),
    *_money("units", "value_minor"),
    Index("ix_report_order_returns_day", "day"),
)

GRAINS = ("day", "week", "month")
"""The granularities whose distinct customers ``report_customer_days`` keeps."""

report_customer_days = Table(
    "report_customer_days",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("currency", String(3), primary_key=True),
    *_money("orders", "net_minor"),
    *(
        column
        for grain in GRAINS
        for column in _money(
            f"customers_{grain}",
            f"new_customers_{grain}",
            f"new_orders_{grain}",
            f"new_net_{grain}",
        )
    ),
)

report_cohort_days = Table(
    "report_cohort_days",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("cohort", String(7), primary_key=True),
    *_money("active"),
)

report_customer_totals = Table(
    "report_customer_totals",
    metadata,
    Column("customer_id", Uuid, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("last_at", UTCDateTime, nullable=False),
    *_money("orders", "monetary_minor"),
)

report_refresh = Table(
    "report_refresh",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("checked_from", UTCDateTime, nullable=True),
    Column("refreshed_at", UTCDateTime, nullable=True),
    Column("orders_refreshed", BigInteger, nullable=False),
)
"""One row (``name = 'summaries'``): locked by every refresh (serialises refreshers);
``checked_from`` is the watermark, the instant the next quick refresh reads changes from."""

report_pending = Table("report_pending", metadata, Column("order_id", Uuid, primary_key=True))
report_pending_customers = Table(
    "report_pending_customers", metadata, Column("customer_id", Uuid, primary_key=True)
)
report_pending_days = Table(
    "report_pending_days", metadata, Column("day", String(10), primary_key=True)
)
