"""How many SQL statements one placement through the service costs, counted as
tests/integration/test_orders_statement_budget.py counts them: every statement the driver is
handed (SQLAlchemy's ``before_cursor_execute``), reads and writes alike, an ``executemany``
once, SQLite's explicit ``BEGIN IMMEDIATE`` included, PostgreSQL's driver-issued BEGIN and
COMMIT not. The first placement warms whatever the process caches; the next one is counted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from bench.arms import service
from bench.databases import Database
from bench.workload import OrderStream
from oms import orders
from oms.platform.unit_of_work import UnitOfWork


def per_placement(db: Database, skus: list[str], buyers: int) -> int:
    """Statements run by one steady-state ``place_order`` on ``db``."""
    stream = OrderStream(skus, buyers, seed=424242)
    uow = UnitOfWork(db.engine)
    orders.place_order(service.command(stream.next()), uow=uow)
    seen: list[str] = []

    def record(*args: Any, **_: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        orders.place_order(service.command(stream.next()), uow=uow)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(seen)
