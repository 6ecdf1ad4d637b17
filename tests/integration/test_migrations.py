"""Migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url

from oms.app import migrations
from oms.app.schema import metadata
from oms.platform.database import create_database_engine, normalise_url


@pytest.fixture
def empty_database_url(database: Engine, tmp_path: Path) -> Iterator[str]:
    """A brand-new empty database on the backend under test."""
    if database.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"oms_migrations_{uuid.uuid4().hex[:12]}"
    server = create_engine(database.url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield normalise_url(make_url(database.url).set(database=name).render_as_string(False))
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_migrations_and_models_agree(empty_database_url: str) -> None:
    migrations.upgrade(empty_database_url)
    engine = create_database_engine(empty_database_url)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
        assert differences == []
    finally:
        engine.dispose()


def test_migrations_go_down_to_nothing_and_up_again(empty_database_url: str) -> None:
    migrations.upgrade(empty_database_url)
    migrations.downgrade(empty_database_url, "base")
    engine = create_database_engine(empty_database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    migrations.upgrade(empty_database_url)
