"""ETag and If-Match on the PATCH routes of reference data: no lost updates.

Channels, locations, products, variants and customers carry a version that every change
raises; GET and PATCH give it as the strong ETag ``"<version>"``. A PATCH with ``If-Match``
naming a version that is no longer current is refused with 412 ``stale-version``; without
``If-Match`` the change applies as before (the header is optional on these routes).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import catalog, channels, customers
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.versions import ExpectedVersion, StaleVersion
from tests import builders


@dataclass(frozen=True)
class Resource:
    """One kind of versioned record: how to create one, where it lives, a change to send."""

    name: str
    create: Callable[[UnitOfWork], str]
    change: dict[str, Any]
    other_change: dict[str, Any]


def _channel(uow: UnitOfWork) -> str:
    builders.location(uow)
    builders.channel(uow, locations=("wh-de",))
    return "/v1/channels/web"


def _location(uow: UnitOfWork) -> str:
    builders.location(uow)
    return "/v1/locations/wh-de"


def _product(uow: UnitOfWork) -> str:
    return f"/v1/products/{builders.product(uow).id}"


def _variant(uow: UnitOfWork) -> str:
    builders.product(uow, sku="TS-RED-M")
    return "/v1/variants/ts-red-m"


def _customer(uow: UnitOfWork) -> str:
    created = customers.create_customer(
        customers.CreateCustomer(email="ada@example.com", name="Ada Lovelace"), uow=uow
    )
    return f"/v1/customers/{created.id}"


RESOURCES = [
    Resource("channel", _channel, {"name": "Web shop"}, {"allows_backorders": True}),
    Resource("location", _location, {"name": "Hamburg"}, {"daily_capacity": 5}),
    Resource("product", _product, {"name": "Tee"}, {"returnable": False}),
    Resource("variant", _variant, {"weight_grams": 180}, {"active": False}),
    Resource("customer", _customer, {"name": "Ada King"}, {"notes": "prefers email"}),
]


@pytest.fixture(params=RESOURCES, ids=lambda r: r.name)
def resource(request: pytest.FixtureRequest) -> Resource:
    found: Resource = request.param
    return found


def test_a_new_record_is_at_version_one_and_each_change_raises_it(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork, resource: Resource
) -> None:
    path = resource.create(uow)
    assert client.get(path, headers=admin).headers["ETag"] == '"1"'
    changed = client.patch(path, json=resource.change, headers=admin | {"If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == '"2"'
    assert client.get(path, headers=admin).headers["ETag"] == '"2"'


def test_the_second_of_two_changes_from_the_same_etag_is_refused(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork, resource: Resource
) -> None:
    path = resource.create(uow)
    etag = client.get(path, headers=admin).headers["ETag"]
    first = client.patch(path, json=resource.change, headers=admin | {"If-Match": etag})
    second = client.patch(path, json=resource.other_change, headers=admin | {"If-Match": etag})
    assert first.status_code == 200, first.text
    assert second.status_code == 412, second.text
    assert second.headers["content-type"] == "application/problem+json"
    problem = second.json()
    assert problem["code"] == "stale-version"
    assert problem["actual_version"] == 2
    assert problem["expected_versions"] == [1]
    after = client.get(path, headers=admin)
    assert after.headers["ETag"] == '"2"'
    for field, value in resource.other_change.items():
        assert after.json().get(field) != value


def test_a_stale_etag_changes_nothing(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork, resource: Resource
) -> None:
    path = resource.create(uow)
    before = client.get(path, headers=admin).json()
    stale = client.patch(path, json=resource.change, headers=admin | {"If-Match": '"999"'})
    assert stale.status_code == 412
    assert client.get(path, headers=admin).json() == before


@pytest.mark.parametrize("header", ['W/"1"', '"abc"', '"01"x', '""'])
def test_weak_or_foreign_tags_never_match(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork, resource: Resource, header: str
) -> None:
    path = resource.create(uow)
    response = client.patch(path, json=resource.change, headers=admin | {"If-Match": header})
    expected = 422 if header == '"01"x' else 412
    assert response.status_code == expected, response.text
    if expected == 422:
        assert response.json()["errors"][0]["field"] == "If-Match"


@pytest.mark.parametrize("header", ["*", '"7", "1"', ' "1" '])
def test_any_or_a_list_naming_the_current_version_matches(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork, resource: Resource, header: str
) -> None:
    path = resource.create(uow)
    response = client.patch(path, json=resource.change, headers=admin | {"If-Match": header})
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'


def test_without_if_match_a_change_applies_as_before(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork, resource: Resource
) -> None:
    path = resource.create(uow)
    client.patch(path, json=resource.change, headers=admin)
    response = client.patch(path, json=resource.other_change, headers=admin)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"3"'


def test_a_cached_copy_is_fresh_until_a_change_moves_the_etag(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork, resource: Resource
) -> None:
    path = resource.create(uow)
    etag = client.get(path, headers=admin).headers["ETag"]
    fresh = client.get(path, headers=admin | {"If-None-Match": etag})
    assert fresh.status_code == 304
    assert fresh.headers["ETag"] == etag
    client.patch(path, json=resource.change, headers=admin)
    assert client.get(path, headers=admin | {"If-None-Match": etag}).status_code == 200


def test_if_match_on_a_missing_record_is_404(client: TestClient, admin: dict[str, str]) -> None:
    response = client.patch(
        "/v1/channels/nowhere", json={"name": "X"}, headers=admin | {"If-Match": "*"}
    )
    assert response.status_code == 404


def test_a_price_or_product_change_moves_the_variant_etag(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    """The variant's representation shows its price and its product's name and flags, so a
    change to either is a new version of the variant too."""
    builders.channel(uow)
    product = builders.product(uow, sku="TS-RED-M", prices={"web": "19.99"})
    etag = client.get("/v1/variants/TS-RED-M", headers=admin).headers["ETag"]
    catalog.set_price(
        catalog.SetPrice(sku="TS-RED-M", channel="web", amount=Decimal("21.00"), currency="EUR"),
        uow=uow,
    )
    after_price = client.get("/v1/variants/TS-RED-M", headers=admin).headers["ETag"]
    assert after_price != etag
    client.patch(f"/v1/products/{product.id}", json={"returnable": False}, headers=admin)
    after_product = client.get("/v1/variants/TS-RED-M", headers=admin).headers["ETag"]
    assert after_product != after_price
    stale = client.patch(
        "/v1/variants/TS-RED-M", json={"weight_grams": 1}, headers=admin | {"If-Match": etag}
    )
    assert stale.status_code == 412


def test_setting_the_same_price_again_is_no_change(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    builders.channel(uow)
    builders.product(uow, sku="TS-RED-M", prices={"web": "19.99"})
    etag = client.get("/v1/variants/TS-RED-M", headers=admin).headers["ETag"]
    catalog.set_price(
        catalog.SetPrice(sku="TS-RED-M", channel="web", amount=Decimal("19.99"), currency="EUR"),
        uow=uow,
    )
    assert client.get("/v1/variants/TS-RED-M", headers=admin).headers["ETag"] == etag


def test_concurrent_changes_from_one_version_let_exactly_one_through(
    engine: Engine, uow: UnitOfWork
) -> None:
    """Two writers that both read version 1 race; the row lock makes the loser see version 2."""
    builders.location(uow)
    builders.channel(uow, locations=("wh-de",))
    seen = ExpectedVersion(versions=frozenset({1}))

    def rename(name: str) -> str:
        try:
            channels.update_channel(
                channels.UpdateChannel(code="web", name=name, expected=seen),
                uow=UnitOfWork(engine),
            )
        except StaleVersion:
            return "stale"
        return "changed"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(rename, [f"Web {n}" for n in range(4)]))
    assert outcomes == ["changed", "stale", "stale", "stale"]
    assert channels.get_channel("web", uow=uow).version == 2
