"""Products, variants and channel prices through the HTTP API."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.conftest import KeyMaker

SHIRT: dict[str, Any] = {
    "name": "T-shirt",
    "description": "Organic cotton",
    "handle": "classic-t-shirt",
    "translations": {"de-DE": {"name": "T-Shirt", "description": "Bio-Baumwolle"}},
    "tax_category": "standard",
    "option_names": ["colour", "size"],
    "variants": [
        {
            "sku": "TS-RED-M",
            "gtin": "4006381333931",
            "options": {"colour": "Red", "size": "M"},
            "weight_grams": 180,
            "dimensions": {"length": 300, "width": 200, "height": 20},
        },
        {"sku": "TS-RED-L", "options": {"colour": "Red", "size": "L"}},
    ],
}


def create(
    client: TestClient, headers: dict[str, str], body: dict[str, Any], key: str = "p1"
) -> Any:
    return client.post("/v1/products", json=body, headers=headers | {"Idempotency-Key": key})


def created(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    response = create(client, headers, body, key=body["variants"][0]["sku"])
    assert response.status_code == 201, response.text
    return response.json()


def errors(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def test_a_product_is_created_once_per_idempotency_key(
    client: TestClient, admin: dict[str, str]
) -> None:
    first = create(client, admin, SHIRT)
    replay = create(client, admin, SHIRT)
    assert first.status_code == 201, first.text
    assert replay.status_code == 201
    assert replay.content == first.content
    assert replay.headers["Idempotent-Replayed"] == "true"
    body = first.json()
    assert body["translations"] == {"de_DE": {"name": "T-Shirt", "description": "Bio-Baumwolle"}}
    assert [v["name"] for v in body["variants"]] == ["T-shirt — Red / M", "T-shirt — Red / L"]
    assert body["variants"][0]["dimensions"] == {"length": 300, "width": 200, "height": 20}
    listed = client.get("/v1/products", headers=admin).json()["items"]
    assert [p["id"] for p in listed] == [body["id"]]


def test_the_minimal_product_gets_the_defaults(client: TestClient, admin: dict[str, str]) -> None:
    body = created(client, admin, {"name": "Mug", "variants": [{"sku": "MUG-1"}]})
    assert body["tax_category"] == "standard"
    assert body["returnable"] is True
    assert body["active"] is True
    assert body["locale"] == body["default_locale"] == "en"
    assert body["variants"][0]["gtin"] is None
    assert body["variants"][0]["prices"] == {}


def test_a_taken_sku_is_409_in_any_case(client: TestClient, admin: dict[str, str]) -> None:
    created(client, admin, SHIRT)
    again = {"name": "Other", "variants": [{"sku": "ts-red-m"}]}
    response = create(client, admin, again, key="p2")
    assert response.status_code == 409
    assert response.json()["code"] == "sku-taken"


def test_a_taken_gtin_is_409_even_written_as_another_length(
    client: TestClient, admin: dict[str, str]
) -> None:
    created(client, admin, {"name": "Cola", "variants": [{"sku": "COLA", "gtin": "036000291452"}]})
    again = {"name": "Cola 2", "variants": [{"sku": "COLA-2", "gtin": "0036000291452"}]}
    response = create(client, admin, again, key="p2")
    assert response.status_code == 409
    assert response.json()["code"] == "gtin-taken"


def test_a_taken_handle_is_409(client: TestClient, admin: dict[str, str]) -> None:
    created(client, admin, SHIRT)
    again = {"name": "Other", "handle": "classic-t-shirt", "variants": [{"sku": "OTHER"}]}
    response = create(client, admin, again, key="p2")
    assert response.status_code == 409
    assert response.json()["code"] == "handle-taken"


def test_a_bad_gtin_and_bad_options_are_one_422_naming_every_field(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = SHIRT | {
        "default_locale": "xx-nope",
        "variants": [
            SHIRT["variants"][0] | {"gtin": "4006381333932"},
            {"sku": "TS-BLUE", "options": {"colour": "Blue", "fit": "Slim"}},
        ],
    }
    response = create(client, admin, body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert errors(response) == [
        "default_locale",
        "variants.0.gtin",
        "variants.1.options.size",
        "variants.1.options.fit",
    ]


def test_two_variants_with_the_same_options_are_422(
    client: TestClient, admin: dict[str, str]
) -> None:
    twin = {"sku": "TS-RED-M2", "options": {"colour": "Red", "size": "M"}}
    response = create(client, admin, SHIRT | {"variants": [*SHIRT["variants"], twin]})
    assert response.status_code == 422
    assert errors(response) == ["variants.2.options"]


def test_products_page_with_a_cursor(client: TestClient, admin: dict[str, str]) -> None:
    made = [
        created(client, admin, {"name": f"Product {i}", "variants": [{"sku": f"P-{i}"}]})["id"]
        for i in range(5)
    ]
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/products", params=params, headers=admin).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
    assert seen == sorted(made, key=UUID)  # time-ordered ids: creation order to the millisecond
    assert cursor is None


def test_a_tampered_cursor_is_422(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/v1/products", params={"cursor": "WyJub3BlIl0"}, headers=admin)
    assert response.status_code == 422
    assert errors(response) == ["cursor"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "shirt"}, ["T-shirt"]),
        ({"q": "MUG"}, ["Mug"]),
        ({"q": "red-l"}, ["T-shirt"]),
        ({"q": "%"}, []),
        ({"sku": "ts-red-m"}, ["T-shirt"]),
        ({"sku": "TS-RED"}, []),
        ({"active": "false"}, ["Cap"]),
        ({"active": "true"}, ["T-shirt", "Mug"]),
    ],
)
def test_products_filter_by_name_or_sku_and_active(
    params: dict[str, str], expected: list[str], client: TestClient, admin: dict[str, str]
) -> None:
    created(client, admin, SHIRT)
    created(client, admin, {"name": "Mug", "variants": [{"sku": "MUG-1"}]})
    created(client, admin, {"name": "Cap", "active": False, "variants": [{"sku": "CAP-1"}]})
    page = client.get("/v1/products", params=params, headers=admin).json()
    assert [p["name"] for p in page["items"]] == expected


@pytest.mark.parametrize(
    ("locale", "shown", "name"),
    [("de", "de_DE", "T-Shirt"), ("de-DE", "de_DE", "T-Shirt"), ("fr", "en", "T-shirt")],
)
def test_a_locale_shows_the_translation_or_falls_back_to_the_default(
    locale: str, shown: str, name: str, client: TestClient, admin: dict[str, str]
) -> None:
    product = created(client, admin, SHIRT)
    one = client.get(f"/v1/products/{product['id']}", params={"locale": locale}, headers=admin)
    listed = client.get("/v1/products", params={"locale": locale}, headers=admin).json()
    assert (one.json()["locale"], one.json()["name"]) == (shown, name)
    assert listed["items"][0]["name"] == name
    assert one.json()["variants"][0]["name"] == f"{name} — Red / M"


def test_an_unknown_locale_is_422(client: TestClient, admin: dict[str, str]) -> None:
    response = client.get("/v1/products", params={"locale": "zz-ZZ"}, headers=admin)
    assert response.status_code == 422
    assert errors(response) == ["locale"]


def test_a_product_is_patched(client: TestClient, admin: dict[str, str]) -> None:
    product = created(client, admin, SHIRT)
    patch = {
        "name": "Tee",
        "translations": {"fr": {"name": "Tee-shirt"}},
        "tax_category": "reduced",
        "returnable": False,
        "active": False,
    }
    response = client.patch(f"/v1/products/{product['id']}", json=patch, headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["tax_category"], body["returnable"], body["active"]) == (
        "Tee",
        "reduced",
        False,
        False,
    )
    assert body["translations"] == {"fr": {"name": "Tee-shirt", "description": ""}}
    assert client.get(f"/v1/products/{product['id']}", headers=admin).json() == body


def test_a_category_is_filed_filtered_by_and_removed(
    client: TestClient, admin: dict[str, str]
) -> None:
    shirt = created(client, admin, SHIRT | {"category": " Apparel>Tops "})
    assert shirt["category"] == "Apparel > Tops"
    created(client, admin, {"name": "Hoodie", "category": "Apparel", "variants": [{"sku": "H-1"}]})
    created(client, admin, {"name": "Apparel% Mug", "category": "Apparelware",
                            "variants": [{"sku": "MUG-1"}]})  # fmt: skip
    created(client, admin, {"name": "Cap", "variants": [{"sku": "CAP-1"}]})

    def names(category: str) -> list[str]:
        page = client.get("/v1/products", params={"category": category}, headers=admin).json()
        return [p["name"] for p in page["items"]]

    assert names("Apparel") == ["T-shirt", "Hoodie"], "a category and those under it"
    assert names("apparel > tops") == [], "categories are matched as written"
    assert names("Apparel>Tops") == ["T-shirt"]
    assert names("Apparel%") == []

    path = f"/v1/products/{shirt['id']}"
    moved = client.patch(path, json={"category": "Apparel > Tees"}, headers=admin).json()
    assert moved["category"] == "Apparel > Tees"
    assert client.patch(path, json={"name": "Tee"}, headers=admin).json()["category"] == (
        "Apparel > Tees"
    ), "left out, it stays"
    assert client.patch(path, json={"category": None}, headers=admin).json()["category"] is None
    assert names("Apparel") == ["Hoodie"]


@pytest.mark.parametrize("category", ["Apparel > > Tops", "x" * 121, "> Tops"])
def test_a_bad_category_is_422_and_changes_nothing(
    category: str, client: TestClient, admin: dict[str, str]
) -> None:
    refused = create(client, admin, SHIRT | {"category": category})
    assert refused.status_code == 422, refused.text
    assert errors(refused) == ["category"]
    product = created(client, admin, SHIRT | {"category": "Apparel"})
    path = f"/v1/products/{product['id']}"
    patched = client.patch(path, json={"category": category}, headers=admin)
    assert patched.status_code == 422
    assert errors(patched) == ["category"]
    with_texts = {"category": category, "translations": {"fr": {"name": "Tee-shirt"}}}
    patched = client.patch(path, json=with_texts, headers=admin)
    assert patched.status_code == 422, "named with other valid changes too"
    assert errors(patched) == ["category"]
    assert client.get(path, headers=admin).json()["category"] == "Apparel"


def test_an_unknown_product_is_404(client: TestClient, admin: dict[str, str]) -> None:
    missing = "01900000-0000-7000-8000-000000000000"
    assert client.get(f"/v1/products/{missing}", headers=admin).status_code == 404
    patched = client.patch(f"/v1/products/{missing}", json={"name": "X"}, headers=admin)
    assert patched.json()["code"] == "product-not-found"


def test_a_variant_is_added_once_per_idempotency_key(
    client: TestClient, admin: dict[str, str]
) -> None:
    product = created(client, admin, SHIRT)
    url = f"/v1/products/{product['id']}/variants"
    body = {"sku": "TS-BLUE-M", "options": {"colour": "Blue", "size": "M"}}
    headers = admin | {"Idempotency-Key": "v1"}
    first = client.post(url, json=body, headers=headers)
    replay = client.post(url, json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert replay.content == first.content
    assert first.json()["name"] == "T-shirt — Blue / M"
    variants = client.get(f"/v1/products/{product['id']}", headers=admin).json()["variants"]
    assert [v["sku"] for v in variants] == ["TS-RED-M", "TS-RED-L", "TS-BLUE-M"]


def test_an_added_variant_must_differ_and_be_new(client: TestClient, admin: dict[str, str]) -> None:
    product = created(client, admin, SHIRT)
    url = f"/v1/products/{product['id']}/variants"
    same = client.post(
        url,
        json={"sku": "TS-NEW", "options": {"colour": "red", "size": "M"}},
        headers=admin | {"Idempotency-Key": "v1"},
    )
    taken = client.post(
        url,
        json={"sku": "ts-red-l", "options": {"colour": "Green", "size": "L"}},
        headers=admin | {"Idempotency-Key": "v2"},
    )
    assert (same.status_code, errors(same)) == (422, ["options"])
    assert (taken.status_code, taken.json()["code"]) == (409, "sku-taken")


def test_a_variant_is_read_by_sku_in_any_case_and_patched(
    client: TestClient, admin: dict[str, str]
) -> None:
    created(client, admin, SHIRT)
    got = client.get("/v1/variants/ts-red-l", headers=admin)
    assert got.status_code == 200
    assert (got.json()["sku"], got.json()["tax_category"]) == ("TS-RED-L", "standard")
    patch = {"gtin": "73513537", "weight_grams": 250, "active": False}
    patched = client.patch("/v1/variants/TS-RED-L", json=patch, headers=admin).json()
    assert (patched["gtin"], patched["weight_grams"], patched["active"]) == (
        "73513537",
        250,
        False,
    )
    removed = client.patch("/v1/variants/TS-RED-L", json={"gtin": None}, headers=admin).json()
    assert (removed["gtin"], removed["weight_grams"]) == (None, 250)


def test_a_variant_patch_checks_the_gtin(client: TestClient, admin: dict[str, str]) -> None:
    created(client, admin, SHIRT)
    bad = client.patch("/v1/variants/TS-RED-L", json={"gtin": "73513538"}, headers=admin)
    taken = client.patch("/v1/variants/TS-RED-L", json={"gtin": "4006381333931"}, headers=admin)
    assert (bad.status_code, errors(bad)) == (422, ["gtin"])
    assert (taken.status_code, taken.json()["code"]) == (409, "gtin-taken")
    missing = client.patch("/v1/variants/NOPE", json={"active": False}, headers=admin)
    assert missing.json()["code"] == "variant-not-found"


def test_a_channel_price_is_set_shown_and_removed(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    builders.channel(uow, "web")
    product = created(client, admin, SHIRT)
    url = "/v1/variants/TS-RED-M/prices/web"
    response = client.put(url, json={"amount": "19.99", "currency": "EUR"}, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "sku": "TS-RED-M",
        "channel": "web",
        "price": {"amount": "19.99", "currency": "EUR"},
    }
    shown = client.get(f"/v1/products/{product['id']}", headers=admin).json()
    assert shown["variants"][0]["prices"] == {"web": {"amount": "19.99", "currency": "EUR"}}
    assert client.delete(url, headers=admin).status_code == 204
    again = client.delete(url, headers=admin)
    assert (again.status_code, again.json()["code"]) == (404, "price-not-found")
    assert client.get("/v1/variants/TS-RED-M", headers=admin).json()["prices"] == {}


@pytest.mark.parametrize(
    ("channel", "price", "field"),
    [
        ("web", {"amount": "19.99", "currency": "USD"}, "currency"),
        ("web", {"amount": "19.999", "currency": "EUR"}, "amount"),
        ("web", {"amount": "-1", "currency": "EUR"}, "amount"),
        ("nowhere", {"amount": "19.99", "currency": "EUR"}, "channel"),
    ],
)
def test_a_price_outside_the_channels_rules_is_422(
    channel: str,
    price: dict[str, str],
    field: str,
    client: TestClient,
    admin: dict[str, str],
    uow: UnitOfWork,
) -> None:
    builders.channel(uow, "web")
    created(client, admin, SHIRT)
    response = client.put(f"/v1/variants/TS-RED-M/prices/{channel}", json=price, headers=admin)
    assert response.status_code == 422
    assert errors(response) == [field]


def test_a_price_for_an_unknown_sku_is_404(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    builders.channel(uow, "web")
    price = {"amount": "1.00", "currency": "EUR"}
    response = client.put("/v1/variants/NOPE/prices/web", json=price, headers=admin)
    assert (response.status_code, response.json()["code"]) == (404, "variant-not-found")


def test_a_channel_key_sees_only_its_own_channels_prices(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork, key_for: KeyMaker
) -> None:
    builders.channel(uow, "web")
    builders.channel(uow, "us", currency="USD")
    product = builders.product(uow, "MUG-1", prices={"web": "9.50", "us": "10.00"}, name="Mug")
    web_key = key_for("channel", channel="web")
    listed = client.get("/v1/products", headers=web_key).json()["items"]
    one = client.get(f"/v1/products/{product.id}", headers=web_key).json()
    variant = client.get("/v1/variants/MUG-1", headers=web_key).json()
    web_only = {"web": {"amount": "9.50", "currency": "EUR"}}
    assert listed[0]["variants"][0]["prices"] == web_only
    assert one["variants"][0]["prices"] == web_only
    assert variant["prices"] == web_only
    everything = client.get("/v1/variants/MUG-1", headers=admin).json()["prices"]
    assert set(everything) == {"us", "web"}


def test_a_channel_key_may_not_change_the_catalog(
    client: TestClient, uow: UnitOfWork, key_for: KeyMaker
) -> None:
    builders.channel(uow, "web")
    builders.product(uow, "MUG-1")
    web_key = key_for("channel", channel="web")
    price = {"amount": "1.00", "currency": "EUR"}
    response = client.put("/v1/variants/MUG-1/prices/web", json=price, headers=web_key)
    assert response.status_code == 403
