"""The way back on SQLite and PostgreSQL: a return in transit, received and inspected at its
receiving location. Each disposition moves the ledger as the contract says (restock: on hand
again; damaged: on hand and unavailable; write-off and return to the customer: in and out
again), the order counts the units returned in the inspection's transaction, every level stays
the sum of its movements, and no line takes more units than it asked back or received."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from oms import inventory, orders
from oms.inventory import tables as stock_tables
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.errors import UnitsBeyondReturn
from oms.returns.domain.lifecycle import ReturnStatus
from oms.returns.domain.returns import Disposition, ReturnRequest
from oms.returns.services import receiving
from oms.shared.errors import IllegalTransition
from tests.conftest import KeyMaker
from tests.integration.test_returns_labels import (
    approved_return,
    delivered,
    shop,
    timeline_kinds,
    warehouse_key,
)
from tests.invariants import assert_ledger_balances

__all__ = ["shop"]

pytestmark = pytest.mark.usefixtures("balanced_ledger")


def level(uow: UnitOfWork, sku: str = "TS-1") -> tuple[int, int, int]:
    """(on_hand, allocated, unavailable) of ``sku`` at wh-de."""
    found = next(s for s in inventory.get_stock(sku, uow=uow).locations if s.location == "wh-de")
    return found.on_hand, found.allocated, found.unavailable


def movement_kinds(engine: Engine, reference: str) -> list[str]:
    """The kinds of the ledger's movements for ``reference``, sorted by name."""
    m = stock_tables.stock_movements.c
    with engine.connect() as c:
        rows = c.execute(select(m.kind).where(m.reference == reference)).all()
    return sorted(str(row.kind) for row in rows)


def receive(uow: UnitOfWork, return_id: UUID, units: Mapping[UUID, int]) -> ReturnRequest:
    return receiving.receive_return_units(
        receiving.ReceiveUnits(return_id=return_id, units=units, actor="wh"), uow=uow
    )


def inspect(
    uow: UnitOfWork, return_id: UUID, units: Mapping[UUID, tuple[int, Disposition]]
) -> ReturnRequest:
    return receiving.inspect_return_units(
        receiving.InspectUnits(return_id=return_id, units=units, actor="wh"), uow=uow
    )


@pytest.mark.parametrize(
    ("disposition", "after", "kinds"),
    [
        (Disposition.RESTOCK, (9, 0, 0), ["return_restock"]),
        (Disposition.DAMAGED, (9, 0, 1), ["return_restock", "status_change"]),
        (Disposition.WRITE_OFF, (8, 0, 0), ["damage", "return_restock"]),
        (Disposition.RETURN_TO_CUSTOMER, (8, 0, 0), ["fulfilment", "return_restock"]),
    ],
)
def test_each_disposition_moves_the_ledger_at_inspection(
    engine: Engine,
    shop: UnitOfWork,
    disposition: Disposition,
    after: tuple[int, int, int],
    kinds: list[str],
) -> None:
    order = delivered(shop, ("TS-1", 2))
    line = order.lines[0]
    request = approved_return(shop, order, {line.id: 1})
    assert level(shop) == (8, 0, 0)

    receiving.mark_in_transit(
        receiving.MarkInTransit(return_id=request.id, tracking_number="1Z999", actor="carrier"),
        uow=shop,
    )
    received = receive(shop, request.id, {line.id: 1})
    assert received.status is ReturnStatus.RECEIVED
    assert level(shop) == (8, 0, 0)  # nothing moves before inspection

    inspected = inspect(shop, request.id, {line.id: (1, disposition)})

    assert inspected.status is ReturnStatus.INSPECTED
    assert inspected.line(line.id).disposition is disposition
    assert level(shop) == after
    assert movement_kinds(engine, "RMA-000001") == kinds
    assert_ledger_balances(engine)
    back = orders.get_order(order.id, uow=shop).line(line.id)
    assert back.return_requested_quantity == 0
    assert back.returned_quantity == (0 if disposition is Disposition.RETURN_TO_CUSTOMER else 1)
    assert {"return_in_transit", "return_received", "return_inspected"} <= set(
        timeline_kinds(shop, order)
    )


def test_the_order_is_returned_once_every_unit_is_inspected(
    engine: Engine, shop: UnitOfWork
) -> None:
    order = delivered(shop, ("TS-1", 2), ("HD-1", 1))
    shirts, hoodie = order.lines
    request = approved_return(shop, order, {shirts.id: 2, hoodie.id: 1})

    receive(shop, request.id, {shirts.id: 1})  # a store hands it over: no transit first
    receive(shop, request.id, {shirts.id: 1, hoodie.id: 1})
    inspect(shop, request.id, {shirts.id: (2, Disposition.RESTOCK)})
    partly = orders.get_order(order.id, uow=shop)
    assert partly.return_status is orders.OrderReturnStatus.PARTIALLY_RETURNED
    done = inspect(shop, request.id, {hoodie.id: (1, Disposition.DAMAGED)})

    assert done.status is ReturnStatus.INSPECTED
    assert orders.get_order(order.id, uow=shop).return_status is orders.OrderReturnStatus.RETURNED
    assert level(shop, "TS-1") == (10, 0, 0)
    assert level(shop, "HD-1") == (10, 0, 1)
    assert_ledger_balances(engine)


