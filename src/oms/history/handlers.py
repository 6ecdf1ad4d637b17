"""The history import as a background job (kind ``history.import``, ``POST /v1/imports``):
the uploaded file is stored with the job (``job_files``), a worker runs the import and reports
progress on the job's row; the job's result is the import's summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from oms.history.domain.reading import ImportFormat
from oms.history.services import ImportHistory, import_history
from oms.platform import jobs
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.clock import Clock


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
