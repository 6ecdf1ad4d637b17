"""The ceiling: an order placed with the driver alone (psycopg or sqlite3), no oms code.

It writes exactly the rows ``place_order`` writes: the order, its lines and allocations, the
guarded stock updates with their ledger movements, the timeline and the outbox events, and
takes the next number the way the service does (PostgreSQL: ``nextval('order_numbers')``;
SQLite: the ``SO`` counter row). It reads what it must read fresh (the prices and variants of
the SKUs; the customer's id, on PostgreSQL with ``FOR SHARE`` as the service attaches the buyer,
so an erasure waits for the order) and keeps configuration in memory (the channel's first
location, VAT and shipping), as the service now keeps reference data in a per-process cache.
Stock rows are updated in primary-key order, as the service locks them; the number is taken
last, after the stock.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, NamedTuple
from uuid import UUID

from bench.databases import Database, connect_raw
from bench.merchant import ACTOR, CHANNEL, Merchant
from bench.workload import OrderSpec, included_vat, totals
from oms.shared.ids import new_id

PRICES = (
    "SELECT v.id, v.sku_key, v.sku, p.name, vp.amount_minor FROM product_variants v "
    "JOIN products p ON p.id = v.product_id "
    "JOIN variant_prices vp ON vp.variant_id = v.id AND vp.channel_code = %s "
    "WHERE v.sku_key IN ({skus})"
)
CUSTOMER = "SELECT id FROM customers WHERE email_key = %s"
CUSTOMER_LOCKED = CUSTOMER + " FOR SHARE"
"""PostgreSQL: the profile row is share-locked until the order commits (ADR 0009)."""
ALLOCATE = (
    "UPDATE stock_levels SET allocated = allocated + %s, updated_at = %s "
    "WHERE variant_id = %s AND location_id = %s AND on_hand - allocated - unavailable >= %s "
    "RETURNING on_hand, allocated, unavailable"
)
NEXT_NUMBER = "SELECT nextval('order_numbers')"
"""PostgreSQL: the sequence, which waits for no other placement (migration 0009)."""
NEXT_NUMBER_SQLITE = (
    "INSERT INTO order_counters (name, value) VALUES ('SO', 10001) "
    "ON CONFLICT (name) DO UPDATE SET value = order_counters.value + 1 RETURNING value"
)
"""SQLite: the counter row (one writer at a time there anyway)."""
ORDER = (
    "INSERT INTO orders (id, number, channel_code, customer_id, customer_email, customer_name, "
    "customer_locale, status, on_hold, version, currency, prices_include_tax, shipping_method, "
    "shipping_address, address_validated, notes, subtotal_minor, shipping_minor, "
    "shipping_tax_minor, discount_minor, tax_minor, total_minor, placed_at, updated_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, 'de_DE', 'confirmed', FALSE, 1, 'EUR', TRUE, 'standard', "
    "%s, TRUE, '', %s, %s, %s, %s, %s, %s, %s, %s)"
)
ORDER_SQLITE = ORDER.replace("shipping_address,", "shipping_address, billing_address,").replace(
    "%s, TRUE, ''", "%s, 'null', TRUE, ''"
)
"""SQLite: the service's JSON column stores an absent billing address as JSON ``null``."""
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


class Line(NamedTuple):
    """A line of the order with what the price lookup found for its SKU."""

    variant_id: Any
    """A UUID on PostgreSQL, its hex form on SQLite (as SQLAlchemy stores it)."""
    sku: str
    name: str
    price: int
    quantity: int

    @property
    def gross(self) -> int:
        return self.price * self.quantity


