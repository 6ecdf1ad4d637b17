"""Background jobs: long work (an import, a forecast run) asked for by a request and done by a
worker, with progress that a client polls.

A job is a row: ``queued`` → ``running`` → ``succeeded`` or ``failed``. Any process may enqueue;
the worker loop (``Runner``) claims the oldest queued job of the kinds it knows, runs its
handler outside any transaction and records progress in short transactions of its own, so a
poller sees it move. A job whose worker died (no heartbeat for ``STALE_AFTER``) is queued
again, up to ``MAX_ATTEMPTS`` runs; handlers must therefore be idempotent (an import that is
rerun changes nothing, a forecast run replaces its own results).

Payloads a job needs that are too big for ``params`` (an uploaded file) go to ``job_files``,
so a job enqueued by one API process can be run by a worker on another machine.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Uuid,
    select,
    update,
)

from oms.platform.database import UTCDateTime, metadata
from oms.shared.clock import Clock, SystemClock

log = structlog.get_logger("oms.jobs")

STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


jobs = Table(
    "jobs",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("status", String(12), nullable=False),
    Column("params", JSON, nullable=False),
    Column("progress_done", BigInteger, nullable=False),
    Column("progress_total", BigInteger, nullable=True),
    Column("message", String(500), nullable=False),
    Column("result", JSON, nullable=True),
    Column("error", Text, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime, nullable=True),
    Column("heartbeat_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    Index("ix_jobs_status_created", "status", "created_at"),
    Index("ix_jobs_kind_created", "kind", "created_at"),
)

job_files = Table(
    "job_files",
    metadata,
    Column("job_id", Uuid, ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("content", LargeBinary, nullable=False),
)
"""The file a job works on (an uploaded import), stored with the job until it is deleted."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    id: uuid.UUID
    kind: str
    status: JobStatus
    params: Mapping[str, Any]
    progress_done: int
    progress_total: int | None
    message: str
    result: Mapping[str, Any] | None
    error: str | None
    attempts: int
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


def _job(row: Any) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        status=JobStatus(row.status),
        params=row.params,
        progress_done=row.progress_done,
        progress_total=row.progress_total,
        message=row.message,
        result=row.result,
        error=row.error,
        attempts=row.attempts,
        created_by=row.created_by,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def enqueue(
    conn: Connection,
    *,
    kind: str,
    params: Mapping[str, Any],
    created_by: str,
    now: datetime,
    file: tuple[str, bytes] | None = None,
) -> uuid.UUID:
    """Queue a job in the caller's transaction (it exists once that commits)."""
    job_id = uuid.uuid4()
    conn.execute(
        jobs.insert().values(
            id=job_id,
            kind=kind,
            status=JobStatus.QUEUED,
            params=dict(params),
            progress_done=0,
            progress_total=None,
            message="queued",
            attempts=0,
            created_by=created_by,
            created_at=now,
        )
    )
    if file is not None:
        conn.execute(job_files.insert().values(job_id=job_id, name=file[0], content=file[1]))
    return job_id


def get(conn: Connection, job_id: uuid.UUID, *, kind: str | None = None) -> Job | None:
    query = select(jobs).where(jobs.c.id == job_id)
    if kind is not None:
        query = query.where(jobs.c.kind == kind)
    row = conn.execute(query).one_or_none()
    return None if row is None else _job(row)


def recent(conn: Connection, *, kind: str, limit: int = 20) -> list[Job]:
    """The newest jobs of a kind, newest first."""
    rows = conn.execute(
        select(jobs).where(jobs.c.kind == kind).order_by(jobs.c.created_at.desc()).limit(limit)
    )
    return [_job(row) for row in rows]


def file_of(conn: Connection, job_id: uuid.UUID) -> tuple[str, bytes] | None:
    row = conn.execute(
        select(job_files.c.name, job_files.c.content).where(job_files.c.job_id == job_id)
    ).one_or_none()
    return None if row is None else (row.name, bytes(row.content))


