"""Migration 0009 hands PostgreSQL's order numbers to the ``order_numbers`` sequence without
handing any number out twice, and gives them back to the counter row on the way down."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from oms.app import migrations
from oms.platform.database import create_database_engine
from tests.integration.test_migrations import empty_database_url  # noqa: F401 (fixture)


def test_the_sequence_continues_after_the_counter_and_returns_to_it(
    database: Engine,
    empty_database_url: str,  # noqa: F811
) -> None:
    if database.dialect.name != "postgresql":
        pytest.skip("SQLite keeps the counter row")
    migrations.upgrade(empty_database_url, "0008")
    engine = create_database_engine(empty_database_url)
    try:
        with engine.begin() as c:
            c.execute(text("INSERT INTO order_counters (name, value) VALUES ('SO', 12345)"))
        migrations.upgrade(empty_database_url)
        with engine.begin() as c:
            assert c.execute(text("SELECT nextval('order_numbers')")).scalar_one() == 12346
        migrations.downgrade(empty_database_url, "0008")
        with engine.begin() as c:
            counter = text("SELECT value FROM order_counters WHERE name = 'SO'")
            assert c.execute(counter).scalar_one() == 12346
    finally:
        engine.dispose()
