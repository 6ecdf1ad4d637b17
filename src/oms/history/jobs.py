"""The history import as a background job (``POST /v1/imports``): the uploaded file is stored
with the job (``job_files``), a worker runs the import and reports progress on the job's row;
the job's result is the import's summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from oms.history.reading import ImportFormat
from oms.history.services import ImportHistory, import_history
from oms.platform import jobs
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock
from oms.shared.errors import NotFound

IMPORT = "history.import"


class ImportJobNotFound(NotFound):
    code = "history-import-not-found"

    def __init__(self, job_id: UUID) -> None:
        super().__init__(f"no import {job_id}", import_id=str(job_id))


def import_handler(engine: Engine, clock: Clock) -> jobs.Handler:
    """Run a queued import: its file from ``job_files``, its format and channel from params.
    The import's id is the job's, so a job rerun after its worker died finds what it wrote
    (every document already there) and changes nothing."""

    def handle(job: jobs.Job, progress: jobs.Progress) -> Mapping[str, Any]:
        with engine.connect() as conn:
            found = jobs.file_of(conn, job.id)
        if found is None:
            raise LookupError(f"job {job.id} has no file")
        name, content = found
        outcome = import_history(
            ImportHistory(
                content=content,
                file_name=name,
                format=ImportFormat.parse(str(job.params["format"])),
                channel=job.params.get("channel"),
                actor=job.created_by,
                import_id=job.id,
            ),
            uow=UnitOfWork(engine, clock),
            report=progress,
        )
        return dict(outcome.summary)

    return handle


def request_import(
    uow: UnitOfWork,
    *,
    content: bytes,
    file_name: str,
    format_: ImportFormat,
    channel: str | None,
    created_by: str,
) -> jobs.Job:
    """Queue an import of ``content`` and return its job."""
    with uow.begin() as tx:
        job_id = jobs.enqueue(
            tx.connection,
            kind=IMPORT,
            params={"format": format_.value, "channel": channel},
            created_by=created_by,
            now=tx.now,
            file=(file_name, content),
        )
        job = jobs.get(tx.connection, job_id)
    assert job is not None
    return job


def get_import_job(uow: UnitOfWork, job_id: UUID) -> jobs.Job:
    with uow.read() as tx:
        job = jobs.get(tx.connection, job_id, kind=IMPORT)
    if job is None:
        raise ImportJobNotFound(job_id)
    return job
