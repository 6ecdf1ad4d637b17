"""The reconciliation API, on SQLite and PostgreSQL: finance uploads a settlement file and reads
the run back with its exceptions page by page; every refusal is problem+json naming its cause."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests.conftest import KeyMaker
from tests.integration.test_settlements_reconciliation import (
    STRIPE_HEADER,
    card_payment,
    charge,
    place,
    shop,  # noqa: F401 (the fixture)
)

pytestmark = pytest.mark.usefixtures("shop")


def upload(client: TestClient, headers: dict[str, str], text: str, provider: str = "stripe") -> Any:
    return client.post(
        "/v1/reconciliations",
        headers=headers,
        files={"file": ("payout.csv", text.encode(), "text/csv")},
        data={"provider": provider},
    )


def test_finance_uploads_a_stripe_report_and_reads_the_run_back(
    client: TestClient, key_for: KeyMaker, uow: UnitOfWork
) -> None:
    finance = key_for("finance")
    order = place(uow)
    card_payment(uow, order, 1)
    overstated = order.totals.total + Money.of("1.00", "EUR")
    text = "\n".join([STRIPE_HEADER, charge(1, overstated), charge(2, Money.of("5.00", "EUR"))])

    created = upload(client, finance, text)

    assert created.status_code == 201, created.text
    run = created.json()
    assert (run["provider"], run["file_name"], run["lines"], run["matched"]) == (
        "stripe",
        "payout.csv",
        2,
        0,
    )
    assert run["exception_counts"] == {
        "missing_in_oms": 1,
        "not_settled": 0,
        "amount_mismatch": 1,
        "currency_mismatch": 0,
    }
    assert run["fees"] == [{"amount": "1.00", "currency": "EUR"}]
    assert [e["kind"] for e in run["exceptions"]["items"]] == ["amount_mismatch", "missing_in_oms"]
    mismatch = run["exceptions"]["items"][0]
    assert mismatch["in_file"] == {"amount": str(overstated.amount), "currency": "EUR"}
    assert mismatch["order_id"] == str(order.id)

    again = client.get(f"/v1/reconciliations/{run['id']}", headers=finance)
    assert again.status_code == 200
    assert again.json()["exceptions"] == run["exceptions"]
    assert again.json()["payouts"][0]["difference"] == {"amount": "5.50", "currency": "EUR"}
    exceptions = f"/v1/reconciliations/{run['id']}/exceptions"
    first = client.get(exceptions, params={"limit": 1}, headers=finance)
    assert [e["line"] for e in first.json()["items"]] == [2]
    cursor = first.json()["next_cursor"]
    second = client.get(exceptions, params={"limit": 1, "cursor": cursor}, headers=finance)
    assert [e["line"] for e in second.json()["items"]] == [3]
    assert second.json()["next_cursor"] is None


def test_a_file_missing_required_columns_is_refused_naming_them(
    client: TestClient, admin: dict[str, str]
) -> None:
    refused = upload(client, admin, "balance_transaction_id,currency,gross\ntxn_1,eur,1.00\n")

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "settlement-columns-missing"
    assert problem["missing"] == [
        "automatic_payout_id",
        "fee",
        "net",
        "reporting_category",
        "source_id",
    ]
    assert problem["errors"][0]["field"] == "file"


def test_unreadable_values_are_refused_one_problem_per_cell(
    client: TestClient, admin: dict[str, str]
) -> None:
    text = (
        "provider,reference,type,amount,currency\nmanual,B-1,capture,ten,EUR\nmanual,B-2,x,1,EUR\n"
    )

    refused = upload(client, admin, text, provider="generic")

    assert refused.status_code == 422
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields[1:] == ["line 2, amount", "line 3, type"]


def test_an_unknown_format_is_refused_naming_the_field(
    client: TestClient, admin: dict[str, str]
) -> None:
    refused = upload(client, admin, STRIPE_HEADER, provider="paypal")

    assert refused.status_code == 422
    assert any("provider" in e["field"] for e in refused.json()["errors"])


def test_only_finance_and_admin_reconcile_and_an_unknown_run_is_404(
    client: TestClient, key_for: KeyMaker, admin: dict[str, str]
) -> None:
    unknown = "/v1/reconciliations/0d2a7c4e-1b7e-4a36-9a0e-3c1f4f0e7e11"
    assert upload(client, key_for("csr"), STRIPE_HEADER).status_code == 403
    assert client.get(unknown, headers=key_for("warehouse")).status_code == 403

    for path in (unknown, f"{unknown}/exceptions"):
        missing = client.get(path, headers=admin)
        assert missing.status_code == 404
        assert missing.json()["code"] == "reconciliation-not-found"
