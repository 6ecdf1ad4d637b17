"""Run a command with a PostgreSQL test database, or say plainly that there is none.

`make test` (and so `.ci/run`) comes through here, so the rule is written once:

- ``OMS_TEST_POSTGRES_URL`` is set: the command runs against it as it is (the caller owns that
  database, and an unreachable one is the tests' business: they skip, or fail under ``CI=true``).
- Otherwise, when a server answers at ``OMS_TEST_POSTGRES_SERVER`` (by default the local one at
  127.0.0.1:5432 as ``postgres``), a database of our own is created there, the command runs with
  ``OMS_TEST_POSTGRES_URL`` pointing at it, and the database is dropped afterwards together with
  the per-worker copies the tests make next to it (``<name>_gw0``, ...).
- No server answers: under ``CI=true`` that fails the run before any test starts; elsewhere the
  command still runs (on SQLite) and a banner before and after it says that the PostgreSQL half of
  the suite was skipped and why.

Usage: ``python tools/postgres_for_tests.py -- COMMAND [ARG...]``; exits with the command's status.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
CONNECT_TIMEOUT_SECONDS = 3


def main(argv: list[str]) -> int:
    command = argv[1:] if argv and argv[0] == "--" else argv
    if not command:
        sys.stderr.write(__doc__ or "")
        return 2
    if os.environ.get("OMS_TEST_POSTGRES_URL"):
        _say("PostgreSQL: testing on OMS_TEST_POSTGRES_URL as given")
        return _run(command)
    server = os.environ.get("OMS_TEST_POSTGRES_SERVER", DEFAULT_SERVER)
    where = _describe(server)
    try:
        name = _create_database(server)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return _run_without_postgres(command, where, reason)
    _say(f"PostgreSQL: testing on database {name} at {where} (dropped afterwards)")
    env = dict(os.environ, OMS_TEST_POSTGRES_URL=_database_url(server, name))
    try:
        return _run(command, env)
    finally:
        _drop_databases(server, name)


def _run_without_postgres(command: list[str], where: str, reason: str) -> int:
    banner = (
        f"PostgreSQL: no server answers at {where} ({reason}).\n"
        "PostgreSQL: the PostgreSQL half of the suite is SKIPPED; start a server there or set "
        "OMS_TEST_POSTGRES_URL (or OMS_TEST_POSTGRES_SERVER) to run it."
    )
    if os.environ.get("CI", "").lower() == "true":
        _say(banner.splitlines()[0] + "\nPostgreSQL: CI=true needs it: failing the run.")
        return 1
    _say(banner)
    status = _run(command)
    _say(banner)
    return status


def _run(command: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.call(command, env=env)  # noqa: S603  # the Makefile's own command


def _create_database(server: str) -> str:
    name = f"oms_test_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    with _connect(server) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def _drop_databases(server: str, name: str) -> None:
    """Drop ``name`` and the copies that pytest-xdist workers made beside it."""
    ours = re.compile(rf"^{re.escape(name)}(_gw\d+)?$")
    try:
        with _connect(server) as conn:
            rows = conn.execute("SELECT datname FROM pg_database").fetchall()
            for (database,) in rows:
                if ours.match(database):
                    conn.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                            sql.Identifier(database)
                        )
                    )
    except psycopg.OperationalError as error:
        _say(f"PostgreSQL: could not drop the test database {name}*: {error}")


def _connect(server: str) -> psycopg.Connection[tuple[object, ...]]:
    url = make_url(server).set(drivername="postgresql")
    return psycopg.connect(
        url.render_as_string(hide_password=False),
        autocommit=True,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
    )


def _database_url(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _describe(server: str) -> str:
    """Host and port only: a password in the URL never reaches the terminal."""
    url = make_url(server)
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _say(message: str) -> None:
    sys.stderr.write(f"\n{message}\n\n")
    sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
