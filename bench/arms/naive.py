"""The control: read available stock, decide in Python, write without the guard.

This is the read-check-write that the architecture forbids, run by concurrent threads on one
small level in a table of its own (``stock_levels`` has CHECK constraints that would refuse
the oversell, a second line of defence this control leaves out). Each read and each write is its
own statement, as naive code with autocommit does it, and a little think time between them
stands for the work an application does after reading. The invariant check must then find
units sold that were never there: proof that it can see an oversell.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from bench.databases import Database, connect_raw
from bench.invariants import Findings, stock_findings

TABLE = "bench_naive_stock"
THINK_SECONDS = 0.001
DROP = "DROP TABLE IF EXISTS bench_naive_stock"
CREATE = (
    "CREATE TABLE bench_naive_stock (id INTEGER PRIMARY KEY, on_hand BIGINT NOT NULL, "
    "allocated BIGINT NOT NULL, unavailable BIGINT NOT NULL)"
)
STOCK = "INSERT INTO bench_naive_stock VALUES (1, %s, 0, 0)"
READ = "SELECT on_hand - allocated - unavailable FROM bench_naive_stock WHERE id = 1"
WRITE = "UPDATE bench_naive_stock SET allocated = allocated + 1 WHERE id = 1"
"""The naive write: no ``AND on_hand - allocated - unavailable >= 1``."""


def _statement(db: Database, sql: str) -> str:
    return sql if db.is_postgres else sql.replace("%s", "?")


def _prepare(db: Database, stock: int) -> None:
    connection = connect_raw(db)
    try:
        connection.execute(DROP)
        connection.execute(CREATE)
        connection.execute(_statement(db, STOCK), [stock])
        connection.commit()
    finally:
        connection.close()


def _buyer(db: Database, sold: list[int], lock: threading.Lock) -> None:
    connection: Any = connect_raw(db)
    if db.is_postgres:
        connection.autocommit = True
    try:
        while True:
            (available,) = connection.execute(READ).fetchone()
            if available < 1:
                return
            time.sleep(THINK_SECONDS)
            connection.execute(WRITE)
            with lock:
                sold[0] += 1
    finally:
        connection.close()


def run(db: Database, *, threads: int, stock: int) -> tuple[int, Findings]:
    """Sell ``stock`` units with ``threads`` naive buyers; (units sold, what the check found)."""
    _prepare(db, stock)
    sold = [0]
    lock = threading.Lock()
    buyers = [threading.Thread(target=_buyer, args=(db, sold, lock)) for _ in range(threads)]
    for buyer in buyers:
        buyer.start()
    for buyer in buyers:
        buyer.join()
    with db.engine.connect() as c:
        findings = stock_findings(c, TABLE)
    return sold[0], findings
