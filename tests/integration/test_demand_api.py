"""Forecast runs over HTTP (202, a job run by the worker, polled), a SKU's forecast, reorder
settings; SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms.demand.services.jobs import FORECAST_RUN, forecast_run_handler
from oms.platform import jobs
from oms.shared.clock import SystemClock


def test_a_requested_run_is_a_job_the_worker_runs_and_the_client_polls(
    client: TestClient, engine: Engine, admin: dict[str, str]
) -> None:
    asked = client.post("/v1/forecasts/runs", headers=admin)
    assert asked.status_code == 202
    job_id = asked.json()["id"]
    assert asked.json()["status"] == "queued"
    clock = SystemClock()
    ran = jobs.Runner(engine, {FORECAST_RUN: forecast_run_handler(engine, clock)}, clock)()
    assert ran == 1
    polled = client.get(f"/v1/forecasts/runs/{job_id}", headers=admin).json()
    assert polled["status"] == "succeeded"
    assert polled["result"]["series"] >= 0
    assert "run_id" in polled["result"]


def test_a_run_needs_the_predictions_permission(client: TestClient, key_for) -> None:  # type: ignore[no-untyped-def]
    refused = client.post("/v1/forecasts/runs", headers=key_for("csr"))
    assert refused.status_code == 403


def test_an_unknown_sku_has_no_forecast(client: TestClient, admin: dict[str, str]) -> None:
    answer = client.get("/v1/inventory/NO-SUCH-SKU/forecast", headers=admin)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "unknown-sku"


def test_reorder_settings_are_kept_and_bad_ones_refused(
    client: TestClient, admin: dict[str, str]
) -> None:
    put = client.put(
        "/v1/forecasts/reorder-settings/default/*",
        json={"lead_time_days": 21, "service_level_pct": "97.5"},
        headers=admin,
    )
    assert put.status_code == 204
    rows = client.get("/v1/forecasts/reorder-settings", headers=admin).json()
    assert [(r["scope"], r["key"], r["lead_time_days"], r["service_level_pct"]) for r in rows] == [
        ("default", "*", 21, "97.500")
    ]
    for refused in ("100", 97.5):
        bad = client.put(
            "/v1/forecasts/reorder-settings/sku/ABC",
            json={"service_level_pct": refused},
            headers=admin,
        )
        assert bad.status_code == 422, refused
    wrong_key = client.put("/v1/forecasts/reorder-settings/default/ABC", json={}, headers=admin)
    assert wrong_key.status_code == 422


def test_the_schedule_queues_one_run_when_none_is_recent(engine: Engine) -> None:
    from datetime import timedelta

    from oms.demand.services.jobs import schedule_due

    clock = SystemClock()
    assert schedule_due(engine, clock, timedelta(days=7)) is True
    assert schedule_due(engine, clock, timedelta(days=7)) is False, "one is queued already"
    jobs.Runner(engine, {FORECAST_RUN: forecast_run_handler(engine, clock)}, clock)()
    assert schedule_due(engine, clock, timedelta(days=7)) is False, "the latest is recent"
