"""Tracking on SQLite and PostgreSQL: events out of order and twice end as they should (the
latest by time wins, duplicates change nothing), the first delivery delivers the order's
units and completes a paid order, and a carrier's CSV file is imported with its bad rows
reported and skipped, the same file twice changing nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from oms import orders, payments
from oms.fulfilment.cli import shipments_app
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from tests.integration.test_fulfilment_shipping import (
    line_of,
    open_shop,
    package,
    place,
    released,
    ship,
)

pytestmark = pytest.mark.usefixtures("balanced_ledger")

DAY1 = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
DAY2 = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
"""Carrier events happen after the labels bought in the test (now), whenever the suite runs."""


def shipped_order(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], *, paid: bool
) -> tuple[orders.Order, list[dict[str, Any]]]:
    """An order of 2 TS-1 shipped in two packages (paid at the till first when ``paid``)."""
    open_shop(uow)
    order = place(uow, ("TS-1", 2))
    if paid:
        payments.add_tender(
            payments.AddTender(
                order_id=order.id,
                provider=payments.ProviderName.POS,
                amount=order.totals.total,
                actor="test",
            ),
            uow=uow,
            providers=payments.build_providers(Settings(), uow),
        )
    fo = released(engine, uow, order)
    ts = line_of(order, "TS-1")
    answer = ship(
        client, admin, fo.id, "t-1", packages=[package(500, (ts, 1)), package(500, (ts, 1))]
    )
    assert answer.status_code == 201, answer.text
    return order, answer.json()["shipments"]


def summary(output: str) -> list[str]:
    """The counts row of the import's summary table."""
    row = [line for line in output.splitlines() if "│" in line][-1]
    return [cell.strip() for cell in row.split("│")[1:-1]]


def event(
    client: TestClient, admin: dict[str, str], shipment: dict[str, Any], status: str, at: str
) -> Any:
    return client.post(
        f"/v1/shipments/{shipment['id']}/events",
        json={"status": status, "occurred_at": at, "location": "Hamburg"},
        headers=admin,
    )


def test_events_out_of_order_and_twice_leave_the_latest_status_and_keep_every_event(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    _, (first, _) = shipped_order(engine, uow, client, admin, paid=False)

    late = event(client, admin, first, "out_for_delivery", f"{DAY2}T08:00:00+01:00")
    early = event(client, admin, first, "in_transit", f"{DAY1}T18:00:00+01:00")
    again = event(client, admin, first, "in_transit", f"{DAY1}T18:00:00+01:00")

    assert (late.status_code, early.status_code, again.status_code) == (201, 201, 200)
    assert again.json()["recorded"] is False
    shown = client.get(f"/v1/shipments/{first['id']}", headers=admin).json()
    assert shown["status"] == "out_for_delivery"
    history = client.get(f"/v1/shipments/{first['id']}/events", headers=admin).json()
    assert [e["status"] for e in history] == ["label_created", "in_transit", "out_for_delivery"]


def test_delivering_every_package_delivers_the_order_and_completes_it_when_paid(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    order, (first, second) = shipped_order(engine, uow, client, admin, paid=True)

    event(client, admin, first, "delivered", f"{DAY2}T10:00:00+01:00")
    halfway = orders.get_order(order.id, uow=uow)
    event(client, admin, second, "delivered", f"{DAY2}T11:00:00+01:00")
    event(client, admin, second, "in_transit", f"{DAY1}T11:00:00+01:00")  # arrives late

    assert halfway.fulfilment_status.value == "partially_delivered"
    done = orders.get_order(order.id, uow=uow)
    assert done.fulfilment_status.value == "delivered"
    assert done.status.value == "completed"
    with uow.read() as tx:
        (fo,) = tx.repo(FULFILMENT_ORDERS).for_order(order.id)
    assert fo.status.value == "delivered"
    assert client.get(f"/v1/shipments/{second['id']}", headers=admin).json()["status"] == (
        "delivered"
    )


def test_a_delivered_order_not_yet_paid_waits_to_complete(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    order, shipments = shipped_order(engine, uow, client, admin, paid=False)

    for s in shipments:
        event(client, admin, s, "delivered", f"{DAY2}T10:00:00Z")

    after = orders.get_order(order.id, uow=uow)
    assert after.fulfilment_status.value == "delivered"
    assert after.status.value != "completed"


def test_bad_tracking_events_are_problems_naming_the_field(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str]
) -> None:
    _, (first, _) = shipped_order(engine, uow, client, admin, paid=False)

    unknown = event(client, admin, first, "teleported", f"{DAY2}T10:00:00Z")
    naive = event(client, admin, first, "in_transit", f"{DAY2}T10:00:00")

    for answer in (unknown, naive):
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert "status" in unknown.text
    assert "occurred_at" in naive.text


def test_a_carrier_csv_is_imported_with_bad_rows_reported_and_again_changes_nothing(
    engine: Engine,
    uow: UnitOfWork,
    client: TestClient,
    admin: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    order, (first, second) = shipped_order(engine, uow, client, admin, paid=False)
    file = tmp_path / "events.csv"
    file.write_text(
        "tracking_number,shipment,status,occurred_at,location,description\n"
        f"{first['tracking_number']},,in_transit,{DAY1}T18:00:00+01:00,Hamburg,hub\n"
        f",{second['number']},delivered,{DAY2}T10:00:00+01:00,Berlin,front door\n"
        f"{first['tracking_number']},,teleported,{DAY2}T10:00:00+01:00,,\n"
        f"{first['tracking_number']},,delivered,yesterday,,\n"
        f"999999999999,,delivered,{DAY2}T10:00:00+01:00,,\n",
        encoding="utf-8",
    )

    once = CliRunner().invoke(shipments_app, ["import-events", str(file)])
    twice = CliRunner().invoke(shipments_app, ["import-events", str(file)])

    assert once.exit_code == 1, once.output
    assert "teleported" in once.output
    assert "occurred_at" in once.output
    assert "999999999999" in once.output
    assert summary(once.output) == ["5", "2", "0", "3"]  # rows, recorded, known, skipped
    assert summary(twice.output) == ["5", "0", "2", "3"]
    assert client.get(f"/v1/shipments/{first['id']}", headers=admin).json()["status"] == (
        "in_transit"
    )
    assert client.get(f"/v1/shipments/{second['id']}", headers=admin).json()["status"] == (
        "delivered"
    )
    assert orders.get_order(order.id, uow=uow).fulfilment_status.value == "partially_delivered"
    assert twice.exit_code == 1
    history = client.get(f"/v1/shipments/{first['id']}/events", headers=admin).json()
    assert [e["status"] for e in history] == ["label_created", "in_transit"]
