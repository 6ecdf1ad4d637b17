"""The returns desk: returns by status and search (requests to approve or decline, parcels to
receive and inspect), one return with everything it decided, and its actions.

Each act is the API's: approving, declining, resolving (refund, store credit, an exchange's
completion, a claim's refund or reship) and cancelling need ``returns:decide`` and are refused
to a location-bound user (``decisions`` says why); receiving and inspecting need
``returns:receive``, and a location-bound warehouse user sees and works only the returns coming
back to their location (another's is 404, as for API keys). The receipt form takes a parcel in
and inspects it in one step (``returns.services.desk.receive_at_desk``).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms import fulfilment, orders, payments
from oms.console.shell import ConsoleRequires, Staff, attempt, form_data, render
from oms.console.shell.forms import FormErrors, text
from oms.console.shell.guard import uow_of
from oms.orders.services import order_timeline
from oms.payments.services.goodwill import list_refunds
from oms.platform.pagination import BY_TIME, encode_cursor, read_cursor
from oms.platform.security import Permission
from oms.platform.unit_of_work import UnitOfWork
from oms.returns import ReturnKind, ReturnStatus
from oms.returns.domain.returns import Disposition, ReturnRequest
from oms.returns.services import claims, decisions, desk, labels
from oms.shared.errors import Forbidden, Invalid

router = APIRouter(prefix="/console", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.RETURNS_READ))]
Decider = Annotated[Staff, Depends(ConsoleRequires(Permission.RETURNS_DECIDE))]
Receiver = Annotated[Staff, Depends(ConsoleRequires(Permission.RETURNS_RECEIVE))]
Form = Annotated[FormData, Depends(form_data)]

PAGE_SIZE = 50
TABS: tuple[ReturnStatus, ...] = (
    ReturnStatus.REQUESTED,
    ReturnStatus.RECEIVED,
    ReturnStatus.APPROVED,
    ReturnStatus.IN_TRANSIT,
    ReturnStatus.INSPECTED,
    ReturnStatus.COMPLETED,
    ReturnStatus.DECLINED,
    ReturnStatus.CANCELLED,
)
"""The desk's tabs: requests to decide first, then parcels to inspect, then the rest."""
DECLINE_REASON_MAX = 500
CANCELLABLE = frozenset({ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT})
"""Before the goods arrived (the lifecycle's cancel)."""
TIMELINE_LIMIT = 500
"""The order's timeline entries read for a return's history (an order has a few dozen)."""
RECEIVABLE = frozenset(
    {ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED, ReturnStatus.INSPECTED}
)


@router.get("/returns")
def list_returns(
    request: Request,
    staff: Reader,
    status: str = "",
    q: str = "",
    after: str | None = None,
) -> Response:
    chosen = _status(status)
    uow, principal = uow_of(request), staff.principal
    found = desk.search_returns(
        desk.DeskQuery(statuses=(chosen,) if chosen else None, q=q[:200]),
        uow=uow,
        after=read_cursor(after, BY_TIME),
        limit=PAGE_SIZE + 1,
        visible_to=principal.channel_scope,
        location_scope=principal.location_scope,
    )
    page = found[:PAGE_SIZE]
    next_url = None
    if len(found) > PAGE_SIZE:
        cursor = encode_cursor((page[-1].created_at, page[-1].id))
        next_url = "/console/returns?" + _query(status=status, q=q, after=cursor)
    counts = desk.count_returns(
        uow=uow, visible_to=principal.channel_scope, location_scope=principal.location_scope
    )
    context = {
        "returns": page,
        "status": chosen.value if chosen else "",
        "q": q,
        "tabs": [(tab.value, counts.get(tab, 0)) for tab in TABS],
        "total": sum(counts.values()),
        "next_url": next_url,
    }
    fragment = request.headers.get("HX-Request") == "true"
    template = "_rows.html" if fragment else "list.html"
    return render(request, f"console/returns/{template}", context)


@router.get("/returns/{return_id}")
def show_return(request: Request, return_id: UUID, staff: Reader, done: str = "") -> Response:
    context = _page(request, staff, return_id)
    return render(request, "console/returns/detail.html", {**context, "done": done})


@router.get("/returns/{return_id}/label")
def return_label(request: Request, return_id: UUID, staff: Reader) -> Response:
    """The return label or return slip as stored (PDF)."""
    rma, pdf = labels.return_label(
        return_id,
        uow=uow_of(request),
        visible_to=staff.principal.channel_scope,
        location_scope=staff.principal.location_scope,
    )
    disposition = f'inline; filename="{rma}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.post("/returns/{return_id}/approve")
def approve_return(request: Request, return_id: UUID, staff: Decider) -> Response:
    context = _page(request, staff, return_id)
    command = _decision(staff, return_id)
    carriers = _carriers(request)
    _, errors = attempt(
        lambda: decisions.approve_return(command, uow=uow_of(request), carriers=carriers)
    )
    if errors is not None:
        return _refused(request, context, errors, "approve")
    return _done(return_id, "approved")


