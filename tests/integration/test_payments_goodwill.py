"""Goodwill refunds through the HTTP API, on SQLite and PostgreSQL: reason codes and limits per
role, the spread over an order's tenders, refunds to store credit, idempotency, and the issue's
scenario: a goodwill refund to store credit is spent on a later order."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import customers, orders, payments
from oms.app import tasks
from oms.payments.domain.credit import ERASED_REASON, CreditEntryKind
from oms.payments.domain.refund_policy import RefundDestination, RefundReason
from oms.payments.services import credit, goodwill
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.money import Money
from tests import payments_money as shop
from tests.conftest import KeyMaker

Headers = dict[str, str]


@pytest.fixture
def configured(client: TestClient, admin: Headers, uow: UnitOfWork) -> None:
    """The shop, two reason codes, and a csr limit of 50.00 EUR."""
    shop.open_shop(uow)
    reasons = {
        "reasons": [
            {"code": "late_delivery", "description": "The parcel came late"},
            {"code": "damaged_box", "description": "The box arrived damaged"},
        ]
    }
    assert client.put("/v1/refund-reasons", json=reasons, headers=admin).status_code == 200
    limits = {"limits": [{"role": "csr", "currency": "EUR", "amount": "50.00"}]}
    assert client.put("/v1/refund-limits", json=limits, headers=admin).status_code == 200


def placed(client: TestClient, headers: Headers, key: str, *lines: tuple[str, int]) -> Any:
    response = client.post(
        "/v1/orders", json=shop.order_json(*lines), headers=headers | {"Idempotency-Key": key}
    )
    assert response.status_code == 201, response.text
    return response.json()


def tender(client: TestClient, headers: Headers, order: Any, key: str, **body: Any) -> Any:
    response = client.post(
        f"/v1/orders/{order['id']}/payments",
        json=body,
        headers=headers | {"Idempotency-Key": key},
    )
    assert response.status_code == 201, response.text
    return response.json()


def refund(client: TestClient, headers: Headers, order: Any, key: str | None, **body: Any) -> Any:
    given = {"reason": "late_delivery", "destination": "original"} | body
    keyed = {"Idempotency-Key": key} if key else {}
    return client.post(f"/v1/orders/{order['id']}/refunds", json=given, headers=headers | keyed)


def payments_of(client: TestClient, headers: Headers, order: Any) -> list[Any]:
    return client.get(f"/v1/orders/{order['id']}/payments", headers=headers).json()


@pytest.mark.usefixtures("configured")
def test_a_csr_refunds_within_the_limit_to_the_original_tenders_store_credit_first(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    order = placed(client, admin, "o1", ("TS-1", 5))  # 100.00
    customer = order["customer"]["id"]
    client.post(
        f"/v1/customers/{customer}/store-credit",
        json={"kind": "issue", "amount": shop.eur("30.00"), "reason": "welcome"},
        headers=admin | {"Idempotency-Key": "c1"},
    )
    tender(client, admin, order, "t1", provider="store_credit", amount=shop.eur("30.00"))
    tender(client, admin, order, "t2", provider="pos", amount=shop.eur("70.00"))
    csr = key_for("csr")
    response = refund(client, csr, order, "r1", amount=shop.eur("40.00"), note="sorry")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "completed"
    by_payment = {p["id"]: p["provider"] for p in payments_of(client, admin, order)}
    assert [(by_payment[p["payment_id"]], p["amount"]["amount"]) for p in body["parts"]] == [
        ("store_credit", "30.00"),
        ("pos", "10.00"),
    ]
    credit = client.get(f"/v1/customers/{customer}/store-credit", headers=csr).json()
    assert credit["balances"] == [shop.eur("30.00")]
    shown = client.get(f"/v1/orders/{order['id']}", headers=admin).json()
    assert shown["refunded"] == shop.eur("40.00")


@pytest.mark.usefixtures("configured")
def test_above_the_csr_limit_is_403_naming_the_limit_and_finance_may(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    order = placed(client, admin, "o1", ("TS-1", 5))
    tender(client, admin, order, "t1", provider="pos")
    refused = refund(client, key_for("csr"), order, "r1", amount=shop.eur("50.01"))
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "refund-above-limit"
    assert (refused.json()["limit"], refused.json()["currency"]) == ("50.00", "EUR")
    allowed = refund(client, key_for("finance"), order, "r2", amount=shop.eur("60.00"))
    assert allowed.status_code == 201


@pytest.mark.usefixtures("configured")
def test_bad_refunds_are_refused_naming_what_is_wrong(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    order = placed(client, admin, "o1")  # 60.00
    tender(client, admin, order, "t1", provider="pos")
    unknown = refund(client, admin, order, "r1", amount=shop.eur("5.00"), reason="bored")
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "reason")
    too_much = refund(client, admin, order, "r2", amount=shop.eur("60.01"))
    assert (too_much.status_code, too_much.json()["code"]) == (422, "refund-above-refundable")
    dollars = refund(client, admin, order, "r3", amount={"amount": "5.00", "currency": "USD"})
    assert (dollars.status_code, dollars.json()["errors"][0]["field"]) == (422, "amount.currency")
    nothing = refund(client, admin, order, "r8", amount=shop.eur("0.00"))
    assert (nothing.status_code, nothing.json()["errors"][0]["field"]) == (422, "amount.amount")
    fine = refund(client, admin, order, "r4", amount={"amount": "5.001", "currency": "EUR"})
    assert (fine.status_code, fine.json()["errors"][0]["field"]) == (422, "amount.amount")
    nowhere = refund(client, admin, order, "r5", amount=shop.eur("5.00"), destination="cash")
    assert (nowhere.status_code, nowhere.json()["errors"][0]["field"]) == (422, "destination")
    unkeyed = refund(client, admin, order, None, amount=shop.eur("5.00"))
    assert (unkeyed.status_code, unkeyed.json()["code"]) == (400, "idempotency-key-required")
    warehouse = refund(client, key_for("warehouse"), order, "r6", amount=shop.eur("5.00"))
    assert warehouse.status_code == 403
    missing = client.post(
        "/v1/orders/00000000-0000-4000-8000-000000000000/refunds",
        json={"reason": "late_delivery", "amount": shop.eur("1.00")},
        headers=admin | {"Idempotency-Key": "r7"},
    )
    assert missing.status_code == 404
    assert payments_of(client, admin, order)[0]["refunded"] == shop.eur("0.00")


@pytest.mark.usefixtures("configured")
def test_a_replayed_refund_answers_the_same_and_refunds_once(
    client: TestClient, admin: Headers
) -> None:
    order = placed(client, admin, "o1")
    tender(client, admin, order, "t1", provider="pos")
    first = refund(client, admin, order, "r1", amount=shop.eur("5.00"))
    again = refund(client, admin, order, "r1", amount=shop.eur("5.00"))
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    other_body = refund(client, admin, order, "r1", amount=shop.eur("6.00"))
    assert other_body.status_code == 422
    assert payments_of(client, admin, order)[0]["refunded"] == shop.eur("5.00")
    listed = client.get(f"/v1/orders/{order['id']}/refunds", headers=admin).json()
    assert [(r["id"], r["status"]) for r in listed] == [(first.json()["id"], "completed")]


@pytest.mark.usefixtures("configured")
def test_a_goodwill_refund_to_store_credit_is_spent_on_a_later_order(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    csr = key_for("csr")
    first = placed(client, admin, "o1")  # 60.00
    tender(client, admin, first, "t1", provider="pos")
    credited = refund(
        client, csr, first, "r1", amount=shop.eur("12.50"), destination="store_credit"
    )
    assert credited.status_code == 201, credited.text
    assert credited.json()["parts"][0]["payment_id"] is None
    customer = first["customer"]["id"]
    balance = client.get(f"/v1/customers/{customer}/store-credit", headers=csr).json()
    assert balance["balances"] == [shop.eur("12.50")]
    assert balance["entries"][0]["kind"] == "refund"
    later = placed(client, admin, "o2", ("TS-2", 2))  # 100.00
    spent = tender(client, admin, later, "t2", provider="store_credit", amount=shop.eur("12.50"))
    assert spent["status"] == "captured"
    tender(client, admin, later, "t3", provider="pos")
    after = client.get(f"/v1/customers/{customer}/store-credit", headers=csr).json()
    assert after["balances"] == [shop.eur("0.00")]
    assert [e["kind"] for e in after["entries"]] == ["spend", "refund"]
    assert after["entries"][0]["order_id"] == later["id"]
    shown = client.get(f"/v1/orders/{later['id']}", headers=admin).json()
    assert (shown["payment_status"], shown["balance_due"]) == ("paid", shop.eur("0.00"))
    assert payments_of(client, admin, first)[0]["refunded"] == shop.eur("0.00")
    timeline = client.get(f"/v1/orders/{first['id']}/timeline", headers=admin).json()["items"]
    assert "12.50 EUR refunded to store credit (late_delivery)" in [e["summary"] for e in timeline]


@pytest.mark.usefixtures("configured")
def test_store_credit_goodwill_never_exceeds_what_the_order_paid(
    client: TestClient, admin: Headers
) -> None:
    order = placed(client, admin, "o1")  # 60.00
    tender(client, admin, order, "t1", provider="pos", amount=shop.eur("20.00"))
    ok = refund(client, admin, order, "r1", amount=shop.eur("15.00"), destination="store_credit")
    assert ok.status_code == 201
    over = refund(client, admin, order, "r2", amount=shop.eur("5.01"), destination="store_credit")
    assert (over.status_code, over.json()["refundable"]) == (422, "5.00")


def test_refund_reasons_and_limits_are_set_by_an_admin_only(
    client: TestClient, admin: Headers, key_for: KeyMaker
) -> None:
    csr = key_for("csr")
    reasons = {"reasons": [{"code": "late", "description": "Late"}]}
    assert client.put("/v1/refund-reasons", json=reasons, headers=csr).status_code == 403
    assert client.put("/v1/refund-reasons", json=reasons, headers=admin).status_code == 200
    assert client.get("/v1/refund-reasons", headers=csr).json() == reasons
    bad = client.put(
        "/v1/refund-reasons",
        json={"reasons": [{"code": "Late!", "description": "x"}]},
        headers=admin,
    )
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "reasons.0.code")
    limits = {"limits": [{"role": "csr", "currency": "EUR", "amount": "25.00"}]}
    assert (
        client.put("/v1/refund-limits", json=limits, headers=key_for("finance")).status_code == 403
    )
    shown = client.put("/v1/refund-limits", json=limits, headers=admin).json()
    assert shown["limits"] == [{"role": "csr", "limit": shop.eur("25.00")}]
    unknown = client.put(
        "/v1/refund-limits",
        json={"limits": [{"role": "intern", "currency": "EUR", "amount": "5.00"}]},
        headers=admin,
    )
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "limits.0.role")
    yen = client.put(
        "/v1/refund-limits",
        json={"limits": [{"role": "csr", "currency": "JPY", "amount": "5.5"}]},
        headers=admin,
    )
    assert (yen.status_code, yen.json()["errors"][0]["field"]) == (422, "limits.0.amount")
    assert client.get("/v1/refund-limits", headers=csr).json()["limits"] == shown["limits"]
    assert client.get("/v1/refund-limits", headers=key_for("warehouse")).status_code == 403


def test_two_refunds_racing_on_one_order_never_give_back_more_than_was_captured(
    engine: Engine, uow: UnitOfWork
) -> None:
    shop.open_shop(uow)
    goodwill.set_refund_reasons([RefundReason(code="late", description="late")], uow=uow)
    order = shop.place(uow)  # 60.00
    providers = payments.build_providers(Settings(), uow)
    payments.add_tender(
        payments.AddTender(order_id=order.id, provider=payments.ProviderName.POS, actor="t"),
        uow=uow,
        providers=providers,
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def refunder() -> None:
        own = UnitOfWork(engine)
        start.wait()
        try:
            goodwill.refund_order(
                order.id,
                Money.of("40.00", "EUR"),
                "late",
                RefundDestination.ORIGINAL,
                actor="t",
                role="admin",
                uow=own,
                providers=payments.build_providers(Settings(), own),
            )
            outcomes.append("refunded")
        except Invalid:
            outcomes.append("refused")

    threads = [threading.Thread(target=refunder) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refunded", "refused"]
    [payment] = payments.list_payments(order.id, uow=uow)
    assert payment.refunded == Money.of("40.00", "EUR")
    assert orders.get_order(order.id, uow=uow).payment_figures.refunded == payment.refunded


def test_erasing_the_customer_removes_what_staff_typed_about_them_and_keeps_the_books(
    engine: Engine, uow: UnitOfWork
) -> None:
    shop.open_shop(uow)
    goodwill.set_refund_reasons([RefundReason(code="late", description="late")], uow=uow)
    order = shop.place(uow)
    providers = payments.build_providers(Settings(), uow)
    payments.add_tender(
        payments.AddTender(order_id=order.id, provider=payments.ProviderName.POS, actor="t"),
        uow=uow,
        providers=providers,
    )
    customer_id = order.buyer.customer_id
    credit.adjust_store_credit(
        credit.AdjustStoreCredit(
            customer_id=customer_id,
            kind=CreditEntryKind.ISSUE,
            amount=Money.of("8.00", "EUR"),
            reason="Ada called, upset about her late parcel",
            actor="t",
        ),
        uow=uow,
    )
    goodwill.refund_order(
        order.id,
        Money.of("4.00", "EUR"),
        "late",
        RefundDestination.STORE_CREDIT,
        note="Ada Lovelace, Invalidenstr. 1: parcel 3 days late",
        actor="t",
        role="admin",
        uow=uow,
        providers=providers,
    )
    customers.erase_customer(customers.EraseCustomer(customer_id=customer_id), uow=uow)
    tasks.relay(engine).drain()
    [refund] = goodwill.list_refunds(order.id, uow=uow)
    assert (refund.note, refund.reason, refund.amount) == ("", "late", Money.of("4.00", "EUR"))
    statement = credit.store_credit_statement(customer_id, uow=uow)
    assert statement.account.balance("EUR") == Money.of("12.00", "EUR")
    manual = [e for e in statement.entries if e.kind is CreditEntryKind.ISSUE]
    assert [e.reason for e in manual] == [ERASED_REASON]