def test_more_units_than_asked_back_or_received_are_refused_per_line(shop: UnitOfWork) -> None:
    order = delivered(shop, ("TS-1", 2), ("HD-1", 1))
    shirts, hoodie = order.lines
    request = approved_return(shop, order, {shirts.id: 1, hoodie.id: 1})

    with pytest.raises(UnitsBeyondReturn) as beyond:
        receive(shop, request.id, {hoodie.id: 1, shirts.id: 2})
    assert [p.field for p in beyond.value.problems] == ["lines.1"]

    receive(shop, request.id, {shirts.id: 1})
    with pytest.raises(UnitsBeyondReturn):
        inspect(shop, request.id, {shirts.id: (2, Disposition.RESTOCK)})
    with pytest.raises(UnitsBeyondReturn):
        inspect(shop, request.id, {hoodie.id: (1, Disposition.RESTOCK)})  # not received
    assert level(shop, "TS-1") == (8, 0, 0)


def test_a_return_received_cannot_go_in_transit_again(shop: UnitOfWork) -> None:
    order = delivered(shop, ("TS-1", 1))
    request = approved_return(shop, order, {order.lines[0].id: 1})
    receive(shop, request.id, {order.lines[0].id: 1})
    with pytest.raises(IllegalTransition):
        receiving.mark_in_transit(
            receiving.MarkInTransit(return_id=request.id, actor="carrier"), uow=shop
        )


def test_receipt_and_inspection_over_http_with_problems_naming_the_line(
    engine: Engine, shop: UnitOfWork, client: TestClient, key_for: KeyMaker
) -> None:
    order = delivered(shop, ("TS-1", 2))
    line = order.lines[0]
    request = approved_return(shop, order, {line.id: 1})
    warehouse = key_for("warehouse")
    url = f"/v1/returns/{request.id}"

    assert client.post(f"{url}/in-transit", headers=warehouse).status_code == 200
    too_many = client.post(
        f"{url}/receive",
        json={"lines": [{"line_id": str(line.id), "quantity": 2}]},
        headers=warehouse,
    )
    assert too_many.status_code == 422, too_many.text
    assert too_many.headers["content-type"] == "application/problem+json"
    assert too_many.json()["errors"][0]["field"] == "lines.0"
    twice = client.post(
        f"{url}/receive",
        json={"lines": [{"line_id": str(line.id), "quantity": 1}] * 2},
        headers=warehouse,
    )
    assert twice.status_code == 422
    body = {"lines": [{"line_id": str(line.id), "quantity": 1}]}
    keyed = warehouse | {"Idempotency-Key": "scan-1"}
    first = client.post(f"{url}/receive", json=body, headers=keyed)
    assert first.status_code == 200, first.text
    replay = client.post(f"{url}/receive", json=body, headers=keyed)
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json() == first.json()

    bad = client.post(
        f"{url}/inspect",
        json={"lines": [{"line_id": str(line.id), "quantity": 1, "disposition": "resell"}]},
        headers=warehouse,
    )
    assert bad.status_code == 422
    done = client.post(
        f"{url}/inspect",
        json={"lines": [{"line_id": str(line.id), "quantity": 1, "disposition": "restock"}]},
        headers=warehouse,
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "inspected"
    assert level(shop) == (9, 0, 0)
    assert client.post(f"{url}/receive", json=body, headers=key_for("finance")).status_code == 403


def test_a_location_bound_key_works_only_its_locations_returns(
    engine: Engine, shop: UnitOfWork, client: TestClient
) -> None:
    from tests import builders

    order = delivered(shop, ("TS-1", 1))
    line = order.lines[0]
    request = approved_return(shop, order, {line.id: 1})
    body = {"lines": [{"line_id": str(line.id), "quantity": 1}]}
    elsewhere = warehouse_key(engine, builders.location(shop, "wh-fr", "FR").code)
    here = warehouse_key(engine, "wh-de")

    refused = client.post(f"/v1/returns/{request.id}/receive", json=body, headers=elsewhere)
    assert refused.status_code == 404
    taken = client.post(f"/v1/returns/{request.id}/receive", json=body, headers=here)
    assert taken.status_code == 200, taken.text
