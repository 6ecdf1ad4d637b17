"""The payments API on both databases: every route, its refusals as problem+json, who may
call it, and Idempotency-Key replays that finish what the first attempt began."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from oms import orders, payments
from oms.payments.providers.pos import PosProvider
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.conftest import KeyMaker
from tests.payments_core import open_shop, place, providers

P = payments.ProviderName


@pytest.fixture
def order(uow: UnitOfWork) -> orders.Order:
    """An order of 100.00 EUR on ``web``; channel ``app`` exists too, for keys of another
    channel to be refused."""
    open_shop(uow)
    builders.channel(uow, "app", locations=("wh-de",))
    return place(uow)


def money(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


def keyed(headers: dict[str, str], key: str | None = None) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key or str(uuid4())}


def add(
    client: TestClient, order: orders.Order, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    answer = client.post(f"/v1/orders/{order.id}/payments", json=body, headers=keyed(headers))
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def problem(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert body["code"] == code
    return body


def test_a_till_payment_pays_the_order_and_the_order_shows_it(
    client: TestClient, admin: dict[str, str], order: orders.Order
) -> None:
    paid = add(client, order, admin, provider="pos", amount=money("100.00"), reference="R-1")
    assert paid["status"] == "captured"
    assert [(t["kind"], t["status"]) for t in paid["transactions"]] == [
        ("authorize", "succeeded"),
        ("capture", "succeeded"),
    ]
    seen = client.get(f"/v1/orders/{order.id}", headers=admin).json()
    assert seen["payment_status"] == "paid"
    assert seen["captured"] == money("100.00")
    assert seen["authorized"] == money("100.00")
    assert seen["refunded"] == money("0.00")
    assert seen["balance_due"] == money("0.00")


def test_a_new_order_is_unpaid_and_owes_its_total(
    client: TestClient, admin: dict[str, str], order: orders.Order
) -> None:
    seen = client.get(f"/v1/orders/{order.id}", headers=admin).json()
    assert seen["payment_status"] == "unpaid"
    assert seen["balance_due"] == money("100.00")
    assert client.get(f"/v1/orders/{order.id}/payments", headers=admin).json() == []


def test_adding_a_tender_needs_an_idempotency_key_and_a_replay_adds_nothing(
    client: TestClient, admin: dict[str, str], order: orders.Order
) -> None:
    body = {"provider": "pos", "amount": money("30.00")}
    url = f"/v1/orders/{order.id}/payments"
    problem(client.post(url, json=body, headers=admin), 400, "idempotency-key-required")
    headers = keyed(admin, "tender-1")
    first = client.post(url, json=body, headers=headers)
    again = client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(client.get(url, headers=admin).json()) == 1
    other = {"provider": "pos", "amount": money("31.00")}
    problem(client.post(url, json=other, headers=headers), 422, "idempotency-key-reused")


class OfflineOnce:
    """The real till provider, whose line is down for its first call: the answer never comes
    back, as if the process had died between the two steps."""

    def __init__(self) -> None:
        self.till = PosProvider()
        self.name = P.POS
        self.calls = 0

    def __getattr__(self, method: str) -> Any:
        real = getattr(self.till, method)

        def call(*args: Any) -> Any:
            self.calls += 1
            if self.calls == 1:
                raise payments.ProviderUnavailable("the till's line is down")
            return real(*args)

        return call


def test_a_replay_finishes_what_the_first_attempt_left_pending(
    app: FastAPI, client: TestClient, admin: dict[str, str], order: orders.Order, uow: UnitOfWork
) -> None:
    till = OfflineOnce()
    app.state.payment_providers = {**providers(uow), P.POS: till}
    url = f"/v1/orders/{order.id}/payments"
    headers = keyed(admin, "tender-offline")
    body = {"provider": "pos", "amount": money("100.00")}
    first = client.post(url, json=body, headers=headers).json()
    assert first["status"] == "authorizing"
    assert first["transactions"][0]["status"] == "pending"
    again = client.post(url, json=body, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first["id"]
    assert again.json()["status"] == "captured"
    assert till.calls == 3  # authorize (lost), authorize (answered), capture


def test_a_bank_transfer_is_awaited_until_finance_marks_it_received(
    client: TestClient, key_for: KeyMaker, order: orders.Order
) -> None:
    csr, finance = key_for("csr"), key_for("finance")
    awaited = add(client, order, csr, provider="manual", method="bank_transfer")
    assert awaited["status"] == "authorizing"
    assert awaited["transactions"][0]["status"] == "requires_action"
    url = f"/v1/payments/{awaited['id']}/mark-received"
    body = {"bank_reference": "SEPA-77"}
    problem(client.post(url, json=body, headers=csr), 403, "forbidden")
    dollars = {**body, "amount": {"amount": "100.00", "currency": "USD"}}
    refused = problem(client.post(url, json=dollars, headers=finance), 422, "invalid")
    assert refused["errors"][0]["field"] == "amount.currency"
    received = client.post(url, json=body, headers=finance)
    assert received.status_code == 200, received.text
    assert received.json()["status"] == "captured"
    assert received.json()["provider_reference"] == "SEPA-77"
    problem(client.post(url, json=body, headers=finance), 409, "payment-not-awaiting-receipt")
    seen = client.get(f"/v1/orders/{order.id}", headers=csr).json()
    assert seen["payment_status"] == "paid"


def test_a_manual_tender_must_say_how_it_is_paid(
    client: TestClient, admin: dict[str, str], order: orders.Order
) -> None:
    answer = client.post(
        f"/v1/orders/{order.id}/payments",
        json={"provider": "manual", "method": "cheque"},
        headers=keyed(admin),
    )
    assert problem(answer, 422, "invalid")["errors"][0]["field"] == "method"


def test_tender_amounts_are_refused_naming_the_field(
    client: TestClient, admin: dict[str, str], order: orders.Order
) -> None:
    url = f"/v1/orders/{order.id}/payments"
    above = client.post(
        url, json={"provider": "pos", "amount": money("100.01")}, headers=keyed(admin)
    )
    assert problem(above, 422, "amount-above-balance-due")["errors"][0]["field"] == "amount"
    dollars = client.post(
        url,
        json={"provider": "pos", "amount": {"amount": "10", "currency": "USD"}},
        headers=keyed(admin),
    )
    assert problem(dollars, 422, "invalid")["errors"][0]["field"] == "amount.currency"
    card = client.post(
        url, json={"provider": "stripe", "payment_method": "pm_1"}, headers=keyed(admin)
    )
    body = problem(card, 422, "payment-provider-not-configured")
    assert body["errors"][0]["field"] == "provider"


def test_a_pre_authorisation_is_captured_in_parts_then_refunded(
    client: TestClient, admin: dict[str, str], order: orders.Order
) -> None:
    held = add(client, order, admin, provider="pos", capture=False)
    assert held["status"] == "authorized"
    url = f"/v1/payments/{held['id']}"
    above = client.post(f"{url}/capture", json={"amount": money("100.01")}, headers=admin)
    body = problem(above, 422, "amount-above-capturable")
    assert (body["errors"][0]["field"], body["capturable"]) == ("amount", "100.00")
    part = client.post(f"{url}/capture", json={"amount": money("60.00")}, headers=admin)
    assert part.json()["captured"] == money("60.00")
    rest = client.post(f"{url}/capture", headers=admin)
    assert rest.json()["captured"] == money("100.00")
    problem(client.post(f"{url}/void", headers=admin), 409, "illegal-transition")
    refund = client.post(
        f"{url}/refund",
        json={"amount": money("15.00"), "reason": "damaged"},
        headers=keyed(admin),
    )
    assert refund.status_code == 200, refund.text
    assert refund.json()["refundable"] == money("85.00")
    seen = client.get(f"/v1/orders/{order.id}", headers=admin).json()
    assert (seen["payment_status"], seen["balance_due"]) == ("partially_refunded", money("15.00"))


def test_refunds_need_a_key_something_captured_and_stay_within_it(
    client: TestClient, admin: dict[str, str], order: orders.Order
) -> None:
    held = add(client, order, admin, provider="pos", capture=False)
    url = f"/v1/payments/{held['id']}/refund"
    body = {"amount": money("10.00")}
    problem(client.post(url, json=body, headers=admin), 400, "idempotency-key-required")
    problem(client.post(url, json=body, headers=keyed(admin)), 409, "illegal-transition")
    client.post(f"/v1/payments/{held['id']}/capture", headers=admin)
    above = client.post(url, json={"amount": money("100.01")}, headers=keyed(admin))
    assert problem(above, 422, "amount-above-refundable")["refundable"] == "100.00"


def test_a_voided_pre_authorisation_can_no_longer_be_captured(
    client: TestClient, admin: dict[str, str], order: orders.Order
) -> None:
    held = add(client, order, admin, provider="pos", capture=False)
    url = f"/v1/payments/{held['id']}"
    voided = client.post(f"{url}/void", headers=admin)
    assert voided.json()["status"] == "voided"
    problem(client.post(f"{url}/capture", headers=admin), 409, "illegal-transition")
    seen = client.get(f"/v1/orders/{order.id}", headers=admin).json()
    assert seen["payment_status"] == "voided"


def test_unknown_orders_and_payments_are_404(
    client: TestClient, admin: dict[str, str], order: orders.Order
) -> None:
    missing = uuid4()
    body = {"provider": "pos"}
    answer = client.post(f"/v1/orders/{missing}/payments", json=body, headers=keyed(admin))
    problem(answer, 404, "order-not-found")
    problem(client.get(f"/v1/orders/{missing}/payments", headers=admin), 404, "order-not-found")
    problem(client.get(f"/v1/payments/{missing}", headers=admin), 404, "payment-not-found")
    problem(client.post(f"/v1/payments/{missing}/capture", headers=admin), 404, "payment-not-found")


def test_a_channel_key_takes_payments_for_its_own_channel_only(
    client: TestClient, key_for: KeyMaker, admin: dict[str, str], order: orders.Order
) -> None:
    web, app_key = key_for("channel", channel="web"), key_for("channel", channel="app")
    paid = add(client, order, web, provider="pos", capture=False)
    assert client.get(f"/v1/payments/{paid['id']}", headers=web).status_code == 200
    problem(client.get(f"/v1/payments/{paid['id']}", headers=app_key), 404, "payment-not-found")
    problem(client.get(f"/v1/orders/{order.id}/payments", headers=app_key), 404, "order-not-found")
    answer = client.post(
        f"/v1/orders/{order.id}/payments", json={"provider": "pos"}, headers=keyed(app_key)
    )
    problem(answer, 404, "order-not-found")
    capture = client.post(f"/v1/payments/{paid['id']}/capture", headers=app_key)
    problem(capture, 404, "payment-not-found")
    refund = client.post(
        f"/v1/payments/{paid['id']}/refund", json={"amount": money("1.00")}, headers=keyed(web)
    )
    problem(refund, 403, "forbidden")


def test_roles_without_payment_rights_are_refused(
    client: TestClient, key_for: KeyMaker, order: orders.Order
) -> None:
    warehouse = key_for("warehouse")
    problem(client.get(f"/v1/orders/{order.id}/payments", headers=warehouse), 403, "forbidden")
    answer = client.post(
        f"/v1/orders/{order.id}/payments", json={"provider": "pos"}, headers=keyed(warehouse)
    )
    problem(answer, 403, "forbidden")
