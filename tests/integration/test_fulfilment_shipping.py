"""Shipping fulfilment orders on SQLite and PostgreSQL: packages become shipments with karrio
labels and tracking numbers, the ledger moves (on_hand and allocated both down) in the same
transaction, a partial shipment leaves the FO in progress, what ships is captured after the
commit, and the papers carry bins, barcodes and gift messages."""

from __future__ import annotations

import io
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine

from oms import channels, fulfilment, inventory, orders, payments
from oms.app import tasks
from oms.fulfilment.api.shipments import karrio_carriers
from oms.fulfilment.domain.fulfilment_orders import FulfilmentOrder
from oms.fulfilment.domain.shipments import Package
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.services import shipping
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests import builders
from tests.invariants import assert_ledger_balances, assert_orders_match_stock

pytestmark = pytest.mark.usefixtures("balanced_ledger")

_ = fulfilment  # the context's consumers create the FOs when the relay runs


def open_shop(uow: UnitOfWork, **channel_settings: Any) -> None:
    """wh-de serves ``web``; TS-1 (5) and HD-1 (4) in stock there."""
    builders.location(uow, "wh-de", "DE")
    builders.channel(uow, "web", locations=("wh-de",), **channel_settings)
    builders.pricing(uow)
    for sku in ("TS-1", "HD-1"):
        builders.product(uow, sku, prices={"web": "20.00"})
    for sku, units in (("TS-1", 5), ("HD-1", 4)):
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location="wh-de", quantity=units, actor="setup"),
            uow=uow,
        )


def place(uow: UnitOfWork, *lines: tuple[str, int], gift: str | None = None) -> orders.Order:
    return orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["DE"],
            lines=tuple(orders.NewLine(sku=sku, quantity=q) for sku, q in lines),
            gift_message=gift,
            actor="test",
        ),
        uow=uow,
    ).order


def released(engine: Engine, uow: UnitOfWork, order: orders.Order) -> FulfilmentOrder:
    """The order's one fulfilment order, once the relay has handed its events to fulfilment."""
    tasks.relay(engine).drain()
    with uow.read() as tx:
        (fo,) = tx.repo(FULFILMENT_ORDERS).for_order(order.id)
    return fo


def line_of(order: orders.Order, sku: str) -> UUID:
    return next(line.id for line in order.lines if line.sku == sku)


def package(weight: int, *units: tuple[UUID, int], **extra: Any) -> dict[str, Any]:
    lines = [{"line_id": str(i), "quantity": q} for i, q in units]
    return {"weight_grams": weight, "lines": lines, **extra}


def ship(client: TestClient, headers: dict[str, str], fo_id: UUID, key: str, **body: Any) -> Any:
    return client.post(
        f"/v1/fulfilment/orders/{fo_id}/shipments",
        json=body,
        headers={**headers, "Idempotency-Key": key},
    )