@router.post("/returns/{return_id}/decline")
def decline_return(request: Request, return_id: UUID, staff: Decider, form: Form) -> Response:
    context = _page(request, staff, return_id)
    reason = text(form, "reason")
    values = {"reason": reason}
    errors = None
    if not reason:
        errors = _field_error("reason", "say why the return is declined: the customer reads it")
    elif len(reason) > DECLINE_REASON_MAX:
        errors = _field_error("reason", f"at most {DECLINE_REASON_MAX} characters")
    if errors is None:
        command = _decision(staff, return_id, reason=reason)
        _, errors = attempt(lambda: decisions.decline_return(command, uow=uow_of(request)))
    if errors is not None:
        return _refused(request, context, errors, "decline", values)
    return _done(return_id, "declined")


@router.post("/returns/{return_id}/receive")
def receive_return(request: Request, return_id: UUID, staff: Receiver, form: Form) -> Response:
    context = _page(request, staff, return_id)
    lines = context["view"].request.lines
    values = {
        name: text(form, name)
        for line in lines
        for name in (f"lines.{line.line_id}.received", f"lines.{line.line_id}.disposition")
    }
    arrived, dispositions, problems = _receipt(values, [line.line_id for line in lines])
    errors = FormErrors("check the lines marked below", problems) if problems else None
    if errors is None:
        command = desk.ReceiveAtDesk(
            return_id=return_id,
            arrived=arrived,
            dispositions=dispositions,
            actor=staff.principal.actor,
            location_scope=staff.principal.location_scope,
        )
        _, errors = attempt(lambda: desk.receive_at_desk(command, uow=uow_of(request)))
    if errors is not None:
        return _refused(request, context, errors, "receive", values)
    return _done(return_id, "inspected" if dispositions else "received")


@router.post("/returns/{return_id}/resolve")
def resolve_return(request: Request, return_id: UUID, staff: Decider, form: Form) -> Response:
    context = _page(request, staff, return_id)
    values = {"destination": text(form, "destination"), "resolution": text(form, "resolution")}
    errors = None
    try:
        destination = payments.RefundDestination(values["destination"] or "original")
    except ValueError:
        errors = _field_error("destination", "choose where the refund goes")
    try:
        resolution = claims.ClaimResolution(values["resolution"] or "refund")
    except ValueError:
        errors = _field_error("resolution", "choose refund or reship")
    if errors is None:
        providers = _payment_providers(request)
        _, errors = attempt(
            lambda: claims.resolve(
                return_id,
                resolution=resolution,
                destination=destination,
                actor=staff.principal.actor,
                uow=uow_of(request),
                providers=providers,
                visible_to=staff.principal.channel_scope,
            )
        )
    if errors is not None:
        return _refused(request, context, errors, "resolve", values)
    return _done(return_id, "resolved")


@router.post("/returns/{return_id}/cancel")
def cancel_return(request: Request, return_id: UUID, staff: Decider) -> Response:
    context = _page(request, staff, return_id)
    command = _decision(staff, return_id)
    _, errors = attempt(lambda: decisions.cancel_return(command, uow=uow_of(request)))
    if errors is not None:
        return _refused(request, context, errors, "cancel")
    return _done(return_id, "cancelled")


def _receipt(
    values: dict[str, str], line_ids: list[UUID]
) -> tuple[dict[UUID, int], dict[UUID, Disposition], dict[str, str]]:
    """The receipt form's units and dispositions per line, or what is wrong with each field."""
    arrived: dict[UUID, int] = {}
    dispositions: dict[UUID, Disposition] = {}
    problems: dict[str, str] = {}
    for line_id in line_ids:
        units_field, disposition_field = f"lines.{line_id}.received", f"lines.{line_id}.disposition"
        raw = values[units_field]
        if raw:
            try:
                arrived[line_id] = int(raw)
            except ValueError:
                problems[units_field] = "must be a whole number"
        chosen = values[disposition_field]
        if chosen:
            try:
                dispositions[line_id] = Disposition(chosen)
            except ValueError:
                problems[disposition_field] = "choose one of the dispositions listed"
    return arrived, dispositions, problems


def _decision(staff: Staff, return_id: UUID, *, reason: str = "") -> decisions.DecideReturn:
    """The API's decision command; a location-bound user may not decide (403, as the API)."""
    principal = staff.principal
    if principal.location_scope is not None:
        raise Forbidden(
            f"a user bound to location {principal.location_scope} does not decide returns"
        )
    return decisions.DecideReturn(
        return_id=return_id,
        actor=principal.actor,
        reason=reason,
        visible_to=principal.channel_scope,
        location_scope=principal.location_scope,
    )


def _carriers(request: Request) -> fulfilment.Carriers:
    """The app's carriers when it was given some, else karrio's (as the API's routes)."""
    given: fulfilment.Carriers | None = getattr(request.app.state, "carriers", None)
    return given if given is not None else fulfilment.karrio_carriers


