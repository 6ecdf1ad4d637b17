"""Customer value without a fit, on SQLite and PostgreSQL: who may ask for runs and read
scores, the 404s (unknown run, unknown customer, customer not scored yet), a run over a
database without completed orders (it replaces whatever was stored with nothing), the
atomic replacement of stored scores, and the worker's schedule."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from oms import customers
from oms.app import tasks
from oms.customer_value.cli import clv_app
from oms.customer_value.domain.scores import CustomerScore
from oms.customer_value.repository.scores import FittedCurrency, replace_scores
from oms.customer_value.services import SCORE_RUN, schedule_due
from oms.customer_value.tables import customer_value_runs, customer_values
from oms.platform import jobs
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import SystemClock
from tests.conftest import KeyMaker

HOLDOUT = {
    "customers": 3,
    "model": {"purchases_mae": 0.5},
    "baseline": {"purchases_mae": 0.6},
    "checked_at": "2026-12-01T00:00:00+00:00",
}


def _customer(engine: Engine, n: int) -> customers.Customer:
    return customers.create_customer(
        customers.CreateCustomer(email=f"buyer{n}@example.com", name=f"Buyer {n}"),
        uow=UnitOfWork(engine),
    )


def _store(engine: Engine, scores: list[CustomerScore]) -> uuid.UUID:
    run_id = uuid.uuid4()
    with engine.begin() as conn:
        replace_scores(
            conn,
            run_id=run_id,
            fitted=[FittedCurrency(currency="EUR", parameters={}, holdout=HOLDOUT, scores=scores)],
            model="bg-nbd+gamma-gamma",
            model_version="test",
            horizon_months=12,
            monthly_discount=0.01,
            now=SystemClock().now(),
        )
    return run_id


def _score(customer: customers.Customer, clv_minor: int, alive: float) -> CustomerScore:
    return CustomerScore(
        customer=str(customer.id),
        currency="EUR",
        purchases=2,
        expected_purchases_90d=0.5,
        probability_alive=alive,
        expected_order_value_minor=2_500,
        clv_minor=clv_minor,
    )


def test_runs_need_the_predictions_permission(client: TestClient, key_for: KeyMaker) -> None:
    for role in ("csr", "marketing", "warehouse", "finance"):
        assert client.post("/v1/customer-value/runs", headers=key_for(role)).status_code == 403
    unknown = client.get(f"/v1/customer-value/runs/{uuid.uuid4()}", headers=key_for("admin"))
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "customer-value-run-not-found"
    not_an_id = client.get("/v1/customer-value/runs/abc", headers=key_for("admin"))
    assert not_an_id.status_code == 422


def test_a_run_without_completed_orders_replaces_the_stored_scores_with_none(
    client: TestClient, engine: Engine, admin: dict[str, str]
) -> None:
    _store(engine, [_score(_customer(engine, 1), 10_000, 0.9)])
    asked = client.post("/v1/customer-value/runs", headers=admin)
    assert asked.status_code == 202
    clock = SystemClock()
    assert jobs.Runner(engine, tasks.job_handlers(engine, clock), clock)() == 1
    polled = client.get(f"/v1/customer-value/runs/{asked.json()['id']}", headers=admin).json()
    assert polled["status"] == "succeeded", polled["error"]
    assert polled["result"]["scored"] == 0
    assert polled["result"]["purchases"] == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(customer_values)).scalar() == 0


def test_a_new_run_replaces_every_score_of_the_previous_one(engine: Engine) -> None:
    first, second = _customer(engine, 1), _customer(engine, 2)
    _store(engine, [_score(first, 10_000, 0.9), _score(second, 5_000, 0.4)])
    latest = _store(engine, [_score(second, 7_000, 0.3)])
    with engine.connect() as conn:
        rows = conn.execute(select(customer_values)).all()
        runs = conn.execute(select(func.count()).select_from(customer_value_runs)).scalar()
    assert [(r.customer_id, r.clv_minor, r.run_id) for r in rows] == [(second.id, 7_000, latest)]
    assert runs == 2, "each run's fit stays on record"


def test_a_customer_without_a_score_or_unknown_is_404(
    client: TestClient, engine: Engine, key_for: KeyMaker
) -> None:
    customer = _customer(engine, 1)
    csr = key_for("csr")
    unscored = client.get(f"/v1/customers/{customer.id}/value", headers=csr)
    assert unscored.status_code == 404
    assert unscored.headers["content-type"].startswith("application/problem+json")
    assert unscored.json()["code"] == "no-customer-value"
    unknown = client.get(f"/v1/customers/{uuid.uuid4()}/value", headers=csr)
    assert unknown.json()["code"] == "customer-not-found"
    warehouse = key_for("warehouse")
    assert client.get(f"/v1/customers/{customer.id}/value", headers=warehouse).status_code == 403
    assert client.get("/v1/customer-value/customers", headers=warehouse).status_code == 403


def test_the_list_reads_thresholds_in_each_currency(
    client: TestClient, engine: Engine, admin: dict[str, str]
) -> None:
    a, b, c = (_customer(engine, n) for n in (1, 2, 3))
    _store(engine, [_score(a, 25_000, 0.95), _score(b, 24_999, 0.2), _score(c, 100, 0.5)])
    listed = client.get("/v1/customer-value/customers?clv_min=249.99", headers=admin).json()
    assert [i["customer_number"] for i in listed["items"]] == [a.number, b.number]
    assert listed["items"][0]["clv"] == {"amount": "250.00", "currency": "EUR"}
    above = client.get("/v1/customer-value/customers?clv_min=249.995", headers=admin).json()
    assert [i["customer_number"] for i in above["items"]] == [a.number]
    risky = client.get(
        "/v1/customer-value/customers?churn_min=0.5&order=churn&limit=1", headers=admin
    ).json()
    assert [i["customer_number"] for i in risky["items"]] == [b.number]
    rest = client.get(
        f"/v1/customer-value/customers?churn_min=0.5&order=churn&limit=1&cursor={risky['next_cursor']}",
        headers=admin,
    ).json()
    assert [i["customer_number"] for i in rest["items"]] == [c.number]
    assert rest["next_cursor"] is None
    other = client.get("/v1/customer-value/customers?currency=GBP", headers=admin).json()
    assert other["items"] == []


def test_the_schedule_queues_one_run_when_none_is_recent(engine: Engine) -> None:
    clock = SystemClock()
    day = timedelta(days=1)
    assert schedule_due(engine, clock, day, monthly_discount=0.02) is True
    assert schedule_due(engine, clock, day, monthly_discount=0.02) is False, "one is queued"
    with engine.connect() as conn:
        (queued,) = jobs.recent(conn, kind=SCORE_RUN)
    assert queued.params["monthly_discount"] == 0.02
    jobs.Runner(engine, tasks.job_handlers(engine, clock), clock)()
    assert schedule_due(engine, clock, day, monthly_discount=0.02) is False, "the latest is recent"


def test_the_command_queues_a_run_or_runs_it_here_with_wait(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("OMS_CUSTOMER_VALUE_MONTHLY_DISCOUNT", "0.015")
    queued = CliRunner().invoke(clv_app, ["run"])
    assert queued.exit_code == 0, queued.output
    assert "queued" in queued.output
    with engine.connect() as conn:
        (job,) = jobs.recent(conn, kind=SCORE_RUN)
    assert job.status == jobs.JobStatus.QUEUED
    assert job.params["monthly_discount"] == 0.015
    ran = CliRunner().invoke(clv_app, ["run", "--wait"])
    assert ran.exit_code == 0, ran.output
    assert "0 customers scored" in ran.output
    with engine.connect() as conn:
        statuses = [j.status for j in jobs.recent(conn, kind=SCORE_RUN)]
    assert statuses == [jobs.JobStatus.SUCCEEDED] * 2, "--wait runs the queued one before its own"
