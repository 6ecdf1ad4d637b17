"""Exchanges on SQLite and PostgreSQL: the replacement's stock is held at approval and it ships
once the goods arrived (or at once, by the channel's instant exchanges), a dearer replacement
charges the difference (held until paid), a cheaper one refunds it once after receipt, the
shipment is announced (``returns.exchange_shipped.v1``) and a repeated approval places one
replacement order. And a damaged item under the policy's threshold is refunded without coming
back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from oms import inventory, orders, payments
from oms.orders.tables import orders as orders_table
from oms.platform.outbox import outbox_table
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.policy import FeeRule, ReasonRule, ReturnPolicy
from oms.returns.domain.returns import Disposition, ReturnReason
from oms.returns.repository.policies import POLICIES
from oms.returns.services import exchanges, receiving
from oms.shared.money import Money
from tests import builders
from tests import payments_money as shop
from tests.conftest import KeyMaker
from tests.integration.test_returns_refunds import Paid, deliver_events, delivered, refunded


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def set_policy(uow: UnitOfWork, **rules: Any) -> None:
    """``web``: auto-approval, a 10 % fee (none for damaged goods, kept under 25.00)."""
    policy = ReturnPolicy(
        currency="EUR",
        auto_approve=True,
        restocking_fee=FeeRule(percent=Decimal(10)),
        reasons={ReturnReason.DAMAGED: ReasonRule(fee=False, keep_item_under=eur("25.00"))},
        **rules,
    )
    with uow.begin() as tx:
        tx.repo(POLICIES).put("web", policy, expected=0, actor="test", at=tx.now)


@pytest.fixture
def providers(uow: UnitOfWork) -> payments.Providers:
    return payments.build_providers(Settings(), uow)


def open_shop(uow: UnitOfWork, **rules: Any) -> UnitOfWork:
    """The money shop, plus TS-1 in size L (20.00) and a cheaper TS-3 (15.00), 10 of each."""
    shop.open_shop(uow)
    builders.product(uow, "TS-1-L", prices={"web": "20.00"})
    builders.product(uow, "TS-3", prices={"web": "15.00"})
    for sku in ("TS-1-L", "TS-3"):
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location="wh-de", quantity=10, actor="test"), uow=uow
        )
    set_policy(uow, **rules)
    return uow


def exchange(
    client: TestClient,
    key: dict[str, str],
    paid: Paid,
    replacement: str,
    reason: str = "wrong_size",
) -> Any:
    line = paid.order.lines[0]
    answer = client.post(
        f"/v1/orders/{paid.order.id}/exchanges",
        json={
            "lines": [
                {
                    "line_id": str(line.id),
                    "quantity": 1,
                    "reason": reason,
                    "replacement": {"sku": replacement, "quantity": 1},
                }
            ]
        },
        headers=key,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def allocated(uow: UnitOfWork, sku: str) -> int:
    return inventory.get_stock(sku, uow=uow).locations[0].allocated


def holds(uow: UnitOfWork, order_id: UUID) -> set[str]:
    return {h.reason.value for h in orders.get_order(order_id, uow=uow).open_holds}


def receive(uow: UnitOfWork, body: dict[str, Any], paid: Paid) -> None:
    line = paid.order.lines[0].id
    receiving.receive_return_units(
        receiving.ReceiveUnits(return_id=UUID(body["id"]), units={line: 1}, actor="wh"), uow=uow
    )


def ship(uow: UnitOfWork, order_id: UUID) -> None:
    order = orders.get_order(order_id, uow=uow)
    with uow.begin():
        orders.ship_units(
            order.id,
            location="wh-de",
            units={line.id: line.quantity for line in order.lines},
            reference="EX-1",
            actor="wh",
            uow=uow,
        )


def shipped_events(engine: Engine, return_id: str) -> int:
    with engine.connect() as c:
        return c.execute(
            select(func.count())
            .select_from(outbox_table)
            .where(
                outbox_table.c.event_type == "returns.exchange_shipped.v1",
                outbox_table.c.aggregate_id == UUID(return_id),
            )
        ).scalar_one()


def test_an_exchange_for_another_size_holds_stock_at_approval_and_ships_after_receipt(
    uow: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    web = open_shop(uow)
    paid = delivered(web, providers, engine, ("TS-1", 1))

    body = exchange(client, key_for("csr"), paid, "TS-1-L")

    assert (body["kind"], body["status"]) == ("exchange", "approved")
    assert body["rma"].startswith("RMA-")
    assert body["replacements"][0]["charged_unit_price"] == {"amount": "0.00", "currency": "EUR"}
    linked = orders.get_order(UUID(body["exchange_order_id"]), uow=web)
    assert linked.totals.total == eur("0.00")
    assert [(line.sku, line.quantity) for line in linked.lines] == [("TS-1-L", 1)]
    assert allocated(web, "TS-1-L") == 1
    assert holds(web, linked.id) == {"return_pending"}

    receive(web, body, paid)
    deliver_events(engine)
    assert holds(web, linked.id) == set()
    assert orders.get_order(linked.id, uow=web).status.value == "confirmed"

    ship(web, linked.id)
    deliver_events(engine)
    assert shipped_events(engine, body["id"]) == 1
    assert refunded(web, paid.payment) == eur("0.00")


def test_an_instant_exchange_ships_before_the_goods_arrive(
    uow: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    web = open_shop(uow, instant_exchange=True)
    paid = delivered(web, providers, engine, ("TS-1", 1))

    body = exchange(client, key_for("csr"), paid, "TS-1-L")

    linked = orders.get_order(UUID(body["exchange_order_id"]), uow=web)
    assert holds(web, linked.id) == set()
    assert linked.status.value == "confirmed"
    ship(web, linked.id)
    deliver_events(engine)
    assert shipped_events(engine, body["id"]) == 1
    assert orders.get_order(paid.order.id, uow=web).lines[0].returned_quantity == 0


def test_a_dearer_replacement_charges_the_difference_held_until_paid(
    uow: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    web = open_shop(uow, instant_exchange=True)
    paid = delivered(web, providers, engine, ("TS-1", 1))

    body = exchange(client, key_for("csr"), paid, "TS-2")

    linked = orders.get_order(UUID(body["exchange_order_id"]), uow=web)
    assert linked.totals.total == eur("30.00")
    assert holds(web, linked.id) == {"payment"}
    payments.add_tender(
        payments.AddTender(
            order_id=linked.id, provider=payments.ProviderName.POS, actor="test", capture=True
        ),
        uow=web,
        providers=providers,
    )
    deliver_events(engine)
    assert holds(web, linked.id) == set()
    assert refunded(web, paid.payment) == eur("0.00")


def test_a_cheaper_replacement_is_refunded_once_after_receipt(
    uow: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    web = open_shop(uow)
    paid = delivered(web, providers, engine, ("TS-1", 1))
    csr = key_for("csr")

    body = exchange(client, csr, paid, "TS-3")
    assert body["replacements"][0]["refund"] == {"amount": "5.00", "currency": "EUR"}
    assert refunded(web, paid.payment) == eur("0.00")

    receive(web, body, paid)
    deliver_events(engine)
    assert refunded(web, paid.payment) == eur("5.00")
    exchanges.settle_receipt(UUID(body["id"]), actor="test", uow=web, providers=providers)
    receiving.inspect_return_units(
        receiving.InspectUnits(
            return_id=UUID(body["id"]),
            units={paid.order.lines[0].id: (1, Disposition.RESTOCK)},
            actor="wh",
        ),
        uow=web,
    )
    resolved = client.post(f"/v1/returns/{body['id']}/resolve", json={}, headers=csr)
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["resolution"]) == ("completed", "exchange")
    assert resolved.json()["refund"] == {"amount": "5.00", "currency": "EUR"}
    deliver_events(engine)
    assert refunded(web, paid.payment) == eur("5.00")


def test_a_repeated_approval_places_one_replacement_order(
    uow: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    web = open_shop(uow)
    paid = delivered(web, providers, engine, ("TS-1", 1))
    body = exchange(client, key_for("csr"), paid, "TS-1-L")
    return_id = UUID(body["id"])

    first = exchanges.ensure_exchange_order(return_id, actor="test", uow=web)
    second = exchanges.ensure_exchange_order(return_id, actor="test", uow=web)
    deliver_events(engine)

    assert first == second == UUID(body["exchange_order_id"])
    with engine.connect() as c:
        linked = c.execute(
            select(func.count())
            .select_from(orders_table)
            .where(orders_table.c.return_id == return_id)
        ).scalar_one()
    assert linked == 1
    assert allocated(web, "TS-1-L") == 1


def test_a_damaged_item_under_the_threshold_is_refunded_without_coming_back(
    uow: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    web = open_shop(uow)
    paid = delivered(web, providers, engine, ("TS-1", 1), ("TS-2", 1))
    csr = key_for("csr")

    def ask(index: int) -> Any:
        line = paid.order.lines[index]
        answer = client.post(
            f"/v1/orders/{paid.order.id}/returns",
            json={"lines": [{"line_id": str(line.id), "quantity": 1, "reason": "damaged"}]},
            headers=csr,
        )
        assert answer.status_code == 201, answer.text
        return answer.json()

    kept = ask(0)
    assert (kept["status"], kept["resolution"]) == ("completed", "refund")
    assert kept["refund"] == {"amount": "20.00", "currency": "EUR"}
    assert kept["received_at"] is None
    deliver_events(engine)
    assert refunded(web, paid.payment) == eur("20.00")
    line = orders.get_order(paid.order.id, uow=web).lines[0]
    assert (line.returned_quantity, line.return_requested_quantity) == (0, 0)

    sent_back = ask(1)  # 50.00 is over the threshold: it travels back as usual
    assert sent_back["status"] == "approved"
    deliver_events(engine)
    assert refunded(web, paid.payment) == eur("20.00")


def test_a_cancelled_exchange_gives_the_replacement_stock_back(
    uow: UnitOfWork,
    providers: payments.Providers,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
) -> None:
    web = open_shop(uow)
    paid = delivered(web, providers, engine, ("TS-1", 1))
    csr = key_for("csr")
    body = exchange(client, csr, paid, "TS-1-L")
    assert allocated(web, "TS-1-L") == 1

    cancelled = client.post(f"/v1/returns/{body['id']}/cancel", headers=csr)
    assert cancelled.status_code == 200, cancelled.text
    deliver_events(engine)

    linked = orders.get_order(UUID(body["exchange_order_id"]), uow=web)
    assert linked.status.value == "cancelled"
    assert allocated(web, "TS-1-L") == 0
