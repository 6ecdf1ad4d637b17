"""The tables the reports read, written as Parquet for engines beyond the database (DuckDB,
Spark, Trino): ``DIR/<table>/month=YYYY-MM/part-0.parquet`` by the month (UTC) of the table's
time column, or ``DIR/<table>/part-0.parquet`` for the few that have none (stock now).

Rows are streamed from the database and buffered per month, so memory stays bounded by
``FLUSH`` rows per open month whatever the size. Ids are canonical UUID text, instants UTC
microsecond timestamps, money ``int64`` minor units beside its currency. No personal data:
orders carry their shipping country, not the address, name or email (docs/reports.md lists
every column).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    Engine,
    FromClause,
    Integer,
    Select,
    String,
    select,
)

from oms.catalog.tables import product_variants, products
from oms.fulfilment.tables.orders import fulfilment_orders
from oms.fulfilment.tables.shipments import shipments
from oms.history.tables import history_credits
from oms.inventory.tables import inventory_items, stock_levels
from oms.orders.tables import order_charges, order_lines, orders
from oms.payments.settlements.tables import (
    reconciliation_payouts,
    reconciliation_runs,
    settled_transactions,
)
from oms.payments.tables.ledger import payment_transactions, payments
from oms.platform.database import UTCDateTime
from oms.returns.tables.returns import return_lines, returns

FLUSH = 100_000
"""Rows of one month buffered before they are written as a row group."""


@dataclass(frozen=True, slots=True)
class Export:
    name: str
    columns: Sequence[ColumnElement[Any]]
    source: FromClause
    month_of: str | None
    """The column (by its label) whose UTC month partitions the table; None: one file."""

    def query(self) -> Select[Any]:
        return select(*self.columns).select_from(self.source)


o, ol, r = orders.c, order_lines.c, returns.c
TABLES: tuple[Export, ...] = (
    Export(
        "orders",
        [o.id, o.number, o.channel_code, o.customer_id, o.status, o.currency,
         o.shipping_address["country"].as_string().label("country"), o.subtotal_minor,
         o.shipping_minor, o.shipping_tax_minor, o.discount_minor, o.tax_minor, o.total_minor,
         o.placed_at, o.cancelled_at, o.cancel_reason],
        orders,
        "placed_at",
    ),
    Export(
        "order_lines",
        [ol.id, ol.order_id, ol.line_no, ol.variant_id, ol.sku, ol.quantity,
         ol.cancelled_quantity, ol.fulfilled_quantity, ol.delivered_quantity,
         ol.returned_quantity, ol.unit_price_minor, ol.subtotal_minor, ol.discount_minor,
         ol.tax_minor, ol.total_minor, o.placed_at],
        order_lines.join(orders, orders.c.id == ol.order_id),
        "placed_at",
    ),
    Export(
        "order_charges",
        [*order_charges.c, o.placed_at],
        order_charges.join(orders, orders.c.id == order_charges.c.order_id),
        "placed_at",
    ),
    Export(
        "returns",
        [r.id, r.number, r.order_id, r.channel_code, r.kind, r.status, r.currency, r.created_at],
        returns,
        "created_at",
    ),
    Export(
        "return_lines",
        [return_lines.c.return_id, return_lines.c.line_id, return_lines.c.sku,
         return_lines.c.quantity, return_lines.c.reason, return_lines.c.received_quantity,
         r.created_at],
        return_lines.join(returns, returns.c.id == return_lines.c.return_id),
        "created_at",
    ),
    Export(
        "history_credits",
        [c for c in history_credits.c if c.name != "description"],
        history_credits,
        "occurred_at",
    ),
    Export(
        "fulfilment_orders",
        [fulfilment_orders.c[name] for name in ("id", "order_id", "channel_code",
         "location_code", "status", "ship_by", "created_at", "shipped_at", "delivered_at")],
        fulfilment_orders,
        "created_at",
    ),
    Export(
        "shipments",
        [shipments.c[name] for name in ("id", "fulfilment_order_id", "order_id", "kind",
         "status", "shipped_at", "delivered_at")],
        shipments,
        "shipped_at",
    ),
    Export(
        "product_categories",
        [product_variants.c.id.label("variant_id"), product_variants.c.sku, products.c.category],
        product_variants.join(products, products.c.id == product_variants.c.product_id),
        None,
    ),
    Export(
        "inventory_items",
        [inventory_items.c[name] for name in ("variant_id", "sku", "unit_cost_minor",
         "cost_currency")],
        inventory_items,
        None,
    ),
    Export(
        "stock_levels",
        [stock_levels.c[name] for name in ("variant_id", "location_id", "on_hand", "allocated",
         "unavailable")],
        stock_levels,
        None,
    ),
    Export(
        "payments",
        [payments.c[name] for name in ("id", "order_id", "channel_code", "provider", "status",
         "currency", "amount_minor", "created_at")],
        payments,
        "created_at",
    ),
    Export(
        "payment_transactions",
        [payment_transactions.c[name] for name in ("id", "payment_id", "order_id", "kind",
         "status", "currency", "amount_minor", "created_at")],
        payment_transactions,
        "created_at",
    ),
    Export("settled_transactions", list(settled_transactions.c), settled_transactions,
           "settled_at"),
    Export(
        "reconciliation_runs",
        [reconciliation_runs.c[name] for name in ("id", "provider", "created_at")],
        reconciliation_runs,
        "created_at",
    ),
    Export(
        "reconciliation_payouts",
        [*reconciliation_payouts.c, reconciliation_runs.c.created_at],
        reconciliation_payouts.join(
            reconciliation_runs, reconciliation_runs.c.id == reconciliation_payouts.c.run_id
        ),
        "created_at",
    ),
)  # fmt: skip


def arrow_type(column: ColumnElement[Any]) -> pa.DataType:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(kind, Boolean):
        return pa.bool_()
    if isinstance(kind, BigInteger | Integer):
        return pa.int64()
    if isinstance(kind, Date):
        return pa.date32()
    if isinstance(kind, String):
        return pa.string()
    return pa.string()  # Uuid, JSON text, Text


def schema_of(export: Export) -> pa.Schema:
    return pa.schema([(column.name, arrow_type(column)) for column in export.columns])


def _plain(value: object) -> object:
    return str(value) if isinstance(value, uuid.UUID) else value


class _MonthWriters:
    """One Parquet file per month, written in row groups of at most ``FLUSH`` rows."""

    def __init__(self, folder: Path, schema: pa.Schema) -> None:
        self.folder = folder
        self.schema = schema
        self.buffers: dict[str | None, list[tuple[object, ...]]] = {}
        self.writers: dict[str | None, pq.ParquetWriter] = {}

    def add(self, month: str | None, row: tuple[object, ...]) -> None:
        buffer = self.buffers.setdefault(month, [])
        buffer.append(row)
        if len(buffer) >= FLUSH:
            self._flush(month)

    def _flush(self, month: str | None) -> None:
        rows = self.buffers.pop(month, [])
        if not rows:
            return
        writer = self.writers.get(month)
        if writer is None:
            folder = self.folder if month is None else self.folder / f"month={month}"
            folder.mkdir(parents=True, exist_ok=True)
            writer = self.writers[month] = pq.ParquetWriter(folder / "part-0.parquet", self.schema)
        arrays = [
            pa.array([_plain(row[i]) for row in rows], type=field.type)
            for i, field in enumerate(self.schema)
        ]
        writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))

    def close(self, *, partitioned: bool) -> int:
        for month in list(self.buffers):
            self._flush(month)
        if not self.writers:
            # An empty table still has a file, so every engine finds its schema.
            folder = self.folder / "month=none" if partitioned else self.folder
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(self.schema.empty_table(), folder / "part-0.parquet")
            return 1
        for writer in self.writers.values():
            writer.close()
        return len(self.writers)


def _month(value: datetime | date | None) -> str:
    return "none" if value is None else f"{value.year:04d}-{value.month:02d}"


def write_parquet(
    engine: Engine, directory: Path, *, on_table: Callable[[str], None] | None = None
) -> dict[str, tuple[int, int]]:
    """Write every table of ``TABLES`` under ``directory`` (each table's folder is replaced);
    returns rows and files written per table. One read transaction: a consistent snapshot."""
    directory.mkdir(parents=True, exist_ok=True)
    summary: dict[str, tuple[int, int]] = {}
    snapshot = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**snapshot) as connection, connection.begin():
        for export in TABLES:
            folder = directory / export.name
            shutil.rmtree(folder, ignore_errors=True)
            writers = _MonthWriters(folder, schema_of(export))
            at = None if export.month_of is None else export.query().selected_columns.keys().index(
                export.month_of
            )  # fmt: skip
            count = 0
            result = connection.execution_options(stream_results=True, yield_per=20_000).execute(
                export.query()
            )
            for row in result:
                values = tuple(row)
                writers.add(None if at is None else _month(values[at]), values)
                count += 1
            summary[export.name] = (count, writers.close(partitioned=at is not None))
            if on_table is not None:
                on_table(export.name)
    return summary
