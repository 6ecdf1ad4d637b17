"""Background jobs: queued, claimed once, run with progress a poller sees, failed with the
handler's error, requeued when their worker died (and failed after too many tries)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, update

from oms.platform import jobs
from oms.platform.jobs import JobStatus
from oms.shared.clock import Clock

START = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


class Ticking(Clock):
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def enqueue(engine: Engine, kind: str = "test.count", **params: Any) -> Any:
    with engine.begin() as conn:
        return jobs.enqueue(
            conn,
            kind=kind,
            params=params,
            created_by="test",
            now=START,
            file=("numbers.txt", b"1\n2\n3\n"),
        )


def read(engine: Engine, job_id: Any) -> jobs.Job:
    with engine.connect() as conn:
        found = jobs.get(conn, job_id)
    assert found is not None
    return found


def test_a_job_runs_once_with_progress_and_its_result(engine: Engine) -> None:
    seen: list[tuple[int, int | None, str]] = []

    def count(job: jobs.Job, progress: jobs.Progress) -> Mapping[str, Any]:
        with engine.connect() as conn:
            name, content = jobs.file_of(conn, job.id) or ("", b"")
        lines = content.decode().split()
        for done in range(1, len(lines) + 1):
            progress(done, len(lines), f"line {done}")
            now = read(engine, job.id)
            seen.append((now.progress_done, now.progress_total, now.message))
        return {"file": name, "sum": sum(int(x) for x in lines) * job.params["factor"]}

    job_id = enqueue(engine, factor=2)
    queued = read(engine, job_id)
    assert (queued.status, queued.attempts, queued.finished) == (JobStatus.QUEUED, 0, False)

    runner = jobs.Runner(engine, {"test.count": count}, Ticking(START))
    assert runner() == 1
    assert runner() == 0, "a finished job is not run again"
    done = read(engine, job_id)
    assert done.status is JobStatus.SUCCEEDED
    assert done.result == {"file": "numbers.txt", "sum": 12}
    assert (done.progress_done, done.progress_total, done.attempts) == (3, 3, 1)
    assert seen == [(1, 3, "line 1"), (2, 3, "line 2"), (3, 3, "line 3")], "each step visible"
    with engine.connect() as conn:
        assert [j.id for j in jobs.recent(conn, kind="test.count")] == [job_id]
        assert jobs.get(conn, job_id, kind="other.kind") is None


def test_a_failing_handler_fails_its_job_with_the_error(engine: Engine) -> None:
    def broken(job: jobs.Job, progress: jobs.Progress) -> Mapping[str, Any]:
        raise ValueError("column InvoiceNo is missing")

    job_id = enqueue(engine)
    ended = jobs.Runner(engine, {"test.count": broken}, Ticking(START)).run_now(job_id)
    assert ended.status is JobStatus.FAILED
    assert ended.error == "ValueError: column InvoiceNo is missing"
    assert ended.finished_at == START


def test_a_job_whose_worker_died_is_queued_again_then_failed_after_three_tries(
    engine: Engine,
) -> None:
    clock = Ticking(START)
    job_id = enqueue(engine)
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        claimed = jobs.claim_next(engine, ["test.count"], clock)
        assert claimed is not None
        assert (claimed.id, claimed.attempts) == (job_id, attempt)
        assert jobs.claim_next(engine, ["test.count"], clock) is None, "running: not claimed"
        clock.at += jobs.STALE_AFTER + timedelta(seconds=1)  # the worker died: no heartbeat
    assert jobs.claim_next(engine, ["test.count"], clock) is None
    failed = read(engine, job_id)
    assert failed.status is JobStatus.FAILED
    assert failed.error == f"its worker stopped {jobs.MAX_ATTEMPTS} times"


def test_a_job_with_a_fresh_heartbeat_is_left_to_its_worker(engine: Engine) -> None:
    clock = Ticking(START)
    job_id = enqueue(engine)
    assert jobs.claim_next(engine, ["test.count"], clock) is not None
    clock.at += jobs.STALE_AFTER - timedelta(seconds=1)
    assert jobs.claim_next(engine, ["test.count"], clock) is None
    with engine.begin() as conn:
        conn.execute(
            update(jobs.jobs).where(jobs.jobs.c.id == job_id).values(heartbeat_at=clock.now())
        )
    clock.at += jobs.STALE_AFTER - timedelta(seconds=1)
    assert jobs.claim_next(engine, ["test.count"], clock) is None, "progress kept it alive"


def test_concurrent_workers_claim_each_job_once(engine: Engine) -> None:
    ids = {enqueue(engine, n=n) for n in range(12)}
    claimed: list[Any] = []
    lock = threading.Lock()

    def work() -> None:
        while (job := jobs.claim_next(engine, ["test.count"], Ticking(START))) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(ids), "every job claimed, none twice"