class Progress:
    """What a handler reports while it runs; each call is a short transaction of its own."""

    def __init__(self, engine: Engine, job_id: uuid.UUID, clock: Clock) -> None:
        self._engine = engine
        self._job_id = job_id
        self._clock = clock

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        values: dict[str, Any] = {"progress_done": done, "heartbeat_at": self._clock.now()}
        if total is not None:
            values["progress_total"] = total
        if message is not None:
            values["message"] = message[:500]
        with self._engine.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.id == self._job_id).values(**values))


Handler = Callable[[Job, Progress], Mapping[str, Any]]
"""Runs a job and returns its result (kept as JSON); raising fails the job with the message."""


def claim_next(engine: Engine, kinds: Sequence[str], clock: Clock) -> Job | None:
    """Take the oldest queued job of ``kinds`` (or one whose worker died), marking it running."""
    now = clock.now()
    with engine.begin() as conn:
        stale = (
            jobs.c.status == JobStatus.RUNNING,
            jobs.c.heartbeat_at < now - STALE_AFTER,
            jobs.c.kind.in_(kinds),
        )
        conn.execute(
            update(jobs)
            .where(*stale, jobs.c.attempts >= MAX_ATTEMPTS)
            .values(
                status=JobStatus.FAILED,
                finished_at=now,
                error=f"its worker stopped {MAX_ATTEMPTS} times",
                message="failed",
            )
        )
        conn.execute(
            update(jobs)
            .where(*stale, jobs.c.attempts < MAX_ATTEMPTS)
            .values(status=JobStatus.QUEUED, message="requeued: its worker stopped")
        )
        query = (
            select(jobs.c.id)
            .where(jobs.c.status == JobStatus.QUEUED, jobs.c.kind.in_(kinds))
            .order_by(jobs.c.created_at)
            .limit(1)
        )
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        job_id = conn.execute(query).scalar_one_or_none()
        if job_id is None:
            return None
        claimed = conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.status == JobStatus.QUEUED)
            .values(
                status=JobStatus.RUNNING,
                started_at=now,
                heartbeat_at=now,
                attempts=jobs.c.attempts + 1,
                message="started",
            )
        ).rowcount
        if not claimed:
            return None
        return get(conn, job_id)


def _finish(engine: Engine, job_id: uuid.UUID, now: datetime, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(jobs).where(jobs.c.id == job_id).values(finished_at=now, **values))


def run(engine: Engine, job: Job, handler: Handler, clock: Clock) -> Job:
    """Run one claimed job to its end (succeeded or failed) and return it as it ended."""
    progress = Progress(engine, job.id, clock)
    try:
        result = handler(job, progress)
    except Exception as error:
        log.exception("job_failed", job_id=str(job.id), kind=job.kind)
        _finish(
            engine,
            job.id,
            clock.now(),
            status=JobStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:4000],
            message="failed",
        )
    else:
        _finish(
            engine,
            job.id,
            clock.now(),
            status=JobStatus.SUCCEEDED,
            result=dict(result),
            message="done",
        )
    with engine.connect() as conn:
        ended = get(conn, job.id)
    assert ended is not None
    return ended


class Runner:
    """The worker's loop body: run every queued job of the registered kinds, oldest first."""

    def __init__(
        self, engine: Engine, handlers: Mapping[str, Handler], clock: Clock | None = None
    ) -> None:
        self._engine = engine
        self._handlers = dict(handlers)
        self._clock = clock or SystemClock()

    def __call__(self) -> int:
        done = 0
        while (job := claim_next(self._engine, list(self._handlers), self._clock)) is not None:
            run(self._engine, job, self._handlers[job.kind], self._clock)
            done += 1
        return done

    def run_now(self, job_id: uuid.UUID) -> Job:
        """Run one job in this process now (the CLI's ``--wait``, tests), if still queued."""
        with self._engine.connect() as conn:
            job = get(conn, job_id)
        if job is None:
            raise LookupError(f"no job {job_id}")
        if job.finished:
            return job
        claimed = claim_next(self._engine, [job.kind], self._clock)
        while claimed is not None and claimed.id != job_id:
            run(self._engine, claimed, self._handlers[claimed.kind], self._clock)
            claimed = claim_next(self._engine, [job.kind], self._clock)
        if claimed is None:
            with self._engine.connect() as conn:
                again = get(conn, job_id)
            assert again is not None
            return again
        return run(self._engine, claimed, self._handlers[claimed.kind], self._clock)
