"""Reconciling settlement files against the real ledger, on SQLite and PostgreSQL: the run is
kept with its exceptions, what a file settles stays settled, and the command line prints the
summary and writes the exceptions as CSV."""

from __future__ import annotations

import csv
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from oms import inventory, orders
from oms.app.cli import app as oms_cli
from oms.payments.domain import ProviderName, TransactionKind
from oms.payments.settlements.domain import (
    ExceptionKind,
    MissingColumns,
    StatementFormat,
)
from oms.payments.settlements.services import (
    Reconciled,
    ReconcileFile,
    get_reconciliation,
    list_exceptions,
    reconcile_file,
)
from oms.payments.settlements.services.history import (
    ImportedMovement,
    ImportPayment,
    import_payment,
)
from oms.payments.settlements.tables import reconciliation_runs, settled_transactions
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import SystemClock
from oms.shared.money import Money
from tests import builders

STRIPE_HEADER = (
    "automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created_utc,"
    "available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,"
    "customer_facing_amount,customer_facing_currency,payment_intent_id,charge_id"
)


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def place(uow: UnitOfWork, quantity: int = 1) -> orders.Order:
    placed = orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=builders.ADDRESSES["DE"],
            lines=(orders.NewLine(sku="TS-RED-M", quantity=quantity),),
            actor="test",
        ),
        uow=uow,
    )
    return placed.order


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    builders.location(uow, "wh-de", "DE")
    builders.channel(uow, "web", locations=("wh-de",))
    builders.pricing(uow)
    builders.product(uow, "TS-RED-M", prices={"web": "20.00"})
    inventory.receive_stock(
        inventory.ReceiveStock(sku="TS-RED-M", location="wh-de", quantity=50, actor="setup"),
        uow=uow,
    )


def card_payment(
    uow: UnitOfWork,
    order: orders.Order,
    number: int,
    *,
    days_ago: int = 2,
    refund: str | None = None,
) -> None:
    """A Stripe card payment of the order's total, captured, perhaps partly refunded."""
    at = SystemClock().now() - timedelta(days=days_ago)
    total = order.totals.total
    movements = [
        ImportedMovement(
            kind=TransactionKind.CAPTURE, amount=total, reference=f"ch_{number}", at=at
        )
    ]
    if refund is not None:
        movements.append(
            ImportedMovement(
                kind=TransactionKind.REFUND,
                amount=eur(refund),
                reference=f"re_{number}",
                at=at + timedelta(hours=1),
            )
        )
    import_payment(
        ImportPayment(
            order_id=order.id,
            provider=ProviderName.STRIPE,
            method="card",
            amount=total,
            reference=f"pi_{number}",
            authorized_at=at,
            movements=tuple(movements),
            actor="test import",
        ),
        uow=uow,
    )


def charge(number: int, gross: Money, fee: str = "0.50") -> str:
    net = gross - eur(fee)
    return (
        f"po_1,2026-12-05 00:00:00,txn_c{number},2026-12-01 10:00:00,2026-12-04 00:00:00,eur,"
        f"{gross.amount},{fee},{net.amount},charge,ch_{number},,{gross.amount},eur,"
        f"pi_{number},ch_{number}"
    )


def refund(number: int, amount: str) -> str:
    return (
        f"po_1,2026-12-05 00:00:00,txn_r{number},2026-12-01 11:00:00,2026-12-04 00:00:00,eur,"
        f"-{amount},0.00,-{amount},refund,re_{number},,{amount},eur,pi_{number},ch_{number}"
    )


def reconcile_text(
    uow: UnitOfWork, text: str, fmt: StatementFormat = StatementFormat.STRIPE
) -> Reconciled:
    return reconcile_file(
        ReconcileFile(format=fmt, content=text.encode(), file_name="payout.csv", actor="test"),
        uow=uow,
    )


@pytest.mark.usefixtures("shop")
def test_a_payout_that_agrees_except_one_amount_finds_exactly_that_mismatch(
    uow: UnitOfWork,
) -> None:
    first, second, third = place(uow), place(uow, 2), place(uow, 3)
    card_payment(uow, first, 1)
    card_payment(uow, second, 2, refund="10.00")
    card_payment(uow, third, 3)
    off_by_one = third.totals.total + eur("1.00")
    text = "\n".join(
        [
            STRIPE_HEADER,
            charge(1, first.totals.total),
            charge(2, second.totals.total),
            refund(2, "10.00"),
            charge(3, off_by_one),
        ]
    )

    done = reconcile_text(uow, text)

    run = get_reconciliation(done.run.id, uow=uow)
    assert (run.lines, run.matched, run.exceptions) == (4, 3, 1)
    assert run.amount_mismatch == 1
    ((position, mismatch),) = list_exceptions(run.id, uow=uow, after=None, limit=10)
    assert (position, mismatch.kind, mismatch.line) == (1, ExceptionKind.AMOUNT_MISMATCH, 5)
    assert (mismatch.in_file, mismatch.in_oms) == (off_by_one, third.totals.total)
    assert mismatch.order_id == third.id
    (payout,) = run.payouts
    assert payout.fees == eur("1.50")
    assert payout.difference == eur("1.00")
    assert run.fees() == (eur("1.50"),)


