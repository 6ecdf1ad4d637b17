"""Fault tests: real `oms` processes on a fresh database per test, killed and restarted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from oms.platform.database import normalise_url
from tests.conftest import require_postgres_url
from tests.faults.deployment import Deployment, environment


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A brand-new PostgreSQL database on the test server, dropped (forcibly) afterwards."""
    given = require_postgres_url()
    name = f"oms_faults_{uuid.uuid4().hex[:12]}"
    server = create_engine(normalise_url(given), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(given).set(database=name).render_as_string(hide_password=False)
    finally:
        server.dispose()  # the server may have restarted since: start with a fresh pool
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _deployment(database_url: str, workdir: Path) -> Iterator[Deployment]:
    deployment = Deployment(database_url, environment(database_url, workdir), workdir)
    try:
        deployment.prepare()
        yield deployment
    finally:
        deployment.kill_all()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    """A prepared deployment (processes not started) on each database."""
    if request.param == "sqlite":
        yield from _deployment(f"sqlite:///{tmp_path / 'oms.db'}", tmp_path)
    else:
        yield from _deployment(request.getfixturevalue("fresh_postgres_url"), tmp_path)


@pytest.fixture
def postgres_deployment(fresh_postgres_url: str, tmp_path: Path) -> Iterator[Deployment]:
    """A prepared server-mode deployment on PostgreSQL."""
    yield from _deployment(fresh_postgres_url, tmp_path)
