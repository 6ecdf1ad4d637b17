"""kill -9 between the two steps: the sweeper settles what the dead process left pending, and
the money moves once.

A child process captures a payment through an acquirer that receives the capture (keyed by
our transaction id, its idempotency key) and then never answers: the child is SIGKILLed while
it waits, after its pending capture was committed and before it could record the answer. The
sweeper then asks the acquirer about the transaction with the same key; the acquirer, which
processes a key once, says the capture was made; the ledger records it once.

The acquirer is a file of its own (SQLite), so that what it received survives the child.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from oms import orders, payments
from oms.app.cli import app as oms_cli
from oms.payments.domain import Payment, PaymentTransaction, ProviderOutcome, TransactionStatus
from oms.payments.services import start_tender
from oms.platform.unit_of_work import UnitOfWork
from tests.payments_core import eur, ledger_sum, open_shop, place, providers

ROOT = Path(__file__).resolve().parents[2]
P = payments.ProviderName


class Acquirer:
    """A card acquirer reached over the network, as the crash needs it: each request is keyed
    by its idempotency key and processed at most once (a repeated key gets the first result),
    and every request received is logged. With ``hang`` it never answers a capture."""

    name = P.POS

    def __init__(self, path: Path, *, hang: bool = False) -> None:
        self.path = path
        self.hang = hang
        with self._db() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS moves (key TEXT PRIMARY KEY, kind TEXT, minor INT)"
            )
            db.execute("CREATE TABLE IF NOT EXISTS received (key TEXT, call TEXT)")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, isolation_level=None, timeout=30)

    def _process(self, call: str, t: PaymentTransaction) -> ProviderOutcome:
        with self._db() as db:
            db.execute("INSERT INTO received VALUES (?, ?)", (str(t.id), call))
            db.execute(
                "INSERT OR IGNORE INTO moves VALUES (?, ?, ?)",
                (str(t.id), t.kind.value, t.amount.minor),
            )
        return ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference=f"acq-{t.id}")

    def authorize(self, request: Any) -> ProviderOutcome:
        return self._process("authorize", request.transaction)

    def capture(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        answer = self._process("capture", transaction)
        while self.hang:  # the answer never comes back
            time.sleep(1)
        return answer

    def void(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return self._process("void", transaction)

    def refund(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        return self._process("refund", transaction)

    def retrieve(self, payment: Payment, transaction: PaymentTransaction) -> ProviderOutcome:
        """Asked again with the same key: processed once, so this returns the first result."""
        return self._process("retrieve", transaction)

    def received(self) -> list[tuple[str, str]]:
        with self._db() as db:
            return list(db.execute("SELECT key, call FROM received ORDER BY rowid"))

    def moves(self, key: UUID) -> list[tuple[str, int]]:
        with self._db() as db:
            return list(db.execute("SELECT kind, minor FROM moves WHERE key = ?", (str(key),)))


CHILD = """
import sys
from pathlib import Path
from uuid import UUID
from oms import payments
from oms.platform.database import create_database_engine
from oms.platform.settings import Settings
from oms.payments.services import start_tender
from oms.platform.unit_of_work import UnitOfWork
from tests.integration.test_payments_crash import Acquirer

url, acquirer, payment_id = sys.argv[1:4]
uow = UnitOfWork(create_database_engine(url))
kit = dict(payments.build_providers(Settings(), uow))
kit[payments.ProviderName.POS] = Acquirer(Path(acquirer), hang=True)
payments.capture_payment(UUID(payment_id), None, actor="child", uow=uow, providers=kit)
"""


def capture_in_a_child(engine: Engine, acquirer: Path, payment_id: UUID) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    url = engine.url.render_as_string(hide_password=False)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(acquirer), str(payment_id)],
        cwd=ROOT,
        env=env,
        text=True,
    )


def wait_for(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the child never reached the acquirer"
        time.sleep(0.05)


def test_a_capture_killed_between_its_two_steps_is_settled_once_by_the_sweeper(
    engine: Engine, uow: UnitOfWork, tmp_path: Path
) -> None:
    open_shop(uow)
    order = place(uow)
    acquirer = Acquirer(tmp_path / "acquirer.db")
    kit = {**providers(uow), P.POS: acquirer}
    tender = payments.AddTender(order_id=order.id, provider=P.POS, capture=False, actor="till")
    payment = payments.add_tender(tender, uow=uow, providers=kit)

    child = capture_in_a_child(engine, acquirer.path, payment.id)
    try:
        wait_for(lambda: any(call == "capture" for _, call in acquirer.received()))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL

    left = payments.get_payment(payment.id, uow=uow)
    (capture,) = [t for t in left.transactions if t.kind is payments.TransactionKind.CAPTURE]
    assert capture.status is TransactionStatus.PENDING
    assert orders.get_order(order.id, uow=uow).payment_status is orders.PaymentStatus.AUTHORIZED

    swept = payments.settle_pending(uow=uow, providers=kit, older_than=timedelta(seconds=-1))
    assert swept == 1
    assert acquirer.received()[-2:] == [(str(capture.id), "capture"), (str(capture.id), "retrieve")]
    assert acquirer.moves(capture.id) == [("capture", 10000)]
    settled = payments.get_payment(payment.id, uow=uow)
    assert settled.captured == eur("100.00")
    assert ledger_sum(engine, order.id, "capture") == 10000
    assert orders.get_order(order.id, uow=uow).payment_status is orders.PaymentStatus.PAID
    assert payments.settle_pending(uow=uow, providers=kit, older_than=timedelta(seconds=-1)) == 0


def test_oms_payments_sweep_settles_what_was_left_pending_once(
    engine: Engine, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_shop(uow)
    order = place(uow)
    tender = payments.AddTender(order_id=order.id, provider=P.MARKETPLACE, actor="import")
    started = start_tender(tender, uow=uow)  # and the process died before asking
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))

    first = CliRunner().invoke(oms_cli, ["payments", "sweep", "--older-than", "0"])
    again = CliRunner().invoke(oms_cli, ["payments", "sweep", "--older-than", "0"])

    assert first.exit_code == 0, first.output
    assert "settled 1 pending payment transaction(s)" in first.output
    assert "settled 0 pending payment transaction(s)" in again.output
    payment = payments.get_payment(started.payment_id, uow=uow)
    assert payment.captured == eur("100.00")
    assert orders.get_order(order.id, uow=uow).payment_status is orders.PaymentStatus.PAID
