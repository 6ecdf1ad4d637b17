"""Shared fixtures: one database per backend, emptied between tests.

Integration tests run on SQLite always and on PostgreSQL when ``OMS_TEST_POSTGRES_URL`` is set
(`make test` sets it to a database it creates whenever a server answers at 127.0.0.1:5432).
With ``CI=true`` an unset or unreachable PostgreSQL fails the run instead of skipping; otherwise
the run ends with a line saying how many tests skipped PostgreSQL and why.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from oms import auth
from oms.app.http import create_app
from oms.app.schema import metadata
from oms.platform.database import create_database_engine, normalise_url
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork

POSTGRES_URL = os.environ.get("OMS_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"

BACKENDS = ["sqlite", "postgresql"]
SKIPPED_POSTGRES = "PostgreSQL skipped: "


def require_postgres_url() -> str:
    """The PostgreSQL test server's URL; skip the test without one (fail it under CI)."""
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("CI=true but OMS_TEST_POSTGRES_URL is not set")
        pytest.skip(f"{SKIPPED_POSTGRES}OMS_TEST_POSTGRES_URL is not set")
    return POSTGRES_URL


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly, last, how many tests did not run on PostgreSQL and why."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        if SKIPPED_POSTGRES in reason:
            reason = reason.split(SKIPPED_POSTGRES, 1)[1]
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in sorted(reasons.items()):
        terminalreporter.write_line(
            f"PostgreSQL: {count} tests SKIPPED ({reason}); `make test` creates a database "
            "when a server answers at 127.0.0.1:5432",
            yellow=True,
            bold=True,
        )


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own fresh database next to the given one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = make_url(normalise_url(url))
    name = f"{given.database}_{worker}"
    server = create_engine(given, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


def _postgres_engine() -> Engine:
    url = require_postgres_url()
    try:
        engine = create_database_engine(_worker_database(url), pool_size=20)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL unreachable in CI: {error}")
        pytest.skip(f"{SKIPPED_POSTGRES}unreachable: {error}")
    return engine


@pytest.fixture(scope="session", autouse=True)
def mail_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Customer mail that a test sends without naming a folder lands in a temporary one, never
    in ``./mail`` of the checkout (the default of ``OMS_MAIL_DIRECTORY``)."""
    folder = tmp_path_factory.mktemp("mail")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OMS_MAIL_DIRECTORY", str(folder))
        yield folder


@pytest.fixture(scope="session", params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated-schema engine per backend for the whole session."""
    if request.param == "sqlite":
        path = Path(tmp_path_factory.mktemp("sqlite")) / "oms-test.db"
        engine = create_database_engine(f"sqlite:///{path}")
    else:
        engine = _postgres_engine()
        with engine.begin() as conn:
            metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    with engine.begin() as conn:
        metadata.create_all(conn)
    yield engine
    engine.dispose()


_DELETE_ALL = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(metadata.sorted_tables))
_RESTART_SEQUENCES = (
    "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), start_value, "
    "false) FROM pg_sequences WHERE schemaname = current_schema()"
)


def empty(engine: Engine) -> None:
    """Remove every row and start every sequence again. Append-only tables refuse DELETE by
    trigger, so the triggers are lifted for the cleanup: on PostgreSQL by the replica session
    role (which skips foreign-key checks too; 40 ms where TRUNCATE of eighty tables took 2 s),
    on SQLite dropped and put back exactly as they were."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            conn.exec_driver_sql(_DELETE_ALL)
            conn.exec_driver_sql(_RESTART_SEQUENCES)
            return
        triggers = conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        ).all()
        for name, _ in triggers:
            conn.execute(text(f'DROP TRIGGER "{name}"'))
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        for _, sql in triggers:
            conn.execute(text(sql))


@pytest.fixture
def engine(database: Engine) -> Engine:
    """The backend's engine with every table empty at the start of the test."""
    empty(database)
    return database


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine)


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    return create_app(Settings(), engine=engine, run_relay=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


KeyMaker = Callable[..., dict[str, str]]


@pytest.fixture
def key_for(engine: Engine) -> KeyMaker:
    """``key_for("csr")`` or ``key_for("channel", channel="web")`` -> Authorization headers."""

    def make(role: str, channel: str | None = None) -> dict[str, str]:
        issued = auth.create_api_key(
            auth.CreateApiKey(name=f"test {role}", role=auth.Role(role), channel_code=channel),
            uow=UnitOfWork(engine),
        )
        return {"Authorization": f"Bearer {issued.secret}"}

    return make


@pytest.fixture
def admin(key_for: KeyMaker) -> dict[str, str]:
    return key_for("admin")
