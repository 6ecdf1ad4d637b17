"""The ceiling: an order placed with the driver alone (psycopg or sqlite3), no oms code.

It writes exactly the rows ``place_order`` writes: the order, its lines and allocations, the
guarded stock updates with their ledger movements, the timeline and the outbox events, and
takes the next number from the same counter row. It reads what it must read fresh (the prices
and variants of the SKUs, the customer's id) and keeps configuration in memory (the channel's
first location, VAT and shipping), which the service reads per order. Stock rows are updated in
primary-key order, as the service locks them; the counter is taken last, after the stock.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from oms.shared.ids import new_id

from bench.databases import Database, connect_raw
from bench.merchant import ACTOR, CHANNEL, Merchant
from bench.workload import OrderSpec, totals

PRICES = (
    "SELECT v.id, v.sku_key, v.sku, p.name, vp.amount_minor FROM product_variants v "
    "JOIN products p ON p.id = v.product_id "
    "JOIN variant_prices vp ON vp.variant_id = v.id AND vp.channel_code = %s "
    "WHERE v.sku_key IN ({skus})"
)
CUSTOMER = "SELECT id FROM customers WHERE email_key = %s"
ALLOCATE = (
    "UPDATE stock_levels SET allocated = allocated + %s, updated_at = %s "
    "WHERE variant_id = %s AND location_id = %s AND on_hand - allocated - unavailable >= %s "
    "RETURNING on_hand, allocated, unavailable"
)
NEXT_NUMBER = (
    "INSERT INTO order_counters (name, value) VALUES ('SO', 10001) "
    "ON CONFLICT (name) DO UPDATE SET value = order_counters.value + 1 RETURNING value"
)
ORDER = (
    "INSERT INTO orders (id, number, channel_code, customer_id, customer_email, customer_name, "
    "customer_locale, status, on_hold, version, currency, prices_include_tax, shipping_method, "
    "shipping_address, address_validated, notes, subtotal_minor, shipping_minor, "
    "shipping_tax_minor, discount_minor, tax_minor, total_minor, placed_at, updated_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, 'de-DE', 'confirmed', FALSE, 1, 'EUR', TRUE, 'standard', "
    "%s, TRUE, '', %s, %s, %s, %s, %s, %s, %s, %s)"
)
LINE = (
    "INSERT INTO order_lines (id, order_id, line_no, variant_id, sku, name, tax_category, "
    "quantity, cancelled_quantity, backordered_quantity, fulfilled_quantity, unit_price_minor, "
    "subtotal_minor, discount_minor, tax_rate, tax_minor, total_minor) "
    "VALUES (%s, %s, %s, %s, %s, %s, 'standard', %s, 0, 0, 0, %s, %s, 0, '0.19', %s, %s)"
)
ALLOCATION = (
    "INSERT INTO order_allocations (line_id, order_id, variant_id, location_id, location_code, "
    "quantity) VALUES (%s, %s, %s, %s, %s, %s)"
)
MOVEMENT = (
    "INSERT INTO stock_movements (id, kind, variant_id, location_id, on_hand_delta, "
    "allocated_delta, unavailable_delta, reason, actor, reference, occurred_at) "
    "VALUES (%s, 'allocation', %s, %s, 0, %s, 0, '', %s, %s, %s)"
)
TIMELINE = (
    "INSERT INTO order_timeline (order_id, at, actor, kind, summary, details) "
    "VALUES (%s, %s, %s, %s, %s, %s)"
)
OUTBOX = (
    "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, payload, "
    "occurred_at) VALUES (%s, %s, %s, %s, %s, %s)"
)


class Refused(Exception):
    """The guarded UPDATE left a level alone: not enough stock (never expected here)."""


class RawPlacer:
    """Places orders on one driver connection of its own, one transaction each."""

    def __init__(self, db: Database, merchant: Merchant) -> None:
        self._connection = connect_raw(db)
        self._postgres = db.is_postgres
        code = merchant.preferred[0]
        self._location = (merchant.locations[code], code)

    def close(self) -> None:
        self._connection.close()

    def _sql(self, statement: str) -> str:
        return statement if self._postgres else statement.replace("%s", "?")

    def _id(self, value: UUID) -> Any:
        return value if self._postgres else value.hex

    def _at(self, value: datetime) -> Any:
        return value if self._postgres else value.replace(tzinfo=None).isoformat(" ")

    def place(self, spec: OrderSpec) -> str:
        """Place the order in one transaction; returns its number."""
        c = self._connection
        if not self._postgres:
            c.execute("BEGIN IMMEDIATE")
        try:
            number = self._write(spec)
        except BaseException:
            c.rollback() if self._postgres else c.execute("ROLLBACK")
            raise
        c.commit() if self._postgres else c.execute("COMMIT")
        return number

    def _write(self, spec: OrderSpec) -> str:
        c = self._connection
        now = datetime.now(UTC)
        keys = [sku.upper() for sku, _ in spec.lines]
        marks = ", ".join(["%s"] * len(keys))
        found = {
            row[1]: row
            for row in c.execute(self._sql(PRICES.format(skus=marks)), [CHANNEL, *keys])
        }
        (customer_id,) = c.execute(self._sql(CUSTOMER), [spec.buyer.email.lower()]).fetchone()
        lines = [(found[sku.upper()], quantity) for sku, quantity in spec.lines]
        levels = self._allocate(lines, now)
        number = f"SO-{c.execute(NEXT_NUMBER).fetchone()[0]}"
        order_id = new_id()
        money = totals([row[4] * quantity for row, quantity in lines])
        c.execute(
            self._sql(ORDER),
            [self._id(order_id), number, CHANNEL, customer_id, spec.buyer.email.lower()]
            + [spec.buyer.name, json.dumps(spec.buyer.address), *money.values()]
            + [self._at(now), self._at(now)],
        )
        self._write_lines(order_id, number, lines, now)
        self._write_history(order_id, number, customer_id, money["total_minor"], now)
        self._write_stock_events(number, lines, levels, now)
        return number

    def _allocate(self, lines: list[tuple[Any, int]], now: datetime) -> list[tuple[int, ...]]:
        """Guarded UPDATEs in primary-key order; the levels they left, in line order."""
        location_id = self._location[0]
        ordered = sorted(range(len(lines)), key=lambda i: UUID(str(lines[i][0][0])))
        params = [
            (lines[i][1], self._at(now), lines[i][0][0], self._id(location_id), lines[i][1])
            for i in ordered
        ]
        levels: dict[int, tuple[int, ...]] = {}
        if self._postgres:
            cursor = self._connection.cursor()
            cursor.executemany(ALLOCATE, params, returning=True)
            for i, _ in zip(ordered, cursor.results(), strict=True):
                row = cursor.fetchone()
                if row is None:
                    raise Refused
                levels[i] = row
        else:
            for i, values in zip(ordered, params, strict=True):
                row = self._connection.execute(self._sql(ALLOCATE), values).fetchone()
                if row is None:
                    raise Refused
                levels[i] = row
        return [levels[i] for i in range(len(lines))]

    def _many(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        if self._postgres:
            self._connection.cursor().executemany(statement, rows)
        else:
            self._connection.executemany(self._sql(statement), rows)

    def _write_lines(
        self, order_id: UUID, number: str, lines: list[tuple[Any, int]], now: datetime
    ) -> None:
        line_ids = [new_id() for _ in lines]
        location_id, location_code = self._location
        oid = self._id(order_id)
        self._many(
            LINE,
            [
                (self._id(line_id), oid, no, row[0], row[2], row[3], quantity, row[4])
                + (row[4] * quantity, round(row[4] * quantity * 0.19 / 1.19), row[4] * quantity)
                for no, (line_id, (row, quantity)) in enumerate(zip(line_ids, lines), start=1)
            ],
        )
        self._many(
            ALLOCATION,
            [
                (self._id(line_id), oid, row[0], self._id(location_id), location_code, quantity)
                for line_id, (row, quantity) in zip(line_ids, lines, strict=True)
            ],
        )
        self._many(
            MOVEMENT,
            [
                (self._id(new_id()), row[0], self._id(location_id), quantity, ACTOR, number)
                + (self._at(now),)
                for row, quantity in lines
            ],
        )

    def _write_history(
        self, order_id: UUID, number: str, customer_id: Any, total: int, now: datetime
    ) -> None:
        oid, at = self._id(order_id), self._at(now)
        placed = {"after": {"status": "pending", "total": f"{total / 100:.2f}"}}
        confirmed = {"before": {"status": "pending"}, "after": {"status": "confirmed"}}
        self._many(
            TIMELINE,
            [
                (oid, at, ACTOR, "placed", f"placed on web for {total / 100:.2f} EUR")
                + (json.dumps(placed),),
                (oid, at, ACTOR, "confirmed", "confirmed: no holds", json.dumps(confirmed)),
            ],
        )
        event = {"aggregate_id": str(order_id), "number": number, "channel": CHANNEL}
        self._many(
            OUTBOX,
            [
                (self._id(new_id()), "orders.order_placed.v1", "order", oid)
                + (json.dumps({**event, "customer_id": str(customer_id)}), at),
                (self._id(new_id()), "orders.order_confirmed.v1", "order", oid)
                + (json.dumps({"aggregate_id": str(order_id), "number": number}), at),
            ],
        )

    def _write_stock_events(
        self,
        number: str,
        lines: list[tuple[Any, int]],
        levels: list[tuple[int, ...]],
        now: datetime,
    ) -> None:
        location_id = str(self._location[0])
        self._many(
            OUTBOX,
            [
                (self._id(new_id()), "inventory.stock_allocated.v1", "inventory_item", row[0])
                + (
                    json.dumps(
                        {
                            "aggregate_id": str(row[0]),
                            "location_id": location_id,
                            "allocated_delta": quantity,
                            "on_hand": level[0],
                            "allocated": level[1],
                            "unavailable": level[2],
                            "reference": number,
                        }
                    ),
                    self._at(now),
                )
                for (row, quantity), level in zip(lines, levels, strict=True)
            ],
        )


def is_retryable(error: BaseException) -> bool:
    """A serialisation failure or deadlock the caller may simply try again."""
    if isinstance(error, sqlite3.OperationalError):
        return "locked" in str(error)
    sqlstate = getattr(error, "sqlstate", None)
    return sqlstate in ("40001", "40P01")
