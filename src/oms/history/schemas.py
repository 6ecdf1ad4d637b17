"""API schemas of the history import."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from oms.platform import jobs


class ImportProgress(BaseModel):
    done: int = Field(description="Lines read so far.")
    total: int | None = Field(description="Lines in the file, once known.")


class ImportJobOut(BaseModel):
    """An import job: `queued`, `running`, `succeeded` (with its summary) or `failed`."""

    id: UUID
    status: str
    message: str
    progress: ImportProgress
    summary: dict[str, Any] | None = Field(
        description="When succeeded: the file's figures and what was imported (docs/import.md)."
    )
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rejects_url: str | None = Field(description="Where the rejects file is, once succeeded.")

    @classmethod
    def of(cls, job: jobs.Job) -> ImportJobOut:
        done = job.status is jobs.JobStatus.SUCCEEDED
        return cls(
            id=job.id,
            status=job.status.value,
            message=job.message,
            progress=ImportProgress(done=job.progress_done, total=job.progress_total),
            summary=dict(job.result) if done and job.result is not None else None,
            error=job.error,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            rejects_url=f"/v1/imports/{job.id}/rejects" if done else None,
        )
