"""Console pages: finance. Payments that need a person (failed captures and refunds, card
authorisations about to lapse, bank transfers not yet arrived, the latest reconciliation's
exceptions), each linked to its order; settlement files uploaded for reconciliation, the runs
kept, and one run's totals and exceptions.

Every page needs ``payments:finance``, as the reconciliation API does. An upload runs the same
``reconcile_file`` as ``POST /v1/reconciliations`` and ``oms payments reconcile``: a file that is
not a settlement file of the chosen format is refused next to the file field, with every bad
cell named; the same file uploaded again records another run and settles nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData, UploadFile

from oms.console.shell import ConsoleRequires, Staff, attempt, form_data, render
from oms.console.shell.forms import FormErrors, text
from oms.console.shell.guard import uow_of
from oms.orders.services.numbers import order_numbers
from oms.payments.services.attention import (
    AUTHORISATION_LIFETIME,
    LAPSE_WARNING,
    payments_needing_attention,
)
from oms.payments.settlements import services as settlements
from oms.payments.settlements.domain import StatementFormat
from oms.payments.settlements.services.runs import list_reconciliations
from oms.platform.pagination import BY_POSITION, BY_TIME, encode_cursor, read_cursor
from oms.platform.security import Permission
from oms.platform.unit_of_work import UnitOfWork

router = APIRouter(prefix="/console", include_in_schema=False)

Finance = Annotated[Staff, Depends(ConsoleRequires(Permission.PAYMENTS_FINANCE))]
Form = Annotated[FormData, Depends(form_data)]

RUNS_PAGE = 20
EXCEPTIONS_PAGE = 50
LATEST_EXCEPTIONS = 20
FORMATS = (
    (StatementFormat.STRIPE.value, "Stripe (itemized payout reconciliation report)"),
    (StatementFormat.GENERIC.value, "Other providers (oms generic CSV)"),
)


def _numbers(order_ids: Iterable[UUID | None], uow: UnitOfWork) -> dict[UUID, str]:
    return order_numbers({oid for oid in order_ids if oid is not None}, uow=uow)


@router.get("/finance")
def attention(request: Request, _staff: Finance) -> Response:
    """Payments needing attention, each linked to its order."""
    uow = uow_of(request)
    found = payments_needing_attention(uow=uow)
    latest = list_reconciliations(uow=uow, limit=1)
    run = latest[0] if latest else None
    exceptions = (
        [
            d
            for _, d in settlements.list_exceptions(
                run.id, uow=uow, after=None, limit=LATEST_EXCEPTIONS + 1
            )
        ]
        if run is not None and run.exceptions
        else []
    )
    lists = (
        found.failed_captures,
        found.failed_refunds,
        found.lapsing_authorisations,
        found.awaiting_manual,
    )
    ids = [c.order_id for group in lists for c in group] + [d.order_id for d in exceptions]
    context = {
        "found": found,
        "run": run,
        "exceptions": exceptions[:LATEST_EXCEPTIONS],
        "more_exceptions": len(exceptions) > LATEST_EXCEPTIONS,
        "numbers": _numbers(ids, uow),
        "lifetime": AUTHORISATION_LIFETIME,
        "lifetime_days": AUTHORISATION_LIFETIME.days,
        "warning_days": LAPSE_WARNING.days,
    }
    return render(request, "console/finance/attention.html", context)


# -- reconciliation --------------------------------------------------------------------------


def _runs_context(request: Request, before: str | None) -> dict[str, Any]:
    found = list_reconciliations(
        uow=uow_of(request), before=read_cursor(before, BY_TIME), limit=RUNS_PAGE + 1
    )
    runs = found[:RUNS_PAGE]
    next_url = None
    if len(found) > RUNS_PAGE:
        last = runs[-1]
        next_url = "/console/finance/reconciliation?before=" + encode_cursor(
            (last.created_at, last.id)
        )
    return {
        "runs": runs,
        "next_url": next_url,
        "formats": FORMATS,
        "default_days": settlements.DEFAULT_OLDER_THAN_DAYS,
        "max_days": settlements.MAX_OLDER_THAN_DAYS,
    }


@router.get("/finance/reconciliation")
def reconciliation(request: Request, _staff: Finance, before: str | None = None) -> Response:
    """The upload form and the runs so far, newest first."""
    context = _runs_context(request, before)
    values = {
        "provider": StatementFormat.STRIPE.value,
        "older_than_days": str(settlements.DEFAULT_OLDER_THAN_DAYS),
    }
    context |= {"errors": None, "problems": [], "values": values}
    return render(request, "console/finance/reconciliation.html", context)


def _upload_problems(form: FormData) -> tuple[dict[str, str], UploadFile | None, int]:
    """What is wrong with the form before the file is read: its fields by name."""
    problems: dict[str, str] = {}
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        problems["file"] = "choose a settlement file to upload"
        upload = None
    if text(form, "provider") not in {value for value, _ in FORMATS}:
        problems["provider"] = "choose the file's format: " + ", ".join(v for v, _ in FORMATS)
    raw = text(form, "older_than_days") or str(settlements.DEFAULT_OLDER_THAN_DAYS)
    days = int(raw) if raw.isdigit() else -1
    if not 0 <= days <= settlements.MAX_OLDER_THAN_DAYS:
        problems["older_than_days"] = (
            f"must be a whole number from 0 to {settlements.MAX_OLDER_THAN_DAYS}"
        )
    return problems, upload, days


@router.post("/finance/reconciliation")
def upload(request: Request, staff: Finance, form: Form) -> Response:
    """Reconcile an uploaded settlement file (``reconcile_file``), then show its run."""
    problems, file, days = _upload_problems(form)
    values = {"provider": text(form, "provider"), "older_than_days": text(form, "older_than_days")}
    if problems or file is None:
        return _refused(request, FormErrors("the form has invalid fields", problems), values)
    command = settlements.ReconcileFile(
        format=StatementFormat(values["provider"]),
        content=file.file.read(),
        file_name=file.filename,
        actor=staff.principal.actor,
        older_than_days=days,
    )
    done, errors = attempt(lambda: settlements.reconcile_file(command, uow=uow_of(request)))
    if done is None or errors is not None:
        return _refused(request, errors or FormErrors("the file was not reconciled"), values)
    target = f"/console/finance/reconciliation/{done.run.id}?done=reconciled"
    return RedirectResponse(target, status_code=303)


def _refused(request: Request, errors: FormErrors, values: dict[str, str]) -> Response:
    """The form again with its errors: a file's bad cells (``line N, column``) listed under
    the file field, every other message next to its field."""
    cells = [
        f"{name}: {message}" for name, message in errors.fields.items() if name.startswith("line ")
    ]
    fields = {
        name: message for name, message in errors.fields.items() if not name.startswith("line ")
    }
    if not fields:
        fields["file"] = errors.message
    summary = (
        "the file was not reconciled: " + errors.message
        if cells or "file" in fields
        else errors.message
    )
    shown = FormErrors(summary, fields, errors.code)
    context = _runs_context(request, None)
    context |= {"errors": shown, "problems": cells, "values": values}
    return render(request, "console/finance/reconciliation.html", context, status=422)


@router.get("/finance/reconciliation/{run_id}")
def reconciliation_run(
    request: Request, _staff: Finance, run_id: UUID, after: str | None = None, done: str = ""
) -> Response:
    """One run: counts, payout totals against what oms expected, and its exceptions paged."""
    uow = uow_of(request)
    run = settlements.get_reconciliation(run_id, uow=uow)
    key = read_cursor(after, BY_POSITION)
    found = settlements.list_exceptions(
        run_id, uow=uow, after=key[0] if key else None, limit=EXCEPTIONS_PAGE + 1
    )
    shown = found[:EXCEPTIONS_PAGE]
    next_url = None
    if len(found) > EXCEPTIONS_PAGE:
        next_url = f"/console/finance/reconciliation/{run_id}?after=" + encode_cursor(
            (shown[-1][0],)
        )
    context = {
        "run": run,
        "exceptions": shown,
        "numbers": _numbers((d.order_id for _, d in shown), uow),
        "next_url": next_url,
        "first_page": after is None,
        "done": done,
    }
    return render(request, "console/finance/run.html", context)
