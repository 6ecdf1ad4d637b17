"""Finding orders among many: by the buyer's email and by the order number, through the
service the API calls (``list_orders``), one page of 50 newest first, as the API asks for it.

Each search is interleaved with a control, lookup by lookup: the same search written with the
driver alone (the same statement on a plain psycopg connection, rows fetched, no objects
built). Both see the same moments of the machine, so the ratio of their medians holds on a busy
machine where the search's own percentiles do not.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from bench.databases import Database, connect_raw
from bench.measure import Measurement
from bench.workload import buyer
from oms.orders.repository import OrderFilter
from oms.orders.services import list_orders
from oms.orders.tables import orders
from oms.platform.unit_of_work import UnitOfWork

PAGE = 50

JOINED = (
    "SELECT * FROM ({page}) AS page "
    "LEFT JOIN order_lines l ON l.order_id = page.id "
    "LEFT JOIN order_allocations a ON a.line_id = l.id AND a.quantity > 0 "
    "LEFT JOIN order_holds h ON h.order_id = page.id "
    "ORDER BY page.placed_at DESC, page.id DESC, l.line_no, a.location_code, h.placed_at, h.id"
)
"""The statement the repository runs for a page (``oms.orders.repository.queries``)."""
PAGE_BY_EMAIL = JOINED.format(
    page="SELECT * FROM orders WHERE customer_email = %s ORDER BY placed_at DESC, id DESC LIMIT %s"
)
PAGE_BY_NUMBER = JOINED.format(
    page="SELECT * FROM orders WHERE number = %s OR external_id = %s "
    "ORDER BY placed_at DESC, id DESC LIMIT %s"
)


class RawSearch:
    """The control: the same statement by the driver alone, in a transaction of its own."""

    def __init__(self, db: Database) -> None:
        self._connection = connect_raw(db)

    def close(self) -> None:
        self._connection.close()

    def page(self, statement: str, params: list[Any]) -> int:
        """The orders found (rows fetched, none turned into objects)."""
        c = self._connection
        try:
            rows = c.execute(statement, params).fetchall()
        finally:
            c.rollback()
        return len({row[0] for row in rows})


def _timed(
    lookups: list[tuple[OrderFilter, str, list[Any]]],
    db: Database,
    tick: Callable[[float], None],
) -> tuple[Measurement, Measurement]:
    """Each lookup through the service, then the control's; (service, control)."""
    uow, control = UnitOfWork(db.engine), RawSearch(db)
    found, raw = Measurement(orders=0, seconds=0.0), Measurement(orders=0, seconds=0.0)
    try:
        for index, (lookup, statement, params) in enumerate(lookups):
            before = time.perf_counter()
            page = list_orders(lookup, uow=uow, after=None, limit=PAGE + 1)
            middle = time.perf_counter()
            raw.orders += control.page(statement, params)
            after = time.perf_counter()
            found.latencies_ms.append((middle - before) * 1000)
            raw.latencies_ms.append((after - middle) * 1000)
            found.orders += len(page)
            found.seconds += middle - before
            raw.seconds += after - middle
            tick((index + 1) / len(lookups))
    finally:
        control.close()
    return found, raw


def by_email(
    db: Database, buyers: int, lookups: int, tick: Callable[[float], None]
) -> tuple[Measurement, Measurement]:
    """Random buyers' orders by exact email; ``orders`` counts the orders found."""
    rng = random.Random(7)  # noqa: S311 (benchmark data, not secrets)
    wanted = []
    for _ in range(lookups):
        email = buyer(rng.randrange(buyers)).email.lower()
        wanted.append((OrderFilter(customer_email=email), PAGE_BY_EMAIL, [email, PAGE + 1]))
    return _timed(wanted, db, tick)


def by_number(
    db: Database, lookups: int, tick: Callable[[float], None]
) -> tuple[Measurement, Measurement]:
    """Random stored orders by their number (the ``q`` filter, which also matches external
    ids); ``orders`` counts the orders found."""
    with db.engine.connect() as c:
        numbers = c.execute(select(orders.c.number).order_by(func.random()).limit(lookups))
        wanted = [
            (OrderFilter(q=number.lower()), PAGE_BY_NUMBER, [number, number.lower(), PAGE + 1])
            for number in numbers.scalars()
        ]
    return _timed(wanted, db, tick)
