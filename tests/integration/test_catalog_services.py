"""The catalog's public interface as other contexts use it, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from oms import catalog
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.money import Money
from tests import builders

SHIRT = catalog.CreateProduct(
    name="T-shirt",
    option_names=("colour", "size"),
    variants=(
        catalog.NewVariant(sku="TS-RED-M", options={"colour": "Red", "size": "M"}),
        catalog.NewVariant(
            sku="TS-RED-L", gtin="4006381333931", options={"colour": "Red", "size": "L"}
        ),
    ),
    tax_category=catalog.TaxCategory.REDUCED,
    returnable=False,
)


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def event_types(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        query = select(outbox_table.c.event_type).order_by(outbox_table.c.position)
        return list(conn.execute(query).scalars())


def test_the_minimal_product_takes_only_a_name_and_a_sku(uow: UnitOfWork) -> None:
    product = catalog.create_product(
        catalog.CreateProduct(name="T-shirt", variants=(catalog.NewVariant(sku="TS-RED-M"),)),
        uow=uow,
    )
    assert product.tax_category is catalog.TaxCategory.STANDARD
    assert product.returnable
    assert product.active
    assert [v.sku for v in catalog.get_product(product.id, uow=uow).variants] == ["TS-RED-M"]


def test_find_variants_returns_only_existing_skus_keyed_as_asked(uow: UnitOfWork) -> None:
    product = catalog.create_product(SHIRT, uow=uow)
    found = catalog.find_variants(["ts-red-m", "TS-RED-L", "NOPE"], uow=uow)
    assert set(found) == {"ts-red-m", "TS-RED-L"}
    red_m = found["ts-red-m"]
    assert red_m.sku == "TS-RED-M"
    assert red_m.product_id == product.id
    assert red_m.name == "T-shirt — Red / M"
    assert red_m.tax_category == "reduced"
    assert not red_m.returnable
    assert red_m.active
    assert found["TS-RED-L"].gtin == "4006381333931"


def test_a_variant_of_an_inactive_product_is_not_active(uow: UnitOfWork) -> None:
    product = catalog.create_product(SHIRT, uow=uow)
    catalog.update_product(catalog.UpdateProduct(product_id=product.id, active=False), uow=uow)
    assert not catalog.find_variants(["TS-RED-M"], uow=uow)["TS-RED-M"].active


def test_prices_for_is_the_channels_price_list(uow: UnitOfWork) -> None:
    builders.channel(uow, "web")
    builders.channel(uow, "us", currency="USD")
    builders.product(uow, "MUG-1", prices={"web": "9.50", "us": "10.00"}, name="Mug")
    builders.product(uow, "CAP-1", prices={"us": "12.00"}, name="Cap")
    prices = catalog.prices_for(["mug-1", "CAP-1", "NOPE"], "web", uow=uow)
    assert prices == {"mug-1": Money(Decimal("9.50"), "EUR")}
    assert catalog.prices_for(["CAP-1"], "us", uow=uow) == {"CAP-1": Money(Decimal("12"), "USD")}


def test_every_change_records_an_event(uow: UnitOfWork, engine: Engine) -> None:
    builders.channel(uow, "web")
    product = catalog.create_product(SHIRT, uow=uow)
    catalog.update_product(catalog.UpdateProduct(product_id=product.id, name="Tee"), uow=uow)
    price = catalog.SetPrice(sku="TS-RED-M", channel="web", amount=Decimal("5"), currency="EUR")
    catalog.set_price(price, uow=uow)
    catalog.set_price(price, uow=uow)  # unchanged: no event
    catalog.remove_price(catalog.RemovePrice(sku="TS-RED-M", channel="web"), uow=uow)
    types = [t for t in event_types(engine) if t.startswith("catalog.")]
    assert types == [
        "catalog.product_created.v1",
        "catalog.product_changed.v1",
        "catalog.price_changed.v1",
        "catalog.price_changed.v1",
    ]


def test_a_price_for_an_unknown_channel_names_the_channel(uow: UnitOfWork) -> None:
    builders.product(uow, "MUG-1")
    with pytest.raises(Invalid) as refused:
        catalog.set_price(
            catalog.SetPrice(sku="MUG-1", channel="nowhere", amount=Decimal(1), currency="EUR"),
            uow=uow,
        )
    assert [p.field for p in refused.value.problems] == ["channel"]


@pytest.mark.parametrize("count", [2, 12])
def test_listing_products_costs_the_same_statements_for_any_page_size(
    count: int, uow: UnitOfWork, engine: Engine
) -> None:
    builders.channel(uow, "web")
    for index in range(count):
        builders.product(uow, f"SKU-{index}", prices={"web": "1.00"}, name=f"Product {index}")
    with counted(engine) as statements:
        listed = catalog.list_products(uow=uow, after=None, limit=50)
    assert len(listed) == count
    assert all(p.variants[0].prices["web"] == Money(Decimal(1), "EUR") for p in listed)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2
