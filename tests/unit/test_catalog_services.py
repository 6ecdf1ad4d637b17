"""Catalog use cases on an in-memory unit of work (no database)."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from oms import catalog, channels
from oms.catalog.domain import PriceChanged, ProductChanged, ProductCreated
from oms.platform.unit_of_work import FakeUnitOfWork
from oms.shared.errors import Invalid
from oms.shared.money import Money
from oms.shared.versions import ExpectedVersion, StaleVersion
from tests.unit.doubles.catalog import catalog_doubles
from tests.unit.doubles.channels import channel_doubles


def a_channel(code: str, currency: str = "EUR") -> channels.Channel:
    return channels.Channel(
        id=uuid4(),
        code=code,
        name=code,
        kind=channels.ChannelKind.WEB,
        currency=currency,
        default_locale="en",
        allows_backorders=False,
        prices_include_tax=True,
        active=True,
    )


def a_uow() -> FakeUnitOfWork:
    sold_on = [a_channel("web"), a_channel("us", "USD")]
    return FakeUnitOfWork(channel_doubles(channels=sold_on) | catalog_doubles())


def a_tee(uow: FakeUnitOfWork, *skus: str) -> catalog.Product:
    return catalog.create_product(
        catalog.CreateProduct(
            name="T-shirt",
            option_names=("Size",),
            variants=tuple(
                catalog.NewVariant(sku=sku, options={"Size": size})
                for sku, size in zip(skus or ("TS-M",), ("M", "L", "XL"), strict=False)
            ),
        ),
        uow=uow,
    )


def price(uow: FakeUnitOfWork, sku: str, channel: str, amount: str, currency: str) -> None:
    catalog.set_price(
        catalog.SetPrice(sku=sku, channel=channel, amount=Decimal(amount), currency=currency),
        uow=uow,
    )


def test_a_sku_in_use_in_any_case_is_a_conflict_and_nothing_is_announced() -> None:
    uow = a_uow()
    a_tee(uow, "TS-M")
    with pytest.raises(catalog.SkuTaken):
        a_tee(uow, "ts-m")
    assert [type(e) for e in uow.committed] == [ProductCreated]


def test_changing_a_variant_is_a_new_version_of_its_product() -> None:
    uow = a_uow()
    product = a_tee(uow, "TS-M", "TS-L")
    detail = catalog.update_variant(catalog.UpdateVariant(sku="ts-l", weight_grams=180), uow=uow)
    assert detail.variant.weight_grams == 180
    assert detail.product.version == product.version + 1
    assert catalog.get_product(product.id, uow=uow).version == 2
    event = uow.committed[-1]
    assert isinstance(event, ProductChanged)
    assert (event.sku, event.changed) == ("TS-L", ("variants.weight_grams",))


def test_a_variant_changed_from_a_stale_product_version_is_refused() -> None:
    uow = a_uow()
    product = a_tee(uow, "TS-M")
    catalog.update_product(catalog.UpdateProduct(product_id=product.id, name="Tee"), uow=uow)
    with pytest.raises(StaleVersion):
        catalog.update_variant(
            catalog.UpdateVariant(
                sku="TS-M", active=False, expected=ExpectedVersion(versions=frozenset({1}))
            ),
            uow=uow,
        )
    assert catalog.get_variant("TS-M", uow=uow).variant.active


def test_a_price_in_another_currency_than_the_channels_is_refused_naming_it() -> None:
    uow = a_uow()
    a_tee(uow)
    with pytest.raises(Invalid) as refused:
        price(uow, "TS-M", "web", "19.99", "USD")
    assert [p.field for p in refused.value.problems] == ["currency"]


def test_setting_the_same_price_twice_changes_the_product_once() -> None:
    uow = a_uow()
    product = a_tee(uow)
    price(uow, "TS-M", "web", "19.99", "EUR")
    price(uow, "TS-M", "web", "19.99", "EUR")
    assert catalog.get_product(product.id, uow=uow).version == 2
    assert [type(e) for e in uow.committed] == [ProductCreated, PriceChanged]


def test_removing_a_price_that_was_never_set_is_not_found() -> None:
    uow = a_uow()
    a_tee(uow)
    with pytest.raises(catalog.PriceNotFound):
        catalog.remove_price(catalog.RemovePrice(sku="TS-M", channel="web"), uow=uow)


def test_the_price_list_leaves_out_prices_in_a_channels_former_currency() -> None:
    uow = a_uow()
    a_tee(uow, "TS-M", "TS-L")
    price(uow, "TS-M", "web", "19.99", "EUR")
    price(uow, "TS-L", "web", "21.99", "EUR")
    assert catalog.prices_for(["ts-m"], "web", uow=uow) == {"ts-m": Money.of("19.99", "EUR")}
    channels.update_channel(channels.UpdateChannel(code="web", currency="CHF"), uow=uow)
    assert catalog.prices_for(["TS-M", "TS-L"], "web", uow=uow) == {}


def test_a_channel_key_sees_only_its_channels_prices() -> None:
    uow = a_uow()
    product = a_tee(uow)
    price(uow, "TS-M", "web", "19.99", "EUR")
    price(uow, "TS-M", "us", "24.00", "USD")
    seen = catalog.get_product(product.id, uow=uow, visible_to="us")
    assert dict(seen.variants[0].prices) == {"us": Money.of("24.00", "USD")}


def test_a_new_variant_needs_option_values_no_other_variant_has() -> None:
    uow = a_uow()
    product = a_tee(uow, "TS-M")
    with pytest.raises(Invalid):
        catalog.add_variant(
            catalog.AddVariant(
                product_id=product.id,
                variant=catalog.NewVariant(sku="TS-M2", options={"Size": "m"}),
            ),
            uow=uow,
        )
    added = catalog.add_variant(
        catalog.AddVariant(
            product_id=product.id, variant=catalog.NewVariant(sku="TS-L", options={"Size": "L"})
        ),
        uow=uow,
    )
    assert [v.sku for v in added.product.variants] == ["TS-M", "TS-L"]
    assert catalog.find_variants(["ts-l"], uow=uow)["ts-l"].name == "T-shirt — L"
