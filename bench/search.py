"""Finding orders among many: by the buyer's email and by the order number, through the
service the API calls (``list_orders``), one page of 50 newest first, as the API asks for it."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sqlalchemy import func, select

from bench.databases import Database
from bench.measure import Measurement
from bench.workload import buyer
from oms.orders.repository import OrderFilter
from oms.orders.services import list_orders
from oms.orders.tables import orders
from oms.platform.unit_of_work import UnitOfWork

PAGE = 50


def _timed(
    lookups: list[OrderFilter], uow: UnitOfWork, tick: Callable[[float], None]
) -> Measurement:
    result = Measurement(orders=0, seconds=0.0)
    started = time.perf_counter()
    for index, lookup in enumerate(lookups):
        before = time.perf_counter()
        found = list_orders(lookup, uow=uow, after=None, limit=PAGE + 1)
        result.latencies_ms.append((time.perf_counter() - before) * 1000)
        result.orders += len(found)
        tick((index + 1) / len(lookups))
    result.seconds = time.perf_counter() - started
    return result


def by_email(db: Database, buyers: int, lookups: int, tick: Callable[[float], None]) -> Measurement:
    """Random buyers' orders by exact email; ``orders`` counts the orders found."""
    rng = random.Random(7)  # noqa: S311 (benchmark data, not secrets)
    filters = [
        OrderFilter(customer_email=buyer(rng.randrange(buyers)).email) for _ in range(lookups)
    ]
    return _timed(filters, UnitOfWork(db.engine), tick)


def by_number(db: Database, lookups: int, tick: Callable[[float], None]) -> Measurement:
    """Random stored orders by their number (the ``q`` filter, which also matches external
    ids); ``orders`` counts the orders found."""
    with db.engine.connect() as c:
        numbers = c.execute(select(orders.c.number).order_by(func.random()).limit(lookups))
        wanted = [OrderFilter(q=number.lower()) for number in numbers.scalars()]
    return _timed(wanted, UnitOfWork(db.engine), tick)
