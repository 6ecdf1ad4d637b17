"""Claims on SQLite and PostgreSQL: nothing comes back; a refund pays the claimed units' value
(no restocking fee) with a credit note, a reship is a zero-priced linked order that allocates
stock like any placement; a claim beyond what shipped is refused per line."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import inventory, orders, payments
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests import payments_money as shop
from tests.conftest import KeyMaker
from tests.integration.test_returns_refunds import (
    credit_notes,
    deliver_events,
    delivered,
    refunded,
    set_policy,
)


@pytest.fixture
def providers(uow: UnitOfWork) -> payments.Providers:
    return payments.build_providers(Settings(), uow)


@pytest.fixture
def web(uow: UnitOfWork) -> UnitOfWork:
    shop.open_shop(uow)
    set_policy(uow)
    return uow


def claim(client: TestClient, headers: dict[str, str], order: orders.Order, **body: Any) -> Any:
    given = {"kind": "arrived_damaged", "evidence": [{"note": "photo of the torn sleeve"}]} | body
    return client.post(f"/v1/orders/{order.id}/claims", json=given, headers=headers)


def test_a_damaged_item_claim_refunds_without_a_return(
    web: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    paid = delivered(web, providers, engine, ("TS-1", 2), ("TS-2", 1))
    line = paid.order.lines[0]
    answer = claim(
        client,
        key_for("csr"),
        paid.order,
        lines=[{"line_id": str(line.id), "quantity": 1}],
        resolution="refund",
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["kind"], body["status"], body["resolution"]) == ("claim", "completed", "refund")
    assert body["number"].startswith("RMA-")
    assert body["refund"] == {"amount": "20.00", "currency": "EUR"}
    assert body["restocking_fee"] == {"amount": "0.00", "currency": "EUR"}
    assert refunded(web, paid.payment) == Money.of("20.00", "EUR")
    deliver_events(engine)
    assert credit_notes(web, paid.order.id) == [Money.of("20.00", "EUR")]
    assert orders.get_order(paid.order.id, uow=web).lines[0].returned_quantity == 0


def test_a_reship_claim_places_a_zero_priced_order_that_holds_stock(
    web: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    paid = delivered(web, providers, engine, ("TS-2", 1))
    before = inventory.get_stock("TS-2", uow=web).locations[0]
    answer = claim(
        client,
        key_for("csr"),
        paid.order,
        kind="item_missing",
        lines=[{"line_id": str(paid.order.lines[0].id), "quantity": 1}],
        resolution="reship",
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["resolution"] == "reship"
    assert body["refund"] is None
    reship = orders.get_order(UUID(body["exchange_order_id"]), uow=web)
    assert reship.totals.total == Money.zero("EUR")
    assert [(ln.sku, ln.quantity) for ln in reship.lines] == [("TS-2", 1)]
    after = inventory.get_stock("TS-2", uow=web).locations[0]
    assert after.allocated == before.allocated + 1
    assert refunded(web, paid.payment) == Money.zero("EUR")


def test_a_claim_beyond_the_shipped_units_is_refused_per_line(
    web: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    paid = delivered(web, providers, engine, ("TS-1", 1))
    csr = key_for("csr")
    line = {"line_id": str(paid.order.lines[0].id), "quantity": 1}
    assert claim(client, csr, paid.order, lines=[line], resolution="refund").status_code == 201
    again = claim(client, csr, paid.order, lines=[line], resolution="refund")
    assert again.status_code == 422
    assert again.headers["content-type"].startswith("application/problem+json")
    assert "lines.0.quantity" in again.text
    assert refunded(web, paid.payment) == Money.of("20.00", "EUR")
