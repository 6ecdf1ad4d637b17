"""The merchant's past: customers and the orders they placed, generated and bulk-loaded.

Stored orders are completed (every unit fulfilled), so they hold no stock and need no
allocations; they exist to make the tables and their indexes as large as a busy shop's. Given
locations, each order also gets the fulfilment that completed it: one delivered fulfilment order
at one of them (a third shipped after its promise) and its parcels (one in ten orders split in
two), what the fulfilment report reads.
Numbers continue the ``SO`` counter, times spread over the last two years, newest last; on
PostgreSQL the ``order_numbers`` sequence is moved past them, as the service numbers from it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text, update

from bench import bulk
from bench.bulk import Row
from bench.databases import Database
from bench.merchant import Sku
from bench.workload import buyer, totals
from oms.customers.tables import customer_counters, customers
from oms.fulfilment.tables.orders import fulfilment_orders
from oms.fulfilment.tables.shipments import shipments
from oms.orders.tables import order_counters, order_lines, orders

FIRST_CUSTOMER_NUMBER = 100001
FIRST_ORDER_NUMBER = 10001
TWO_YEARS = timedelta(days=730)
CHUNK = 50_000
"""Orders generated and copied per round (their lines follow them)."""
ORDER_COLUMNS = (
    "id", "number", "channel_code", "customer_id", "customer_email", "customer_name",
    "customer_locale", "status", "on_hold", "version", "currency", "prices_include_tax",
    "shipping_method", "shipping_address", "address_validated", "notes", "subtotal_minor",
    "shipping_minor", "shipping_tax_minor", "discount_minor", "tax_minor", "total_minor",
    "placed_at", "updated_at",
)  # fmt: skip
FO_COLUMNS = (
    "id", "number", "order_id", "order_number", "channel_code", "location_id", "location_code",
    "delivery", "status", "ship_by", "created_at", "updated_at", "shipped_at", "delivered_at",
    "version",
)  # fmt: skip
SHIPMENT_COLUMNS = (
    "id", "number", "fulfilment_order_id", "order_id", "location_code", "carrier", "service",
    "status", "weight_grams", "created_at", "shipped_at", "delivered_at", "kind",
)  # fmt: skip
PROMISE = timedelta(hours=48)
"""A fulfilment order's ``ship_by`` after its creation (shipped within 2-72 hours: a third late)."""
LINE_COLUMNS = (
    "id", "order_id", "line_no", "variant_id", "sku", "name", "tax_category", "quantity",
    "cancelled_quantity", "backordered_quantity", "fulfilled_quantity", "unit_price_minor",
    "subtotal_minor", "discount_minor", "tax_rate", "tax_minor", "total_minor",
)  # fmt: skip


def customer_id(n: int) -> uuid.UUID:
    """Buyer ``n``'s customer id, derived so orders can name it without a lookup."""
    return uuid.UUID(int=(0xBE4C << 112) | n, version=4)


def store_customers(db: Database, count: int) -> None:
    """Customers 0..count-1 of the workload, with their numbers and the counter after them."""
    now = datetime.now(UTC)

    def rows() -> Iterator[Row]:
        for n in range(count):
            b = buyer(n)
            yield (
                customer_id(n), f"C-{FIRST_CUSTOMER_NUMBER + n}", b.email, b.email.lower(),
                b.name, b.name.lower(), "de-DE", False, "", now, now,
            )  # fmt: skip

    columns = ("id", "number", "email", "email_key", "name", "name_search", "locale")
    bulk.load(db, customers, (*columns, "marketing_consent", "notes", "created_at", "updated_at"),
              rows())  # fmt: skip
    with db.engine.begin() as c:
        c.execute(
            customer_counters.insert().values(
                name="customer", last_value=FIRST_CUSTOMER_NUMBER + count - 1
            )
        )


@dataclass(frozen=True, slots=True)
class Batch:
    """Orders numbered ``first`` to ``first + count - 1``, spread over two years from ``since``."""

    first: int
    count: int
    since: datetime


