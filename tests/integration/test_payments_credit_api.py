"""A customer's store credit through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from oms import customers
from oms.platform.unit_of_work import UnitOfWork
from tests import builders
from tests.conftest import KeyMaker

Headers = dict[str, str]


@pytest.fixture
def ada(uow: UnitOfWork) -> UUID:
    return customers.create_customer(
        customers.CreateCustomer(email="ada@example.com", name="Ada Lovelace"), uow=uow
    ).id


def adjust(
    client: TestClient, headers: Headers, customer: UUID, key: str | None, **body: Any
) -> Any:
    given = {"kind": "issue", "amount": {"amount": "10.00", "currency": "EUR"}, "reason": "gift"}
    keyed = {"Idempotency-Key": key} if key else {}
    return client.post(
        f"/v1/customers/{customer}/store-credit", json=given | body, headers=headers | keyed
    )


def test_finance_issues_and_deducts_credit_and_the_ledger_explains_the_balance(
    client: TestClient, key_for: KeyMaker, ada: UUID
) -> None:
    finance = key_for("finance")
    issued = adjust(client, finance, ada, "k1")
    assert issued.status_code == 201
    assert (issued.json()["kind"], issued.json()["balance_after"]["amount"]) == ("issue", "10.00")
    deducted = adjust(
        client,
        finance,
        ada,
        "k2",
        kind="deduct",
        amount={"amount": "3.50", "currency": "EUR"},
        reason="typo",
    )
    assert deducted.json()["balance_after"] == {"amount": "6.50", "currency": "EUR"}
    shown = client.get(f"/v1/customers/{ada}/store-credit", headers=key_for("csr")).json()
    assert shown["balances"] == [{"amount": "6.50", "currency": "EUR"}]
    assert [(e["kind"], e["reason"]) for e in shown["entries"]] == [
        ("deduct", "typo"),
        ("issue", "gift"),
    ]


def test_a_deduction_beyond_the_balance_is_409_saying_what_is_available(
    client: TestClient, admin: Headers, ada: UUID
) -> None:
    adjust(client, admin, ada, "k1")
    refused = adjust(
        client, admin, ada, "k2", kind="deduct", amount={"amount": "10.01", "currency": "EUR"}
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert (refused.json()["code"], refused.json()["available"]) == (
        "insufficient-store-credit",
        "10.00",
    )


def test_the_ledger_is_paged_newest_first(client: TestClient, admin: Headers, ada: UUID) -> None:
    for index, amount in enumerate(("1.00", "2.00", "3.00")):
        adjust(client, admin, ada, f"k{index}", amount={"amount": amount, "currency": "EUR"})
    first = client.get(f"/v1/customers/{ada}/store-credit?limit=2", headers=admin).json()
    assert [e["amount"]["amount"] for e in first["entries"]] == ["3.00", "2.00"]
    rest = client.get(
        f"/v1/customers/{ada}/store-credit",
        params={"limit": 2, "cursor": first["next_cursor"]},
        headers=admin,
    ).json()
    assert [e["amount"]["amount"] for e in rest["entries"]] == ["1.00"]
    assert rest["next_cursor"] is None
    assert rest["balances"] == [{"amount": "6.00", "currency": "EUR"}]
    tampered = client.get(
        f"/v1/customers/{ada}/store-credit", params={"cursor": "nope"}, headers=admin
    )
    assert (tampered.status_code, tampered.json()["errors"][0]["field"]) == (422, "cursor")


def test_an_adjustment_is_made_once_per_idempotency_key_and_needs_one(
    client: TestClient, admin: Headers, ada: UUID
) -> None:
    first = adjust(client, admin, ada, "k1")
    again = adjust(client, admin, ada, "k1")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert adjust(client, admin, ada, None).status_code == 400
    shown = client.get(f"/v1/customers/{ada}/store-credit", headers=admin).json()
    assert shown["balances"] == [{"amount": "10.00", "currency": "EUR"}]


def test_bad_adjustments_are_422_naming_the_field(
    client: TestClient, admin: Headers, ada: UUID
) -> None:
    cases = [
        ({"kind": "spend"}, "kind"),
        ({"amount": {"amount": "10.001", "currency": "EUR"}}, "amount.amount"),
        ({"amount": {"amount": "0", "currency": "EUR"}}, "amount.amount"),
        ({"amount": {"amount": "1", "currency": "EUX"}}, "amount.currency"),
        ({"reason": ""}, "reason"),
    ]
    for index, (body, field) in enumerate(cases):
        refused = adjust(client, admin, ada, f"bad{index}", **body)
        assert refused.status_code == 422, body
        assert refused.json()["errors"][0]["field"] == field, body


def test_who_may_see_and_change_store_credit(
    client: TestClient, key_for: KeyMaker, uow: UnitOfWork, ada: UUID
) -> None:
    builders.channel(uow, "web")
    csr = key_for("csr")
    assert client.get(f"/v1/customers/{ada}/store-credit", headers=csr).status_code == 200
    assert adjust(client, csr, ada, "k1").status_code == 403
    channel_key = key_for("channel", channel="web")
    assert client.get(f"/v1/customers/{ada}/store-credit", headers=channel_key).status_code == 403
    assert (
        client.get(f"/v1/customers/{ada}/store-credit", headers=key_for("warehouse")).status_code
        == 403
    )
    assert client.get(f"/v1/customers/{ada}/store-credit").status_code == 401


def test_an_unknown_customer_is_404(client: TestClient, admin: Headers) -> None:
    nobody = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/v1/customers/{nobody}/store-credit", headers=admin).status_code == 404
    assert adjust(client, admin, UUID(nobody), "k1").status_code == 404