def _payment_providers(request: Request) -> payments.Providers:
    """As the API's resolve route builds them: the app's when given, else this deployment's."""
    given: payments.Providers | None = getattr(request.app.state, "payment_providers", None)
    if given is not None:
        return given
    state = request.app.state
    return payments.build_providers(state.settings, UnitOfWork(state.engine, state.clock))


def _refused(
    request: Request,
    context: dict[str, Any],
    errors: FormErrors,
    form: str,
    values: dict[str, str] | None = None,
) -> Response:
    """The return's page again, the refused form showing its errors and what was typed."""
    page = {**context, "done": "", "failed": form, "errors": errors, "values": values or {}}
    return render(request, "console/returns/detail.html", page, status=422)


def _done(return_id: UUID, done: str) -> Response:
    return RedirectResponse(f"/console/returns/{return_id}?done={done}", status_code=303)


def _field_error(name: str, message: str) -> FormErrors:
    return FormErrors(message, {name: message})


def _status(value: str) -> ReturnStatus | None:
    if not value:
        return None
    try:
        return ReturnStatus(value)
    except ValueError:
        raise Invalid(f"unknown status {value!r}", field="status") from None


def _query(**values: str) -> str:
    return urlencode({name: value for name, value in values.items() if value})


def _page(request: Request, staff: Staff, return_id: UUID) -> dict[str, Any]:
    """What the return's page shows (404 when the return is not the user's to see)."""
    uow, principal = uow_of(request), staff.principal
    view = desk.return_at_desk(
        return_id,
        uow=uow,
        visible_to=principal.channel_scope,
        location_scope=principal.location_scope,
    )
    found = view.request
    order = orders.get_order(found.order_id, uow=uow, visible_to=principal.channel_scope)
    linked = None
    if found.exchange_order_id is not None:
        linked = orders.get_order(found.exchange_order_id, uow=uow)
    entries = order_timeline(found.order_id, uow=uow, after=None, limit=TIMELINE_LIMIT)
    deciding = staff.can(Permission.RETURNS_DECIDE) and principal.location_scope is None
    statuses: dict[UUID, str] = {}
    if view.refunds and staff.can(Permission.PAYMENTS_READ):
        statuses = {refund.id: refund.status for refund in list_refunds(order.id, uow=uow)}
    return {
        "view": view,
        "ret": found,
        "order": order,
        "order_lines": {line.id: line for line in order.lines},
        "linked": linked,
        "history": _history(found, [entry for _, entry in entries]),
        "refund_statuses": statuses,
        "can_decide": found.status is ReturnStatus.REQUESTED and deciding,
        "can_receive": _receivable(found) and staff.can(Permission.RETURNS_RECEIVE),
        "can_resolve": _resolvable(found) and deciding,
        "can_cancel": found.status in CANCELLABLE and deciding,
        "receipt_defaults": _receipt_defaults(found),
        "dispositions": [d.value for d in Disposition],
        "errors": None,
        "values": {},
        "failed": "",
    }


def _receivable(found: ReturnRequest) -> bool:
    """Goods come back for it, and some are still to arrive or to be inspected."""
    return (
        found.kind is not ReturnKind.CLAIM
        and found.status in RECEIVABLE
        and bool(found.outstanding_units or any(x.received > x.inspected for x in found.lines))
    )


def _resolvable(found: ReturnRequest) -> bool:
    """Inspected (a return or an exchange), or an approved claim: ready to be resolved."""
    if found.kind is ReturnKind.CLAIM:
        return found.status is ReturnStatus.APPROVED
    return found.status is ReturnStatus.INSPECTED


def _receipt_defaults(found: ReturnRequest) -> dict[str, str]:
    """The receipt form as it opens: every outstanding unit arriving, each line's earlier
    disposition kept (none chosen: inspect later)."""
    values: dict[str, str] = {}
    for line in found.lines:
        values[f"lines.{line.line_id}.received"] = str(line.outstanding) if line.outstanding else ""
        values[f"lines.{line.line_id}.disposition"] = (
            line.disposition.value if line.disposition else ""
        )
    return values


def _history(found: ReturnRequest, entries: list[orders.TimelineEntry]) -> list[dict[str, Any]]:
    """The return's story, oldest first: its request, what the order's timeline recorded for
    it (approval, label, transit, receipt, inspection, resolution), a decline or cancellation."""
    history: list[dict[str, Any]] = [
        {"at": found.created_at, "actor": found.created_by, "kind": "requested", "summary": ""}
    ]
    for entry in entries:
        if entry.details.get("return_id") == str(found.id):
            history.append(
                {"at": entry.at, "actor": entry.actor, "kind": entry.kind, "summary": entry.summary}
            )
    if found.declined_at is not None:
        history.append(
            {
                "at": found.declined_at,
                "actor": "",
                "kind": "declined",
                "summary": found.decline_reason or "",
            }
        )
    if found.cancelled_at is not None:
        history.append({"at": found.cancelled_at, "actor": "", "kind": "cancelled", "summary": ""})
    return sorted(history, key=lambda item: item["at"])
