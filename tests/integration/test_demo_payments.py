"""The demo merchant's payments, on SQLite and PostgreSQL: every open order has its tender, and
its Stripe payout file reconciles with exactly the one planted mismatch, through the command
and through the API."""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from oms import orders
from oms.app.cli import app as oms_cli
from oms.app.demo import payments as demo_payments
from oms.payments.tables.ledger import payments
from oms.platform.unit_of_work import UnitOfWork
from tests import demo_snapshot
from tests.conftest import KeyMaker


@pytest.fixture
def settlement(uow: UnitOfWork, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo loaded (once per backend, then put back), and the path of the payout file
    it wrote."""
    summary = demo_snapshot.merchant(engine, uow, tmp_path_factory)
    assert summary.settlement_file is not None
    assert summary.settlement_file.name == demo_payments.SETTLEMENT_FILE
    assert summary.settlement_file.is_file()
    return summary.settlement_file


def test_every_open_demo_order_has_a_tender_of_its_channel(
    settlement: Path, engine: Engine, uow: UnitOfWork
) -> None:
    with engine.connect() as c:
        tenders = c.execute(select(payments.c.order_id, payments.c.provider, payments.c.status))
        by_order = {row.order_id: (row.provider, row.status) for row in tenders}
    kinds = Counter(provider for provider, _ in by_order.values())
    assert kinds["stripe"] >= 10
    assert kinds["manual"] >= 1
    assert kinds["marketplace"] >= 1
    assert kinds["pos"] >= 1
    statuses = Counter()
    for order_id, (provider, status) in by_order.items():
        order = orders.get_order(order_id, uow=uow)
        statuses[provider, order.payment_status.value] += 1
        if provider == "manual":
            assert (status, order.payment_status.value) == ("authorizing", "unpaid")
            assert order.balance_due == order.totals.total
        elif provider in ("marketplace", "pos"):
            assert order.payment_status.value == "paid"
    assert statuses["stripe", "partially_refunded"] >= 1
    assert statuses["stripe", "paid"] >= 1


def test_the_demo_payout_file_reconciles_with_exactly_the_planted_mismatch(
    settlement: Path,
    engine: Engine,
    client: TestClient,
    key_for: KeyMaker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exceptions = tmp_path / "exceptions.csv"
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))

    result = CliRunner().invoke(
        oms_cli,
        [
            "payments",
            "reconcile",
            str(settlement),
            "--provider",
            "stripe",
            "--exceptions",
            str(exceptions),
        ],
    )

    assert result.exit_code == 0, result.output
    with exceptions.open() as handle:
        (planted,) = list(csv.DictReader(handle))
    assert planted["kind"] == "amount_mismatch"
    assert Decimal(planted["file_amount"]) - Decimal(planted["oms_amount"]) == Decimal("1.00")
    assert planted["reference"] == f"ch_demo{demo_payments.PLANTED_CARD:04d}"

    uploaded = client.post(
        "/v1/reconciliations",
        headers=key_for("finance"),
        files={"file": (settlement.name, settlement.read_bytes(), "text/csv")},
        data={"provider": "stripe"},
    )

    assert uploaded.status_code == 201, uploaded.text
    run = uploaded.json()
    assert run["exception_counts"] == {
        "missing_in_oms": 0,
        "not_settled": 0,
        "amount_mismatch": 1,
        "currency_mismatch": 0,
    }
    assert run["matched"] == run["lines"] - 1 - len(run["payouts"])  # less the fee lines
    (mismatch,) = run["exceptions"]["items"]
    assert mismatch["reference"] == planted["reference"]
    differences = [p["difference"]["amount"] for p in run["payouts"]]
    assert sorted(differences) == ["0.00"] * (len(differences) - 1) + ["1.00"]
