"""Scoring runs as background jobs (``oms.platform.jobs``): the kind, its handler, asking for
a run, polling it, and the schedule that queues one when the latest is older than the
configured interval."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import Engine, select

from oms.customer_value.domain.errors import RunNotFound
from oms.customer_value.repository import scores as repository
from oms.platform import jobs
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock

if TYPE_CHECKING:
    from oms.customer_value.services.scoring import Progress

SCORE_RUN = "customer_value.score"
DEFAULT_MONTHLY_DISCOUNT = 0.01


def score_run_handler(engine: Engine, clock: Clock, echo: Progress | None = None) -> jobs.Handler:
    """The handler that rescores every customer, reporting each fit it starts to the job (and
    to ``echo``, a terminal's progress bar, when given)."""

    def handle(job: jobs.Job, progress: jobs.Progress) -> Mapping[str, Any]:
        discount = float(job.params.get("monthly_discount", DEFAULT_MONTHLY_DISCOUNT))

        def report(done: int, total: int | None = None, message: str | None = None) -> None:
            progress(done, total, message)
            if echo is not None:
                echo(done, total, message)

        from oms.customer_value.services.scoring import score_customers  # numpy, pandas, pymc

        summary = score_customers(
            UnitOfWork(engine, clock), run_id=job.id, monthly_discount=discount, progress=report
        )
        return summary.as_json() | {"monthly_discount": discount}

    return handle


def request_run(uow: UnitOfWork, *, created_by: str, monthly_discount: float) -> jobs.Job:
    """Queue a scoring run (in the caller's transaction when there is one) and return its job."""
    with uow.begin() as tx:
        job_id = jobs.enqueue(
            tx.connection,
            kind=SCORE_RUN,
            params={"monthly_discount": monthly_discount},
            created_by=created_by,
            now=tx.now,
        )
        job = jobs.get(tx.connection, job_id)
    assert job is not None
    return job


def run_job(uow: UnitOfWork, job_id: UUID) -> jobs.Job:
    """A scoring run's job, for polling."""
    with uow.read() as tx:
        job = jobs.get(tx.connection, job_id, kind=SCORE_RUN)
    if job is None:
        raise RunNotFound(job_id)
    return job


def schedule_due(
    engine: Engine, clock: Clock, every: timedelta, *, monthly_discount: float
) -> bool:
    """Queue a run if none is queued or running and the latest stored scores (or the latest
    finished run, which may have found nothing to score) are ``every`` old or more."""
    now = clock.now()
    with engine.begin() as conn:
        pending = conn.execute(
            select(jobs.jobs.c.id).where(
                jobs.jobs.c.kind == SCORE_RUN,
                jobs.jobs.c.status.in_([jobs.JobStatus.QUEUED, jobs.JobStatus.RUNNING]),
            )
        ).first()
        if pending is not None:
            return False
        finished = [j.finished_at for j in jobs.recent(conn, kind=SCORE_RUN, limit=1)]
        latest = max(
            (at for at in (repository.latest_run_at(conn), *finished) if at is not None),
            default=None,
        )
        if latest is not None and latest > now - every:
            return False
        jobs.enqueue(
            conn,
            kind=SCORE_RUN,
            params={"monthly_discount": monthly_discount, "scheduled": True},
            created_by="schedule",
            now=now,
        )
    return True
