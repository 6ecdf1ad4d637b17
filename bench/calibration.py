"""What the box can do, printed first so runs on other machines can be compared.

* ``pgbench``: TPC-B-like transactions per second of the PostgreSQL server with 2 clients
  (or, without the ``pgbench`` program, single-row UPDATE transactions from 2 driver threads);
* a fixed pure-Python loop, timed: what one core gives the interpreter;
* the machine, the Python and the database versions and their durability settings.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import sqlite3
import subprocess
import threading
import time
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from bench.databases import create_postgres, drop_postgres, libpq_url

SETTINGS = ("fsync", "synchronous_commit", "shared_buffers", "max_connections", "wal_sync_method")


def python_loop_ms() -> float:
    """Best of three runs of a fixed loop (5 million multiply-adds), in milliseconds."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(5_000_000):
            total += i * i
        best = min(best, (time.perf_counter() - started) * 1000)
    return round(best, 1)


def _scratch(url: str) -> str:
    return libpq_url(url, f"{make_url(url).database}_pgbench")


def pgbench_tps(url: str, seconds: int) -> dict[str, Any]:
    """Raw transactions per second of the server, measured on a scratch database."""
    scratch = _scratch(url)
    create_postgres(scratch)
    try:
        program = shutil.which("pgbench")
        if program is None:
            return {
                "method": "driver loop: single-row UPDATE, 2 threads",
                "tps": _loop(scratch, seconds),
            }
        initialise = [program, "-i", "-q", "-s", "1", scratch]
        subprocess.run(initialise, capture_output=True, check=True)  # noqa: S603 (pgbench)
        done = subprocess.run(  # noqa: S603 (pgbench, fixed arguments)
            [program, "-T", str(seconds), "-c", "2", "-j", "2", scratch],
            capture_output=True,
            text=True,
            check=True,
        )
        found = re.search(r"tps = ([0-9.]+)", done.stdout)
        return {
            "method": "pgbench -s 1 -c 2 -j 2 (TPC-B like)",
            "tps": float(found[1]) if found else 0.0,
        }
    finally:
        drop_postgres(scratch)


def _loop(url: str, seconds: int) -> float:
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT)")
        c.execute("INSERT INTO counter VALUES (1, 0), (2, 0)")
    done = [0, 0]
    deadline = time.perf_counter() + seconds

    def client(row: int) -> None:
        with psycopg.connect(url) as c:
            while time.perf_counter() < deadline:
                c.execute("UPDATE counter SET n = n + 1 WHERE id = %s", [row])
                c.commit()
                done[row - 1] += 1

    threads = [threading.Thread(target=client, args=(row,)) for row in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(done) / seconds, 1)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine(url: str) -> dict[str, Any]:
    """The box, the interpreter and the two databases, with their durability settings."""
    with psycopg.connect(libpq_url(url, "postgres")) as c:
        version = c.execute("SHOW server_version").fetchone()
        rows = c.execute(
            "SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%s)", [list(SETTINGS)]
        )
        settings = {name: f"{value}{' x ' + unit if unit else ''}" for name, value, unit in rows}
    return {
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": version[0] if version else "unknown",
        "postgresql_settings": settings,
        "sqlite": sqlite3.sqlite_version,
        "sqlite_settings": "WAL, synchronous=FULL (as oms runs it)",
    }