class RawPlacer:
    """Places orders on one driver connection of its own, one transaction each."""

    def __init__(self, db: Database, merchant: Merchant) -> None:
        self._connection = connect_raw(db)
        self._postgres = db.is_postgres
        code = merchant.preferred[0]
        self._location_code = code
        self._location = self._id(merchant.locations[code])

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

    def _lines(self, spec: OrderSpec) -> list[Line]:
        keys = [sku.upper() for sku, _ in spec.lines]
        marks = ", ".join(["%s"] * len(keys))
        rows = self._connection.execute(self._sql(PRICES.format(skus=marks)), [CHANNEL, *keys])
        found = {key: (variant_id, sku, name, price) for variant_id, key, sku, name, price in rows}
        return [
            Line(*found[key], quantity) for key, (_, quantity) in zip(keys, spec.lines, strict=True)
        ]

    def _write(self, spec: OrderSpec) -> str:
        c = self._connection
        now = datetime.now(UTC)
        lines = self._lines(spec)
        email = spec.buyer.email.lower()
        customer = CUSTOMER_LOCKED if self._postgres else self._sql(CUSTOMER)
        (customer_id,) = c.execute(customer, [email]).fetchone()
        levels = self._allocate(lines, now)
        next_number = NEXT_NUMBER if self._postgres else NEXT_NUMBER_SQLITE
        number = f"SO-{c.execute(next_number).fetchone()[0]}"
        order_id = new_id()
        money = totals([line.gross for line in lines])
        address = json.dumps(spec.buyer.address)
        c.execute(
            ORDER if self._postgres else self._sql(ORDER_SQLITE),
            [self._id(order_id), number, CHANNEL, customer_id, email, spec.buyer.name, address,
             *money.values(), self._at(now), self._at(now)],
        )  # fmt: skip
        movements = [new_id() for _ in lines]
        self._write_lines(order_id, number, lines, movements, now)
        self._write_timeline(order_id, money["total_minor"], lines, now)
        events = self._order_events(order_id, number, customer_id, money["total_minor"], lines, now)
        self._many(OUTBOX, events + self._stock_events(number, lines, levels, movements, now))
        return number

    def _allocate(self, lines: list[Line], now: datetime) -> list[tuple[int, int, int]]:
        """Guarded UPDATEs in primary-key order; the levels they left, in line order."""
        order = sorted(range(len(lines)), key=lambda i: UUID(str(lines[i].variant_id)))
        params = [
            (
                lines[i].quantity,
                self._at(now),
                lines[i].variant_id,
                self._location,
                lines[i].quantity,
            )
            for i in order
        ]
        left: list[tuple[int, int, int] | None] = []
        if self._postgres:
            cursor = self._connection.cursor()
            cursor.executemany(ALLOCATE, params, returning=True)
            left = [cursor.fetchone() for _ in cursor.results()]
        else:
            left = [self._connection.execute(self._sql(ALLOCATE), p).fetchone() for p in params]
        levels: dict[int, tuple[int, int, int]] = {}
        for i, level in zip(order, left, strict=True):
            if level is None:
                raise Refused
            levels[i] = level
        return [levels[i] for i in range(len(lines))]

    def _many(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        if self._postgres:
            self._connection.cursor().executemany(statement, rows)
        else:
            self._connection.executemany(self._sql(statement), rows)

    def _write_lines(
        self, order_id: UUID, number: str, lines: list[Line], movements: list[UUID], now: datetime
    ) -> None:
        ids = [self._id(new_id()) for _ in lines]
        oid, at = self._id(order_id), self._at(now)
        self._many(
            LINE,
            [
                (line_id, oid, no, line.variant_id, line.sku, line.name, line.quantity,
                 line.price, line.gross, included_vat(line.gross), line.gross)
                for no, (line_id, line) in enumerate(zip(ids, lines, strict=True), start=1)
            ],
        )  # fmt: skip
        self._many(
            ALLOCATION,
            [
                (line_id, oid, line.variant_id, self._location, self._location_code, line.quantity)
                for line_id, line in zip(ids, lines, strict=True)
            ],
        )
        self._many(
            MOVEMENT,
            [
                (self._id(movement), line.variant_id, self._location, line.quantity, ACTOR,
                 number, at)
                for movement, line in zip(movements, lines, strict=True)
            ],
        )  # fmt: skip

    def _write_timeline(self, order_id: UUID, total: int, lines: list[Line], now: datetime) -> None:
        oid, at = self._id(order_id), self._at(now)
        after = {"status": "pending", "total": f"{total / 100:.2f}", "lines": _skus(lines)}
        placed = json.dumps({"after": after})
        confirmed = json.dumps({"before": {"status": "pending"}, "after": {"status": "confirmed"}})
        self._many(
            TIMELINE,
            [
                (oid, at, ACTOR, "placed", f"placed on web for {total / 100:.2f} EUR", placed),
                (oid, at, ACTOR, "confirmed", "confirmed: no holds", confirmed),
            ],
        )

    def _order_events(
        self,
        order_id: UUID,
        number: str,
        customer_id: Any,
        total: int,
        lines: list[Line],
        now: datetime,
    ) -> list[tuple[Any, ...]]:
        oid, at = self._id(order_id), self._at(now)
        placed = {
            "aggregate_id": str(order_id),
            "number": number,
            "channel": CHANNEL,
            "customer_id": str(UUID(str(customer_id))),
            "total": {"amount": f"{total / 100:.2f}", "currency": "EUR"},
            "lines": _skus(lines),
            "backordered": [],
        }
        confirmed = {"aggregate_id": str(order_id), "number": number}
        return [
            (self._id(new_id()), "orders.order_placed.v1", "order", oid, json.dumps(placed), at),
            (
                self._id(new_id()),
                "orders.order_confirmed.v1",
                "order",
                oid,
                json.dumps(confirmed),
                at,
            ),
        ]

    def _stock_events(
        self,
        number: str,
        lines: list[Line],
        levels: list[tuple[int, int, int]],
        movements: list[UUID],
        now: datetime,
    ) -> list[tuple[Any, ...]]:
        events = []
        for line, movement, (on_hand, allocated, unavailable) in zip(
            lines, movements, levels, strict=True
        ):
            payload = {
                "aggregate_id": str(UUID(str(line.variant_id))),
                "movement_id": str(movement),
                "location_id": str(UUID(str(self._location))),
                "on_hand_delta": 0,
                "allocated_delta": line.quantity,
                "unavailable_delta": 0,
                "on_hand": on_hand,
                "allocated": allocated,
                "unavailable": unavailable,
                "reason": "",
                "reference": number,
            }
            events.append(
                (self._id(new_id()), "inventory.stock_allocated.v1", "inventory_item",
                 line.variant_id, json.dumps(payload), self._at(now))
            )  # fmt: skip
        return events


def _skus(lines: list[Line]) -> list[dict[str, Any]]:
    """The lines as the placed timeline entry and event name them."""
    return [{"sku": line.sku, "quantity": line.quantity} for line in lines]
