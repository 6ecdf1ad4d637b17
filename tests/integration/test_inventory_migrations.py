"""Migration 0002 (backorders per SKU) on a database that already holds stock, both ways."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from oms import catalog, inventory
from oms.app import migrations
from oms.platform.database import create_database_engine, normalise_url
from oms.platform.unit_of_work import UnitOfWork
from tests import builders


@pytest.fixture
def migrated_url(database: Engine, tmp_path: Path) -> Iterator[str]:
    """A brand-new database on the backend under test, migrated to the newest revision."""
    if database.dialect.name == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
        migrations.upgrade(url)
        yield url
        return
    name = f"oms_migrations_{uuid.uuid4().hex[:12]}"
    server = create_engine(database.url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = normalise_url(make_url(database.url).set(database=name).render_as_string(False))
        migrations.upgrade(url)
        yield url
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def stocked_sku(url: str) -> uuid.UUID:
    """A SKU with stock at a location and backorders allowed; returns its variant id."""
    engine = create_database_engine(url)
    uow = UnitOfWork(engine)
    try:
        builders.location(uow, "wh-de", "DE")
        product = catalog.create_product(
            catalog.CreateProduct(name="Shirt", variants=(catalog.NewVariant(sku="TS-1"),)),
            uow=uow,
        )
        inventory.receive_stock(
            inventory.ReceiveStock(sku="TS-1", location="wh-de", quantity=3, actor="test"),
            uow=uow,
        )
        inventory.change_stock_settings(
            inventory.ChangeStockSettings(sku="TS-1", allows_backorders=True), uow=uow
        )
        return product.variant("TS-1").id
    finally:
        engine.dispose()


def test_backorders_go_away_and_come_back_off_for_skus_already_stocked(
    migrated_url: str,
) -> None:
    variant_id = stocked_sku(migrated_url)
    migrations.downgrade(migrated_url, "0001")
    migrations.upgrade(migrated_url)
    engine = create_database_engine(migrated_url)
    try:
        uow = UnitOfWork(engine)
        item = inventory.stock_settings([variant_id], uow=uow)[variant_id]
        assert (item.sku, item.allows_backorders) == ("TS-1", False)
        assert [s.on_hand for s in inventory.get_stock("TS-1", uow=uow).locations] == [3]
    finally:
        engine.dispose()
