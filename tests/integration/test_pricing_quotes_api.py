"""Quotes through the HTTP API: a channel's prices, tax and shipping, every bad field at once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from oms import catalog
from oms.channels import ChannelKind
from oms.orders import pricing
from oms.orders.pricing import ShippingMethod, ZoneRate
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.conftest import KeyMaker


def eur(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    """A EUR web shop (prices include tax) and a USD marketplace (they do not), DE and US
    served, and three products: a standard-rate shirt, a reduced-rate book, an unlisted mug."""
    builders.channel(uow, "web")
    builders.channel(
        uow,
        "marketplace",
        kind=ChannelKind.MARKETPLACE,
        currency="USD",
        prices_include_tax=False,
    )
    builders.product(uow, "TS-RED-M", prices={"web": "19.99", "marketplace": "24.00"})
    builders.product(
        uow,
        "BOOK-1",
        name="Book",
        tax_category=catalog.TaxCategory.REDUCED,
        prices={"web": "10.00"},
    )
    builders.product(uow, "MUG-1", name="Mug", prices={})
    for country, category, rate in [("DE", "standard", "0.19"), ("DE", "reduced", "0.07")]:
        pricing.set_tax_rate(
            pricing.SetTaxRate(country=country, tax_category=category, rate=Decimal(rate)),
            uow=uow,
        )
    for category in ("standard", "reduced"):
        pricing.set_tax_rate(
            pricing.SetTaxRate(country="US", tax_category=category, rate=Decimal(0)), uow=uow
        )
    standard = ShippingMethod.STANDARD
    pricing.put_shipping_zone(
        pricing.PutShippingZone(
            code="eu",
            name="EU",
            countries=("DE",),
            rates=(
                ZoneRate(
                    method=standard,
                    currency="EUR",
                    amount=Decimal("4.90"),
                    free_over=Decimal("60.00"),
                ),
            ),
        ),
        uow=uow,
    )
    pricing.put_shipping_zone(
        pricing.PutShippingZone(
            code="us",
            name="US",
            countries=("US",),
            rates=(ZoneRate(method=standard, currency="USD", amount=Decimal("5.99")),),
        ),
        uow=uow,
    )


def quote_of(
    channel: str, country: str, *lines: dict[str, object], method: str = "standard"
) -> dict[str, object]:
    return {"channel": channel, "country": country, "shipping_method": method, "lines": list(lines)}


@pytest.mark.usefixtures("shop")
def test_a_web_quote_takes_tax_out_of_the_channel_prices(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = quote_of(
        "web",
        "de",
        {"sku": "ts-red-m", "quantity": 2},
        {"sku": "BOOK-1", "quantity": 1, "discount": eur("1.00")},
    )
    answer = client.post("/v1/quotes", json=body, headers=admin)
    assert answer.status_code == 200, answer.text
    quote = answer.json()
    assert quote["lines"][0] == {
        "sku": "TS-RED-M",
        "quantity": 2,
        "unit_price": eur("19.99"),
        "subtotal": eur("39.98"),
        "discount": eur("0.00"),
        "tax_rate": "0.19",
        "tax": eur("6.38"),
        "total": eur("39.98"),
    }
    assert (quote["lines"][1]["tax_rate"], quote["lines"][1]["tax"]) == ("0.07", eur("0.59"))
    assert {
        k: quote[k] for k in ("subtotal", "discount", "shipping", "shipping_tax", "tax", "total")
    } == {
        "subtotal": eur("49.98"),
        "discount": eur("1.00"),
        "shipping": eur("4.90"),
        "shipping_tax": eur("0.78"),
        "tax": eur("7.75"),
        "total": eur("53.88"),
    }
    assert (quote["currency"], quote["prices_include_tax"], quote["shipping_zone"]) == (
        "EUR",
        True,
        "eu",
    )
    assert (quote["country"], quote["shipping_method"]) == ("DE", "standard")


@pytest.mark.usefixtures("shop")
def test_a_marketplace_quote_adds_tax_and_may_carry_its_own_prices(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = quote_of(
        "marketplace",
        "US",
        {"sku": "TS-RED-M", "quantity": 1},
        {"sku": "MUG-1", "quantity": 3, "unit_price": eur("8.50", "USD")},
    )
    quote = client.post("/v1/quotes", json=body, headers=admin).json()
    assert [line["subtotal"] for line in quote["lines"]] == [
        eur("24.00", "USD"),
        eur("25.50", "USD"),
    ]
    assert (quote["tax"], quote["shipping"]) == (eur("0.00", "USD"), eur("5.99", "USD"))
    assert quote["total"] == eur("55.49", "USD")
    assert quote["prices_include_tax"] is False


@pytest.mark.usefixtures("shop")
def test_pickup_is_free(client: TestClient, admin: dict[str, str]) -> None:
    body = quote_of("web", "DE", {"sku": "TS-RED-M", "quantity": 1}, method="pickup")
    quote = client.post("/v1/quotes", json=body, headers=admin).json()
    assert (quote["shipping"], quote["total"]) == (eur("0.00"), eur("19.99"))


@pytest.mark.usefixtures("shop")
def test_every_bad_field_is_named_at_once(client: TestClient, admin: dict[str, str]) -> None:
    body = quote_of(
        "web",
        "JP",
        {"sku": "NOPE-1", "quantity": 0},
        {"sku": "MUG-1", "quantity": 1},
        {"sku": "TS-RED-M", "quantity": -2},
        {"sku": "BOOK-1", "quantity": 1, "discount": eur("10.01")},
    )
    refused = client.post("/v1/quotes", json=body, headers=admin)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "unsupported-country"
    assert problem["errors"] == [
        {"field": "country", "message": "no shipping zone serves 'JP'"},
        {"field": "lines.0.sku", "message": "unknown SKU 'NOPE-1'"},
        {"field": "lines.0.quantity", "message": "must be at least 1"},
        {"field": "lines.1.sku", "message": "not sold on channel 'web'"},
        {"field": "lines.2.quantity", "message": "must be at least 1"},
        {"field": "lines.3.discount", "message": "must not exceed the line's subtotal"},
    ]


@pytest.mark.usefixtures("shop")
def test_a_method_the_zone_does_not_offer_is_named(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = quote_of("web", "DE", {"sku": "TS-RED-M", "quantity": 1}, method="express")
    refused = client.post("/v1/quotes", json=body, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "shipping_method", "message": "express shipping to DE in EUR is not offered"}
    ]


@pytest.mark.usefixtures("shop")
def test_a_unit_price_in_another_currency_is_named(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = quote_of("web", "DE", {"sku": "TS-RED-M", "quantity": 1, "unit_price": eur("9", "USD")})
    refused = client.post("/v1/quotes", json=body, headers=admin)
    assert [e["field"] for e in refused.json()["errors"]] == ["lines.0.unit_price"]
    body = quote_of("web", "DE", {"sku": "TS-RED-M", "quantity": 1, "unit_price": eur("9.999")})
    refused = client.post("/v1/quotes", json=body, headers=admin)
    assert [e["field"] for e in refused.json()["errors"]] == ["lines.0.unit_price.amount"]


@pytest.mark.usefixtures("shop")
def test_a_channel_key_quotes_only_its_own_channel(client: TestClient, key_for: KeyMaker) -> None:
    web_key = key_for("channel", channel="web")
    own = quote_of("web", "DE", {"sku": "TS-RED-M", "quantity": 1})
    other = quote_of("marketplace", "US", {"sku": "TS-RED-M", "quantity": 1})
    assert client.post("/v1/quotes", json=own, headers=web_key).status_code == 200
    hidden = client.post("/v1/quotes", json=other, headers=web_key)
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "channel-not-found"


@pytest.mark.usefixtures("shop")
def test_an_unknown_channel_is_404(client: TestClient, admin: dict[str, str]) -> None:
    body = quote_of("nowhere", "DE", {"sku": "TS-RED-M", "quantity": 1})
    assert client.post("/v1/quotes", json=body, headers=admin).status_code == 404


@pytest.mark.usefixtures("shop")
def test_a_role_without_the_place_permission_cannot_quote(
    client: TestClient, key_for: KeyMaker
) -> None:
    body = quote_of("web", "DE", {"sku": "TS-RED-M", "quantity": 1})
    assert client.post("/v1/quotes", json=body, headers=key_for("marketing")).status_code == 403


@pytest.mark.usefixtures("shop")
def test_an_inactive_channel_and_an_inactive_sku_are_named(
    client: TestClient, admin: dict[str, str], uow: UnitOfWork
) -> None:
    builders.channel(uow, "closed", active=False)
    builders.product(uow, "OLD-1", name="Old", active=False, prices={"closed": "5.00"})
    body = quote_of("closed", "DE", {"sku": "OLD-1", "quantity": 1})
    refused = client.post("/v1/quotes", json=body, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "channel", "message": "the channel is not active"},
        {"field": "lines.0.sku", "message": "SKU 'OLD-1' is not active"},
    ]
