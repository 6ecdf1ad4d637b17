"""HTTP routes of the history import (``history:import``): upload a file (202 and a job), poll
the job, read its rejects file.

The file comes as multipart form data (``file``, ``format``, ``channel``) within the server's
request size limit (``OMS_MAX_BODY_BYTES``, 413 beyond it; ``oms import orders`` reads files of
any size). Its header is checked before it is queued: an unknown format, a file that is no
CSV or one missing a required column is 422 at once.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile

from oms.history import services
from oms.history.domain.reading import ImportFormat, check_header
from oms.history.schemas import ImportJobOut
from oms.history.services import get_import_job, request_import
from oms.platform.http import UoW
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["imports"])

Importer = Annotated[Principal, Depends(Requires(Permission.HISTORY_IMPORT))]

CSV: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The rejects file",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.post("/imports", status_code=202, responses=responses(401, 403, 413, 422))
def create_import(
    principal: Importer,
    uow: UoW,
    file: Annotated[
        UploadFile, File(description="The file: CSV, or CSV compressed with xz or gzip.")
    ],
    format: Annotated[
        str, Form(description="`online-retail` (UCI Online Retail) or `generic` (docs/import.md).")
    ],
    channel: Annotated[
        str | None,
        Form(
            description="The channel to import into (default for online-retail: `online-retail`, "
            "created if missing)."
        ),
    ] = None,
) -> ImportJobOut:
    """Queue an import of order history (202 with its job); poll `GET /v1/imports/{id}`. A
    rerun of the same file imports nothing new."""
    format_ = ImportFormat.parse(format)
    content = file.file.read()
    check_header(content, format_)
    job = request_import(
        uow,
        content=content,
        file_name=file.filename or "upload.csv",
        format_=format_,
        channel=channel or None,
        created_by=principal.actor,
    )
    return ImportJobOut.of(job)


@router.get("/imports/{import_id}", responses=responses(401, 403, 404, 422))
def get_import(import_id: UUID, _: Importer, uow: UoW) -> ImportJobOut:
    """An import's status, its progress in lines, and its summary once done."""
    return ImportJobOut.of(get_import_job(uow, import_id))


@router.get("/imports/{import_id}/rejects", responses={**CSV, **responses(401, 403, 404, 422)})
def get_import_rejects(import_id: UUID, _: Importer, uow: UoW) -> Response:
    """The rejects file (`row,document,field,reason`) of a finished import."""
    return Response(
        services.get_rejects(import_id, uow=uow),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{import_id}-rejects.csv"'},
    )