def level(uow: UnitOfWork, sku: str) -> inventory.LocationStock:
    return next(s for s in inventory.get_stock(sku, uow=uow).locations if s.location == "wh-de")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_order_shipped_in_two_packages_gets_two_labelled_shipments_and_its_stock_leaves(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    open_shop(uow)
    order = place(uow, ("TS-1", 3), ("HD-1", 1))
    fo = released(engine, uow, order)
    ts, hd = line_of(order, "TS-1"), line_of(order, "HD-1")
    body = {"packages": [package(1200, (ts, 2)), package(800, (ts, 1), (hd, 1), length_mm=300)]}

    answer = ship(client, admin, fo.id, "ship-1", **body)

    assert answer.status_code == 201, answer.text
    made = answer.json()["shipments"]
    assert [s["number"] for s in made] == [f"{fo.number}-1", f"{fo.number}-2"]
    assert {s["carrier"] for s in made} == {"generic"}
    assert all(s["status"] == "label_created" and s["has_label"] for s in made)
    assert len({s["tracking_number"] for s in made}) == 2
    for s in made:
        label = client.get(f"/v1/shipments/{s['id']}/label", headers=admin)
        assert label.headers["content-type"] == "application/pdf"
        assert s["tracking_number"] in pdf_text(label.content)
    assert (level(uow, "TS-1").on_hand, level(uow, "TS-1").allocated) == (2, 0)
    assert (level(uow, "HD-1").on_hand, level(uow, "HD-1").allocated) == (3, 0)
    shipped = orders.get_order(order.id, uow=uow)
    assert shipped.fulfilment_status.value == "fulfilled"
    with uow.read() as tx:
        assert tx.repo(FULFILMENT_ORDERS).get(fo.id).status.value == "shipped"
    again = ship(client, admin, fo.id, "ship-1", **body)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == answer.json()
    assert_ledger_balances(engine)
    assert_orders_match_stock(engine)


def test_a_partial_shipment_leaves_the_fulfilment_order_in_progress(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    open_shop(uow)
    order = place(uow, ("TS-1", 3))
    fo = released(engine, uow, order)
    ts = line_of(order, "TS-1")

    first = ship(client, admin, fo.id, "part-1", packages=[package(500, (ts, 1))])

    assert first.status_code == 201, first.text
    with uow.read() as tx:
        assert tx.repo(FULFILMENT_ORDERS).get(fo.id).status.value == "in_progress"
    assert orders.get_order(order.id, uow=uow).fulfilment_status.value == "partially_fulfilled"
    assert (level(uow, "TS-1").on_hand, level(uow, "TS-1").allocated) == (4, 2)
    rest = ship(client, admin, fo.id, "part-2", packages=[package(900, (ts, 2))])
    assert rest.status_code == 201, rest.text
    assert rest.json()["shipments"][0]["number"] == f"{fo.number}-2"
    with uow.read() as tx:
        assert tx.repo(FULFILMENT_ORDERS).get(fo.id).status.value == "shipped"


def test_bad_packages_are_refused_with_the_fields_named_and_nothing_moves(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    open_shop(uow)
    order = place(uow, ("TS-1", 2))
    fo = released(engine, uow, order)
    ts = line_of(order, "TS-1")

    too_many = ship(client, admin, fo.id, "bad-1", packages=[package(500, (ts, 3))])
    no_weight = ship(client, admin, fo.id, "bad-2", packages=[package(0, (ts, 1))])
    wrong_format = ship(
        client,
        admin,
        fo.id,
        "bad-3",
        carrier="ups",
        tracking_number="1Z-NOT-A-NUMBER",
        packages=[package(500, (ts, 1))],
    )
    no_key = client.post(
        f"/v1/fulfilment/orders/{fo.id}/shipments",
        json={"packages": [package(500, (ts, 1))]},
        headers=admin,
    )

    assert too_many.status_code == 422
    assert too_many.headers["content-type"].startswith("application/problem+json")
    assert "packages" in too_many.text
    assert no_weight.status_code == 422
    assert "packages.0.weight_grams" in no_weight.text
    assert wrong_format.status_code == 422
    assert "ups" in wrong_format.json()["detail"] or "ups" in wrong_format.text
    assert no_key.status_code == 400
    assert (level(uow, "TS-1").on_hand, level(uow, "TS-1").allocated) == (5, 2)


def test_a_given_tracking_number_of_a_known_carrier_is_kept_without_a_label(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    open_shop(uow)
    order = place(uow, ("TS-1", 1))
    fo = released(engine, uow, order)

    answer = ship(
        client,
        admin,
        fo.id,
        "given-1",
        carrier="ups",
        tracking_number="1Z5R89390357567127",
        packages=[package(500, (line_of(order, "TS-1"), 1))],
    )

    assert answer.status_code == 201, answer.text
    (made,) = answer.json()["shipments"]
    assert (made["carrier"], made["tracking_number"], made["has_label"]) == (
        "ups",
        "1Z5R89390357567127",
        False,
    )
    assert made["tracking_url"].startswith("https://wwwapps.ups.com/")
    assert client.get(f"/v1/shipments/{made['id']}/label", headers=admin).status_code == 404


def test_a_channel_capturing_at_shipment_has_what_shipped_captured_after_the_commit(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    open_shop(uow, capture=channels.CaptureMode.AT_SHIPMENT)
    order = place(uow, ("TS-1", 2), ("HD-1", 2))  # 80.00, free shipping over 60
    providers = payments.build_providers(Settings(), uow)
    payments.add_tender(
        payments.AddTender(
            order_id=order.id,
            provider=payments.ProviderName.POS,
            amount=order.totals.total,
            actor="test",
            capture=False,
        ),
        uow=uow,
        providers=providers,
    )
    tasks.relay(engine).drain()
    fo = released(engine, uow, order)

    answer = ship(
        client, admin, fo.id, "cap-1", packages=[package(700, (line_of(order, "TS-1"), 2))]
    )

    assert answer.status_code == 201, answer.text
    (tender,) = payments.list_payments(order.id, uow=uow)
    assert tender.captured == Money.of("40.00", "EUR")
    assert tender.authorized == order.totals.total


def test_a_capture_lost_to_a_crash_after_the_shipping_commit_is_made_by_the_outbox_consumer(
    engine: Engine, uow: UnitOfWork
) -> None:
    open_shop(uow, capture=channels.CaptureMode.AT_SHIPMENT)
    order = place(uow, ("TS-1", 2), ("HD-1", 2))  # 80.00, free shipping over 60
    providers = payments.build_providers(Settings(), uow)
    payments.add_tender(
        payments.AddTender(
            order_id=order.id,
            provider=payments.ProviderName.POS,
            amount=order.totals.total,
            actor="test",
            capture=False,
        ),
        uow=uow,
        providers=providers,
    )
    fo = released(engine, uow, order)
    # The shipping transaction commits, then the process dies before it captures.
    shipping.ship_packages(
        shipping.ShipPackages(
            fulfilment_order_id=fo.id,
            packages=(Package(weight_grams=700, lines={line_of(order, "TS-1"): 2}),),
            tracking_numbers=(None,),
            actor="test",
        ),
        uow=uow,
        carriers=karrio_carriers,
    )
    (tender,) = payments.list_payments(order.id, uow=uow)
    assert tender.captured == Money.zero("EUR")

    tasks.relay(engine).drain()  # payments' consumer of orders.units_shipped.v1

    (tender,) = payments.list_payments(order.id, uow=uow)
    assert tender.captured == Money.of("40.00", "EUR")
    assert payments.capture_shipped_value(order.id, uow=uow, providers=providers) is None
    (tender,) = payments.list_payments(order.id, uow=uow)
    assert tender.captured == Money.of("40.00", "EUR")


def test_the_pick_list_walks_the_bins_and_the_papers_carry_the_order_number_and_gift_message(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    open_shop(uow)
    for sku, shelf in (("TS-1", "B-02-01"), ("HD-1", "A-01-03")):
        inventory.change_level_settings(
            inventory.ChangeLevelSettings(sku=sku, location="wh-de", bin=shelf), uow=uow
        )
    order = place(uow, ("TS-1", 2), ("HD-1", 1), gift="Happy birthday, Grace!")
    fo = released(engine, uow, order)

    picks = client.get(f"/v1/fulfilment/orders/{fo.id}/pick-list", headers=admin)
    printed = client.get(f"/v1/fulfilment/orders/{fo.id}/pick-list?format=pdf", headers=admin)
    slip = client.get(f"/v1/fulfilment/orders/{fo.id}/packing-slip", headers=admin)
    wrong = client.get(f"/v1/fulfilment/orders/{fo.id}/pick-list?format=xml", headers=admin)

    assert picks.status_code == 200, picks.text
    listed = picks.json()
    assert listed["by_bin"] is True
    assert [(p["bin"], p["sku"], p["quantity"]) for p in listed["lines"]] == [
        ("A-01-03", "HD-1", 1),
        ("B-02-01", "TS-1", 2),
    ]
    assert listed["gift_message"] == "Happy birthday, Grace!"
    for document in (printed, slip):
        assert document.headers["content-type"] == "application/pdf"
        text = pdf_text(document.content)
        assert order.number in text
        assert "Happy birthday, Grace!" in text
    assert "Ada Lovelace" in pdf_text(slip.content)
    assert "HAMBURG" in pdf_text(slip.content).upper()
    assert wrong.status_code == 422


def test_an_orders_shipments_are_listed_by_its_id(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    open_shop(uow)
    order = place(uow, ("TS-1", 2))
    fo = released(engine, uow, order)
    assert client.get(f"/v1/orders/{order.id}/shipments", headers=admin).json() == []
    ts = line_of(order, "TS-1")
    made = ship(
        client, admin, fo.id, "ship-l", packages=[package(500, (ts, 1)), package(500, (ts, 1))]
    )
    assert made.status_code == 201, made.text

    listed = client.get(f"/v1/orders/{order.id}/shipments", headers=admin)

    assert listed.status_code == 200, listed.text
    assert sorted(s["number"] for s in listed.json()) == [f"{fo.number}-1", f"{fo.number}-2"]
    assert {s["tracking_number"] for s in listed.json()} == {
        s["tracking_number"] for s in made.json()["shipments"]
    }
    unknown = client.get("/v1/orders/00000000-0000-7000-8000-000000000000/shipments", headers=admin)
    assert unknown.status_code == 404
