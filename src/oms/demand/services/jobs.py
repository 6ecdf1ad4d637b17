"""Forecast runs as background jobs (``oms.platform.jobs``): the kind, its handler, and the
schedule that queues one when the latest run is older than the configured interval."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from oms.demand import repository
from oms.demand.domain.errors import RunNotFound
from oms.platform import jobs
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock

FORECAST_RUN = "demand.forecast_run"


def forecast_run_handler(engine: Engine, clock: Clock) -> jobs.Handler:
    """The handler that recomputes every forecast, reporting each origin it fits."""

    def handle(job: jobs.Job, progress: jobs.Progress) -> Mapping[str, Any]:
        from oms.demand.services.runs import run_forecasts  # statsforecast: only when run

        progress(0, None, "reading orders")
        summary = run_forecasts(
            UnitOfWork(engine, clock),
            job_id=job.id,
            progress=progress,
        )
        return {
            "run_id": str(summary.run_id),
            "series": summary.series,
            "first_week": summary.first_week.isoformat() if summary.first_week else None,
            "last_week": summary.last_week.isoformat() if summary.last_week else None,
            "models": dict(summary.models),
        }

    return handle


def request_run(uow: UnitOfWork, *, created_by: str) -> jobs.Job:
    """Queue a forecast run (in the caller's transaction when there is one) and return its job."""
    with uow.begin() as tx:
        job_id = jobs.enqueue(
            tx.connection, kind=FORECAST_RUN, params={}, created_by=created_by, now=tx.now
        )
        job = jobs.get(tx.connection, job_id)
    assert job is not None
    return job


def run_job(uow: UnitOfWork, job_id: UUID) -> jobs.Job:
    """A forecast run's job, for polling."""
    with uow.read() as tx:
        job = jobs.get(tx.connection, job_id, kind=FORECAST_RUN)
    if job is None:
        raise RunNotFound(job_id)
    return job


def schedule_due(engine: Engine, clock: Clock, every: timedelta) -> bool:
    """Queue a run if none is queued or running and the latest finished ``every`` ago or more."""
    now = clock.now()
    with engine.begin() as conn:
        pending = conn.execute(
            select(jobs.jobs.c.id).where(
                jobs.jobs.c.kind == FORECAST_RUN,
                jobs.jobs.c.status.in_([jobs.JobStatus.QUEUED, jobs.JobStatus.RUNNING]),
            )
        ).first()
        if pending is not None:
            return False
        latest = repository.latest_run(conn)
        if latest is not None and latest.finished_at > now - every:
            return False
        jobs.enqueue(
            conn, kind=FORECAST_RUN, params={"scheduled": True}, created_by="schedule", now=now
        )
    return True
