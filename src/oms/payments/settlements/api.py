"""HTTP routes of billing reconciliation: upload a settlement file, read a run and its exceptions.

Finance and admin only (``payments:finance``). The file comes as multipart form data (``file``,
``provider``, ``older_than_days``), within the server's request size limit
(``OMS_MAX_BODY_BYTES``, 413 beyond it); ``oms payments reconcile`` reads files of any size.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, UploadFile

from oms.payments.settlements import services
from oms.payments.settlements.domain import Discrepancy, StatementFormat
from oms.payments.settlements.schemas import ExceptionOut, ReconciliationOut
from oms.platform.http import UoW
from oms.platform.pagination import BY_POSITION, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.platform.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1", tags=["reconciliation"])

Finance = Annotated[Principal, Depends(Requires(Permission.PAYMENTS_FINANCE))]

FIRST_PAGE = 50
"""Exceptions shown with a new run; ``GET`` pages through the rest."""


@router.post(
    "/reconciliations",
    status_code=201,
    responses=responses(403, 413, 422),
)
def create_reconciliation(
    principal: Finance,
    uow: UoW,
    file: Annotated[UploadFile, File(description="The settlement file (CSV, UTF-8).")],
    provider: Annotated[
        StatementFormat,
        Form(
            description="`stripe`: Stripe's itemized payout reconciliation report; `generic`: "
            "oms's CSV for other providers (docs/reconciliation.md)."
        ),
    ],
    older_than_days: Annotated[
        int,
        Form(
            ge=0,
            le=services.MAX_OLDER_THAN_DAYS,
            description="Captures older than this that no file settled are `not_settled`.",
        ),
    ] = services.DEFAULT_OLDER_THAN_DAYS,
) -> ReconciliationOut:
    """Match a settlement file against the ledger and record the run (201 with its first page
    of exceptions). A file missing required columns or with unreadable values is 422, each
    problem named (`line N, column`). No Idempotency-Key: running a file again records another
    run and settles nothing twice."""
    command = services.ReconcileFile(
        format=provider,
        content=file.file.read(),
        file_name=file.filename,
        actor=principal.actor,
        older_than_days=older_than_days,
    )
    done = services.reconcile_file(command, uow=uow)
    return ReconciliationOut.of(done.run, _first_page(done.exceptions))


@router.get("/reconciliations/{reconciliation_id}", responses=responses(403, 404, 422))
def get_reconciliation(
    reconciliation_id: UUID,
    principal: Finance,  # noqa: ARG001 (the permission is the check)
    uow: UoW,
) -> ReconciliationOut:
    """One run: counts, fees, net against expected per payout, and the first page of its
    exceptions (`GET .../exceptions` with `cursor` pages on)."""
    run = services.get_reconciliation(reconciliation_id, uow=uow)
    return ReconciliationOut.of(run, _page(reconciliation_id, uow, FIRST_PAGE, None))


@router.get("/reconciliations/{reconciliation_id}/exceptions", responses=responses(403, 404, 422))
def list_reconciliation_exceptions(
    reconciliation_id: UUID,
    principal: Finance,  # noqa: ARG001 (the permission is the check)
    uow: UoW,
    limit: Limit = FIRST_PAGE,
    cursor: Cursor = None,
) -> Page[ExceptionOut]:
    """A run's exceptions in the order found: the file's lines first, then the captures no
    file settled."""
    return _page(reconciliation_id, uow, limit, cursor)


def _page(run_id: UUID, uow: UnitOfWork, limit: int, cursor: str | None) -> Page[ExceptionOut]:
    key = read_cursor(cursor, BY_POSITION)
    found = services.list_exceptions(
        run_id, uow=uow, after=key[0] if key else None, limit=limit + 1
    )
    return Page.of(found, limit, lambda row: (row[0],), lambda row: ExceptionOut.of(row[1]))


def _first_page(exceptions: tuple[Discrepancy, ...]) -> Page[ExceptionOut]:
    numbered = list(enumerate(exceptions[: FIRST_PAGE + 1], 1))
    return Page.of(numbered, FIRST_PAGE, lambda row: (row[0],), lambda row: ExceptionOut.of(row[1]))