def store_orders(
    db: Database,
    skus: Sequence[Sku],
    buyers: int,
    count: int,
    seed: int,
    locations: dict[str, uuid.UUID] | None = None,
) -> None:
    """Append ``count`` completed orders of 1-5 lines, numbered after the counter's value,
    each with its fulfilment at one of ``locations`` (code -> id) when given.

    On PostgreSQL the indexes that back no constraint are built once at the end.
    """
    with db.engine.begin() as c:
        last = c.execute(select(order_counters.c.value)).scalar()
    batch = Batch(
        first=FIRST_ORDER_NUMBER if last is None else last + 1,
        count=count,
        since=datetime.now(UTC) - TWO_YEARS,
    )
    tables = ("orders", "order_lines", *(("fulfilment_orders", "shipments") if locations else ()))
    with bulk.secondary_indexes_deferred(db, tables):
        for start in range(0, count, CHUNK):
            rng = random.Random(f"{seed}-{start}")  # noqa: S311 (benchmark data, not secrets)
            order_rows, line_rows = _chunk(rng, skus, buyers, batch, start)
            bulk.load(db, orders, ORDER_COLUMNS, order_rows)
            bulk.load(db, order_lines, LINE_COLUMNS, line_rows)
            if locations:
                fo_rows, shipment_rows = _fulfilment(rng, order_rows, sorted(locations.items()))
                bulk.load(db, fulfilment_orders, FO_COLUMNS, fo_rows)
                bulk.load(db, shipments, SHIPMENT_COLUMNS, shipment_rows)
    with db.engine.begin() as c:
        if last is None:
            c.execute(order_counters.insert().values(name="SO", value=batch.first + count - 1))
        else:
            c.execute(update(order_counters).values(value=batch.first + count - 1))
        if db.is_postgres:
            c.execute(
                text("SELECT setval('order_numbers', :last)"), {"last": batch.first + count - 1}
            )


def _time_id(rng: random.Random, at: datetime) -> uuid.UUID:
    """A UUIDv7 for a row created at ``at``, as ``oms.shared.ids.new_id`` makes them: ids
    ordered by time keep index inserts at the right-hand edge of the B-tree."""
    millis = int(at.timestamp() * 1000)
    return uuid.UUID(int=(millis << 80) | (0x7 << 76) | (0b10 << 62) | rng.getrandbits(62))


def _chunk(
    rng: random.Random, skus: Sequence[Sku], buyers: int, batch: Batch, start: int
) -> tuple[list[Row], list[Row]]:
    """The batch's orders from ``start`` on (``CHUNK`` of them at most), with their lines."""
    order_rows: list[Row] = []
    line_rows: list[Row] = []
    for index in range(start, min(start + CHUNK, batch.count)):
        number = batch.first + index
        n = rng.randrange(buyers)
        b = buyer(n)
        placed = batch.since + TWO_YEARS * (index + 1) / (batch.count + 1)
        order_id = _time_id(rng, placed)
        lines = [(sku, rng.choice((1, 1, 1, 2, 3))) for sku in rng.sample(skus, rng.randint(1, 5))]
        for line_no, (sku, quantity) in enumerate(lines, start=1):
            gross = sku.price_minor * quantity
            line_rows.append((
                _time_id(rng, placed), order_id, line_no, sku.variant_id, sku.code, sku.name,
                "standard", quantity, 0, 0, quantity, sku.price_minor, gross, 0, "0.19",
                round(gross * 0.19 / 1.19), gross,
            ))  # fmt: skip
        money = totals([sku.price_minor * quantity for sku, quantity in lines])
        order_rows.append((
            order_id, f"SO-{number}", "web", customer_id(n), b.email.lower(), b.name, "de-DE",
            "completed", False, 3, "EUR", True, "standard", b.address, True, "",
            *money.values(), placed, placed + timedelta(days=3),
        ))  # fmt: skip
    return order_rows, line_rows


def _fulfilment(
    rng: random.Random, order_rows: Sequence[Row], locations: Sequence[tuple[str, uuid.UUID]]
) -> tuple[list[Row], list[Row]]:
    """Each order's delivered fulfilment order and its one or two parcels."""
    fo_rows: list[Row] = []
    shipment_rows: list[Row] = []
    for order in order_rows:
        order_id, number, channel, placed = order[0], order[1], order[2], order[-2]
        code, location_id = rng.choice(locations)
        created = placed + timedelta(minutes=rng.randint(1, 30))
        shipped = created + timedelta(minutes=rng.randint(120, 72 * 60))
        delivered = shipped + timedelta(hours=rng.randint(20, 96))
        fo_id, fo_number = _time_id(rng, created), f"{number}-F1"
        fo_rows.append((
            fo_id, fo_number, order_id, number, channel, location_id, code, "ship", "delivered",
            created + PROMISE, created, delivered, shipped, delivered, 4,
        ))  # fmt: skip
        for index in range(1, 3 if rng.random() < 0.1 else 2):
            shipment_rows.append((
                _time_id(rng, shipped), f"{fo_number}-{index}", fo_id, order_id, code, "dhl",
                "standard", "delivered", 900, shipped, shipped, delivered, "parcel",
            ))  # fmt: skip
    return fo_rows, shipment_rows
