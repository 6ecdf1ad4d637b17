"""Purchases read from the two sources, by the one definition of ``domain.purchases``.

The database: every ``completed`` order of a customer who is not a guest (the history import's
and the shops' guest profiles are ``guest@...invalid``), its goods value net of discounts
(``subtotal - discount``), at ``placed_at``, in its currency. The file: every invoice of the
UCI "Online Retail" export that is an order (not ``C``/``A``) and has a customer id, its goods
lines (``oms.history``'s reading of the codes: postage, fees and vouchers are not goods).
"""

from __future__ import annotations

import csv
import io
import lzma
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, and_, not_, select

from oms.customer_value.domain.purchases import Purchase
from oms.customers import tables as customer_tables
from oms.history.domain.online_retail import CURRENCY, line_kind, parse_invoice_date
from oms.history.domain.source import LineKind
from oms.orders import tables as order_tables

GUEST_EMAILS = "guest@%.invalid"


def from_database(conn: Connection) -> Iterator[Purchase]:
    """Completed orders of real customers, oldest first."""
    orders = order_tables.orders
    customers = customer_tables.customers
    query = (
        select(
            orders.c.customer_id,
            orders.c.placed_at,
            orders.c.subtotal_minor - orders.c.discount_minor,
            orders.c.currency,
        )
        .join(customers, customers.c.id == orders.c.customer_id)
        .where(and_(orders.c.status == "completed", not_(customers.c.email.like(GUEST_EMAILS))))
        .order_by(orders.c.placed_at, orders.c.id)
    )
    for customer_id, placed_at, value, currency in conn.execute(query):
        yield Purchase(
            customer=str(customer_id), at=placed_at, value_minor=value, currency=currency
        )


def _opened(path: Path) -> io.TextIOBase:
    if path.suffix == ".xz":
        return lzma.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def from_retail_file(path: Path) -> list[Purchase]:
    """The invoices of the retail export as purchases (one per invoice with a customer)."""
    values: dict[str, int] = defaultdict(int)
    first: dict[str, tuple[str, datetime]] = {}
    with _opened(path) as handle:
        for row in csv.DictReader(handle):
            invoice, customer = row["InvoiceNo"], row["CustomerID"]
            if not customer or invoice[:1] in ("C", "A"):
                continue
            if line_kind(row["StockCode"]) is not LineKind.PRODUCT:
                continue
            amount = Decimal(row["Quantity"]) * Decimal(row["UnitPrice"]) * 100
            values[invoice] += int(amount.to_integral_value())
            if invoice not in first:
                first[invoice] = (customer, parse_invoice_date(row["InvoiceDate"]))
    return sorted(
        (
            Purchase(customer=first[i][0], at=first[i][1], value_minor=v, currency=CURRENCY)
            for i, v in values.items()
        ),
        key=lambda p: (p.at, p.customer),
    )
