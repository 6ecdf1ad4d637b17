"""Tax rates and shipping zones through the HTTP API, with the events they record."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from oms.platform.outbox import outbox_table
from tests.conftest import KeyMaker

EU = {
    "name": "European Union",
    "countries": ["FR", "de"],
    "rates": [
        {"method": "standard", "currency": "EUR", "amount": "4.90", "free_over": "60.00"},
        {"method": "express", "currency": "EUR", "amount": "12.90"},
        {"method": "standard", "currency": "USD", "amount": "6.90"},
    ],
}


def events(engine: Engine, kind: str) -> list[dict[str, Any]]:
    with engine.connect() as c:
        rows = c.execute(
            select(outbox_table.c.payload)
            .where(outbox_table.c.event_type == kind)
            .order_by(outbox_table.c.position)
        )
        return [row.payload for row in rows]


def test_a_tax_rate_is_set_changed_listed_and_removed(
    client: TestClient, admin: dict[str, str], engine: Engine
) -> None:
    first = client.put("/v1/tax-rates/de/standard", json={"rate": "0.190"}, headers=admin)
    assert first.status_code == 200, first.text
    assert first.json() == {"country": "DE", "tax_category": "standard", "rate": "0.19"}
    client.put("/v1/tax-rates/DE/standard", json={"rate": "0.19"}, headers=admin)
    client.put("/v1/tax-rates/DE/standard", json={"rate": "0.16"}, headers=admin)
    listed = client.get("/v1/tax-rates", headers=admin).json()
    assert listed["items"] == [{"country": "DE", "tax_category": "standard", "rate": "0.16"}]
    removed = client.delete("/v1/tax-rates/DE/standard", headers=admin)
    assert removed.status_code == 204
    assert client.get("/v1/tax-rates", headers=admin).json()["items"] == []
    again = client.delete("/v1/tax-rates/DE/standard", headers=admin)
    assert again.status_code == 404
    assert again.json()["code"] == "tax-rate-not-found"
    changes = [(e["rate"], e["previous"]) for e in events(engine, "orders.tax_rate_changed.v1")]
    assert changes == [("0.19", None), ("0.16", "0.19"), (None, "0.16")]


def test_a_bad_tax_rate_is_refused_naming_each_field(
    client: TestClient, admin: dict[str, str]
) -> None:
    refused = client.put("/v1/tax-rates/XX/zero", json={"rate": "1.5"}, headers=admin)
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"country", "tax_category", "rate"}


def test_tax_rates_are_filtered_by_country_and_paged(
    client: TestClient, admin: dict[str, str]
) -> None:
    for path, rate in [("FR/standard", "0.2"), ("FR/reduced", "0.055"), ("DE/standard", "0.19")]:
        client.put(f"/v1/tax-rates/{path}", json={"rate": rate}, headers=admin)
    french = client.get("/v1/tax-rates", params={"country": "fr"}, headers=admin).json()
    assert [(r["tax_category"], r["rate"]) for r in french["items"]] == [
        ("reduced", "0.055"),
        ("standard", "0.2"),
    ]
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/tax-rates", params=params, headers=admin).json()
        seen += [(r["country"], r["tax_category"]) for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [("DE", "standard"), ("FR", "reduced"), ("FR", "standard")]
    bad = client.get("/v1/tax-rates", params={"country": "QQ"}, headers=admin)
    assert bad.status_code == 422


def test_a_shipping_zone_is_created_replaced_listed_and_deleted(
    client: TestClient, admin: dict[str, str], engine: Engine
) -> None:
    created = client.put("/v1/shipping-zones/eu", json=EU, headers=admin)
    assert created.status_code == 200, created.text
    assert created.json() == {
        "code": "eu",
        "name": "European Union",
        "countries": ["DE", "FR"],
        "rates": [
            {
                "method": "express",
                "price": {"amount": "12.90", "currency": "EUR"},
                "free_over": None,
            },
            {
                "method": "standard",
                "price": {"amount": "4.90", "currency": "EUR"},
                "free_over": {"amount": "60.00", "currency": "EUR"},
            },
            {
                "method": "standard",
                "price": {"amount": "6.90", "currency": "USD"},
                "free_over": None,
            },
        ],
    }
    assert client.put("/v1/shipping-zones/eu", json=EU, headers=admin).json() == created.json()
    smaller = {"name": "Eurozone", "countries": ["AT"], "rates": EU["rates"][:1]}
    replaced = client.put("/v1/shipping-zones/eu", json=smaller, headers=admin).json()
    assert (replaced["name"], replaced["countries"], len(replaced["rates"])) == (
        "Eurozone",
        ["AT"],
        1,
    )
    assert client.get("/v1/shipping-zones/eu", headers=admin).json() == replaced
    listed = client.get("/v1/shipping-zones", headers=admin).json()
    assert [z["code"] for z in listed["items"]] == ["eu"]
    assert client.delete("/v1/shipping-zones/eu", headers=admin).status_code == 204
    assert client.get("/v1/shipping-zones/eu", headers=admin).status_code == 404
    assert client.delete("/v1/shipping-zones/eu", headers=admin).status_code == 404
    changes = events(engine, "orders.shipping_zone_changed.v1")
    assert [(e["countries"], e["deleted"]) for e in changes] == [
        (["DE", "FR"], False),
        (["AT"], False),
        ([], True),
    ]
    assert changes[0]["rates"][1] == {
        "method": "standard",
        "price": {"amount": "4.90", "currency": "EUR"},
        "free_over": {"amount": "60.00", "currency": "EUR"},
    }


def test_a_country_belongs_to_one_zone_at_most(client: TestClient, admin: dict[str, str]) -> None:
    client.put("/v1/shipping-zones/eu", json=EU, headers=admin)
    clash = {"name": "DACH", "countries": ["CH", "DE", "FR"], "rates": []}
    refused = client.put("/v1/shipping-zones/dach", json=clash, headers=admin)
    assert refused.status_code == 409
    assert refused.json()["code"] == "country-in-another-zone"
    assert refused.json()["countries"] == ["DE", "FR"]
    assert client.get("/v1/shipping-zones/dach", headers=admin).status_code == 404


def test_moving_a_country_between_zones_takes_two_steps(
    client: TestClient, admin: dict[str, str]
) -> None:
    client.put("/v1/shipping-zones/eu", json=EU, headers=admin)
    client.put("/v1/shipping-zones/eu", json=EU | {"countries": ["FR"]}, headers=admin)
    moved = client.put(
        "/v1/shipping-zones/dach", json={"name": "DACH", "countries": ["DE"]}, headers=admin
    )
    assert moved.status_code == 200, moved.text


def test_a_bad_zone_is_refused_naming_every_field(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = {
        "name": "EU",
        "countries": ["DE", "ZZ", "DE"],
        "rates": [
            {"method": "pickup", "currency": "EUR", "amount": "0"},
            {"method": "standard", "currency": "EUR", "amount": "4.999"},
        ],
    }
    refused = client.put("/v1/shipping-zones/eu", json=body, headers=admin)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == [
        "countries.1",
        "countries",
        "rates.0.method",
        "rates.1.amount",
    ]


def test_staff_without_the_configure_permission_read_but_do_not_write(
    client: TestClient, key_for: KeyMaker
) -> None:
    csr = key_for("csr")
    assert client.get("/v1/tax-rates", headers=csr).status_code == 200
    assert client.get("/v1/shipping-zones", headers=csr).status_code == 200
    assert (
        client.put("/v1/tax-rates/DE/standard", json={"rate": "0.2"}, headers=csr).status_code
        == 403
    )
    assert client.put("/v1/shipping-zones/eu", json=EU, headers=csr).status_code == 403