@pytest.mark.usefixtures("shop")
def test_unknown_lines_and_old_unsettled_captures_are_reported_until_a_file_settles_them(
    uow: UnitOfWork, engine: Engine
) -> None:
    old = place(uow)
    card_payment(uow, old, 1, days_ago=10)
    unknown = "\n".join([STRIPE_HEADER, charge(99, eur("12.00"))])

    first = reconcile_text(uow, unknown)

    assert [e.kind for e in first.exceptions] == [
        ExceptionKind.MISSING_IN_OMS,
        ExceptionKind.NOT_SETTLED,
    ]
    assert first.exceptions[1].order_id == old.id
    settling = "\n".join([STRIPE_HEADER, charge(1, old.totals.total)])
    assert reconcile_text(uow, settling).exceptions == ()
    assert reconcile_text(uow, unknown).run.not_settled == 0
    with engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(reconciliation_runs)) == 3
        assert c.scalar(select(func.count()).select_from(settled_transactions)) == 1


@pytest.mark.usefixtures("shop")
def test_a_generic_file_reconciles_a_bank_transfer_provider(uow: UnitOfWork) -> None:
    order = place(uow)
    at = SystemClock().now() - timedelta(days=1)
    import_payment(
        ImportPayment(
            order_id=order.id,
            provider=ProviderName.MANUAL,
            method="bank_transfer",
            amount=order.totals.total,
            reference="SO-BANK-1",
            authorized_at=at,
            movements=(
                ImportedMovement(
                    kind=TransactionKind.CAPTURE,
                    amount=order.totals.total,
                    reference="BANK-REF-1",
                    at=at,
                ),
            ),
            actor="test import",
        ),
        uow=uow,
    )
    text = (
        "provider,reference,type,amount,currency,fee,settled_at,payout_id\n"
        f"manual,BANK-REF-1,capture,{order.totals.total.amount},EUR,,2026-12-02,stmt-12\n"
        "manual,monthly,fee,2.00,EUR,,2026-12-02,stmt-12\n"
    )

    done = reconcile_text(uow, text, StatementFormat.GENERIC)

    assert (done.run.provider, done.run.matched, done.exceptions) == ("manual", 1, ())
    assert done.run.fees() == (eur("2.00"),)


@pytest.mark.usefixtures("shop")
def test_a_file_without_the_required_columns_records_no_run(
    uow: UnitOfWork, engine: Engine
) -> None:
    with pytest.raises(MissingColumns, match="fee, net"):
        reconcile_text(
            uow,
            "automatic_payout_id,balance_transaction_id,currency,gross,"
            "reporting_category,source_id\npo_1,txn_1,eur,1.00,charge,ch_1\n",
        )

    with engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(reconciliation_runs)) == 0


@pytest.mark.usefixtures("shop")
def test_the_command_prints_the_summary_and_writes_the_exceptions_as_csv(
    uow: UnitOfWork, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = place(uow)
    card_payment(uow, order, 1)
    report = tmp_path / "payout.csv"
    report.write_text("\n".join([STRIPE_HEADER, charge(1, order.totals.total + eur("1.00"))]))
    out = tmp_path / "exceptions.csv"
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))

    result = CliRunner().invoke(
        oms_cli,
        ["payments", "reconcile", str(report), "--provider", "stripe", "--exceptions", str(out)],
    )

    assert result.exit_code == 0, result.output
    assert "amount mismatch" in result.output
    assert "1 exception written to" in result.output
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["kind"], r["line"], r["reference"]) for r in rows] == [
        ("amount_mismatch", "2", "ch_1")
    ]
    assert (rows[0]["file_amount"], rows[0]["oms_amount"]) == (
        str((order.totals.total + eur("1.00")).amount),
        str(order.totals.total.amount),
    )
    assert UUID(rows[0]["order_id"]) == order.id


def test_the_command_refuses_a_file_it_cannot_read_naming_the_missing_columns(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "payout.csv"
    report.write_text("balance_transaction_id,currency\ntxn_1,eur\n")
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))

    result = CliRunner().invoke(
        oms_cli, ["payments", "reconcile", str(report), "--provider", "stripe"]
    )

    assert result.exit_code == 2
    assert "lacks the required columns automatic_payout_id, gross, fee, net" in result.output


@pytest.mark.usefixtures("shop")
def test_two_runs_of_one_file_at_once_both_record_and_settle_each_capture_once(
    engine: Engine, uow: UnitOfWork
) -> None:
    placed = [place(uow) for _ in range(3)]
    for number, order in enumerate(placed, 1):
        card_payment(uow, order, number, days_ago=10)
    text = "\n".join([STRIPE_HEADER, *(charge(n, o.totals.total) for n, o in enumerate(placed, 1))])
    start = threading.Barrier(2)

    def run() -> Reconciled:
        start.wait()
        return reconcile_text(UnitOfWork(engine), text)

    with ThreadPoolExecutor(2) as pool:
        runs = [f.result() for f in [pool.submit(run), pool.submit(run)]]

    assert [(r.run.matched, r.exceptions) for r in runs] == [(3, ()), (3, ())]
    with engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(reconciliation_runs)) == 2
        assert c.scalar(select(func.count()).select_from(settled_transactions)) == 3
    assert reconcile_text(uow, STRIPE_HEADER).run.not_settled == 0
