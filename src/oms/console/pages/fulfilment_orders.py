"""One fulfilment order at the fulfilment desk: its sheet, the work its status allows (pick,
pack a pickup, ship, reject, hand over with the customer's code, a new pickup code) and its
labels. Each action calls the service the API's route calls, with the same permission
(``fulfilment:work``) and the same location binding (``visible_location``); the FO is read
first, so another location's FO is a 404 page before any form is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from oms import payments
from oms.console.pages import fulfilment_forms as forms
from oms.console.shell import ConsoleRequires, Staff, form_data, render
from oms.console.shell.forms import FormErrors, text
from oms.console.shell.guard import uow_of
from oms.fulfilment.domain.fulfilment_orders import RejectReason
from oms.fulfilment.domain.lifecycle import Delivery, FulfilmentOrderStatus
from oms.fulfilment.services import pickup, queues, settings, shipping, tracking, work, workbench
from oms.fulfilment.services.shipping import Carriers, karrio_carriers
from oms.platform.problems import status_for
from oms.platform.security import Permission
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import DomainError, NotFound

router = APIRouter(prefix="/console", include_in_schema=False)

Reader = Annotated[Staff, Depends(ConsoleRequires(Permission.FULFILMENT_READ))]
Worker = Annotated[Staff, Depends(ConsoleRequires(Permission.FULFILMENT_WORK))]
Form = Annotated[FormData, Depends(form_data)]

S = FulfilmentOrderStatus
T = TypeVar("T")
DONE = frozenset({"picked", "shipped", "rejected", "handed_over"})


def scope_of(staff: Staff) -> str | None:
    """The one location a bound user sees and works (None: every location)."""
    return queues.visible_location(staff.principal)


def _try(action: Callable[[], T]) -> tuple[T | None, FormErrors | None, int]:
    """Run a service call; a domain error comes back as form errors with the API's status."""
    try:
        return action(), None, 200
    except DomainError as error:
        return None, FormErrors.of(error), status_for(error)


def _version(raw: str) -> int | None:
    """The version the ship form was shown at: sent twice, it ships once (409 the second time)."""
    return int(raw) if raw.isdigit() else None


def _sheet(fo_id: UUID, staff: Staff, uow: UnitOfWork) -> workbench.FulfilmentOrderSheet:
    return workbench.fulfilment_order_sheet(fo_id, uow=uow, location_scope=scope_of(staff))


def allowed_actions(sheet: workbench.FulfilmentOrderSheet, staff: Staff) -> frozenset[str]:
    """The work the FO's status allows and the reader may do: the location's own staff pick,
    ship and reject; the pickup store's make it ready and hand it over."""
    if not staff.can(Permission.FULFILMENT_WORK):
        return frozenset()
    fo, scope = sheet.fulfilment_order, scope_of(staff)
    at_location = scope in (None, fo.location)
    workable = fo.status in (S.OPEN, S.IN_PROGRESS)
    transfer = fo.delivery is Delivery.PICKUP and sheet.store != fo.location
    found = set()
    if at_location and fo.status is S.OPEN:
        found.add("pick")
    if at_location and workable and (fo.delivery is Delivery.SHIP or transfer):
        found.add("ship")
    if at_location and fo.status in (S.OPEN, S.IN_PROGRESS, S.ON_HOLD):
        found.add("reject")
    if fo.delivery is Delivery.PICKUP and (
        (not transfer and workable) or (transfer and fo.status is S.SHIPPED)
    ):
        found.add("pack")
    if fo.status is S.READY_FOR_PICKUP:
        found.update({"handover", "pickup_code"})
    return frozenset(found)


def _carriers(sheet: workbench.FulfilmentOrderSheet) -> list[tuple[str, str]]:
    default = sheet.carrier or "generic"
    names = sorted(settings.installed_carriers() | {default})
    return [(name, name + (" (default)" if name == default else "")) for name in names]


def _page(
    request: Request,
    staff: Staff,
    sheet: workbench.FulfilmentOrderSheet,
    *,
    status: int = 200,
    **given: Any,
) -> Response:
    """The FO page; ``given`` names what a form left (``errors``/``values`` per form,
    ``packages`` shown, an ``issued_code`` to show once, what was ``done``)."""
    fo = sheet.fulfilment_order
    actions = allowed_actions(sheet, staff)
    context = {
        "sheet": sheet,
        "fo": fo,
        "late": fo.late(request.app.state.clock.now()),
        "actions": actions,
        "errors": {},
        "values": {},
        "packages": 1,
        "issued_code": None,
        "carriers": _carriers(sheet) if "ship" in actions else [],
        "reason_options": [(r.value, r.value.replace("_", " ")) for r in RejectReason],
        "open_lines": [line for line in fo.lines if line.open > 0],
        **given,
    }
    context["ship_defaults"] = _ship_defaults(sheet, context["packages"])
    context["done"] = given.get("done") if given.get("done") in DONE else None
    return render(request, "console/fulfilment/order.html", context, status=status)


def _ship_defaults(sheet: workbench.FulfilmentOrderSheet, packages: int) -> dict[str, str]:
    """One package holds every open unit until the packer says otherwise."""
    fo = sheet.fulfilment_order
    found = {"carrier": sheet.carrier or "generic", "service": sheet.carrier_service or ""}
    if packages == 1:
        for line in fo.lines:
            if line.open > 0:
                found[f"packages.0.line.{line.line_id}"] = str(line.open)
    return found


@router.get("/fulfilment/orders/{fo_id}")
def fulfilment_order(
    request: Request,
    fo_id: UUID,
    staff: Reader,
    packages: str | None = None,
    done: str | None = None,
) -> Response:
    """One FO: its lines (with bins), where it goes, its shipments and their tracking, and the
    actions its status allows."""
    sheet = _sheet(fo_id, staff, uow_of(request))
    return _page(request, staff, sheet, packages=forms.package_count(packages), done=done)


def _done(fo_id: UUID, what: str) -> Response:
    return RedirectResponse(f"/console/fulfilment/orders/{fo_id}?done={what}", status_code=303)


@router.post("/fulfilment/orders/{fo_id}/pick")
def pick(request: Request, fo_id: UUID, staff: Worker) -> Response:
    """Picking begins (open -> in progress), as ``POST /v1/fulfilment/orders/{id}/start``."""
    uow = uow_of(request)
    sheet = _sheet(fo_id, staff, uow)
    _, errors, status = _try(
        lambda: work.start_fulfilment_order(
            fo_id, actor=staff.principal.actor, uow=uow, visible_to_location=scope_of(staff)
        )
    )
    if errors is not None:
        return _page(request, staff, sheet, status=status, errors={"pick": errors})
    return _done(fo_id, "picked")


@router.post("/fulfilment/orders/{fo_id}/pack")
def pack(request: Request, fo_id: UUID, staff: Worker) -> Response:
    """A pickup is packed and waits at the store's counter: its 6-digit code is drawn and
    shown this once (``POST .../ready``); the customer is mailed it."""
    uow = uow_of(request)
    sheet = _sheet(fo_id, staff, uow)
    issued, errors, status = _try(
        lambda: pickup.mark_ready(
            fo_id, actor=staff.principal.actor, uow=uow, visible_to_location=scope_of(staff)
        )
    )
    if issued is None:
        return _page(request, staff, sheet, status=status, errors={"pack": errors or _unknown()})
    return _page(request, staff, _sheet(fo_id, staff, uow), issued_code=issued.code)


@router.post("/fulfilment/orders/{fo_id}/pickup-code")
def new_pickup_code(request: Request, fo_id: UUID, staff: Worker) -> Response:
    """A new code for a ready pickup (lost, or locked after wrong codes), shown this once."""
    uow = uow_of(request)
    sheet = _sheet(fo_id, staff, uow)
    issued, errors, status = _try(
        lambda: pickup.reissue_code(
            fo_id, actor=staff.principal.actor, uow=uow, visible_to_location=scope_of(staff)
        )
    )
    if issued is None:
        errors = errors or _unknown()
        return _page(request, staff, sheet, status=status, errors={"pickup_code": errors})
    return _page(request, staff, _sheet(fo_id, staff, uow), issued_code=issued.code)


def _unknown() -> FormErrors:
    return FormErrors("the action failed")


@router.post("/fulfilment/orders/{fo_id}/handover")
def handover(request: Request, fo_id: UUID, staff: Worker, form: Form) -> Response:
    """The customer collects with their code; a wrong one is counted and shown next to the
    field (422, attempts left); after five the pickup is locked until a new code (409)."""
    uow = uow_of(request)
    sheet = _sheet(fo_id, staff, uow)
    typed = text(form, "code")
    _, errors, status = _try(
        lambda: pickup.hand_over(
            fo_id,
            forms.read_code(form),
            actor=staff.principal.actor,
            uow=uow,
            visible_to_location=scope_of(staff),
        )
    )
    if errors is not None:
        if "code" not in errors.fields:
            errors = FormErrors(errors.message, {"code": errors.message}, errors.code)
        return _page(
            request,
            staff,
            _sheet(fo_id, staff, uow),
            status=status,
            errors={"handover": errors},
            values={"handover": {"code": typed}},
        )
    del sheet
    return _done(fo_id, "handed_over")


@router.post("/fulfilment/orders/{fo_id}/reject")
def reject(request: Request, fo_id: UUID, staff: Worker, form: Form) -> Response:
    """The location cannot do it: its open units go to the next best location or wait as a
    backorder, and the order's timeline says why (``POST .../reject``)."""
    uow = uow_of(request)
    sheet = _sheet(fo_id, staff, uow)

    def run() -> object:
        reason, note = forms.read_reason(form)
        return work.reject_fulfilment_order(
            work.RejectFulfilmentOrder(
                fulfilment_order_id=fo_id,
                reason=reason,
                note=note,
                actor=staff.principal.actor,
                visible_to_location=scope_of(staff),
            ),
            uow=uow,
        )

    _, errors, status = _try(run)
    if errors is not None:
        typed = {"reason": text(form, "reason"), "note": text(form, "note")}
        return _page(
            request,
            staff,
            sheet,
            status=status,
            errors={"reject": errors},
            values={"reject": typed},
        )
    return _done(fo_id, "rejected")


async def carriers_of(request: Request) -> Carriers:
    """The app's carriers when it was given some (tests), else karrio's: as the API's."""
    given: Carriers | None = getattr(request.app.state, "carriers", None)
    return given if given is not None else karrio_carriers


def providers_of(request: Request, uow: UnitOfWork) -> payments.Providers:
    given: payments.Providers | None = getattr(request.app.state, "payment_providers", None)
    return given if given is not None else payments.build_providers(request.app.state.settings, uow)


@router.post("/fulfilment/orders/{fo_id}/ship")
def ship(
    request: Request,
    fo_id: UUID,
    staff: Worker,
    form: Form,
    carriers: Annotated[Carriers, Depends(carriers_of)],
) -> Response:
    """Ship units in one or more packages, as ``POST .../shipments``: a label bought from the
    carrier per package (no transaction open), unless its tracking number is typed; then the
    shipments in one transaction, and the capture when the channel captures at shipment."""
    uow = uow_of(request)
    sheet = _sheet(fo_id, staff, uow)
    fo = sheet.fulfilment_order
    read: list[forms.PackedForm] = []

    def run() -> shipping.Shipped:
        packed = forms.read_packages(form, fo, settings.installed_carriers() | {"generic"})
        read.append(packed)
        command = shipping.ShipPackages(
            fulfilment_order_id=fo_id,
            packages=packed.packages,
            tracking_numbers=packed.tracking_numbers,
            carrier=packed.carrier,
            service=packed.service,
            actor=staff.principal.actor,
            location_scope=scope_of(staff),
            expected_version=_version(text(form, "version")),
        )
        return shipping.ship_packages(command, uow=uow, carriers=carriers)

    shipped, errors, status = _try(run)
    if shipped is None:
        return _page(
            request,
            staff,
            sheet,
            status=status,
            errors={"ship": forms.field_of(errors or _unknown(), read[0] if read else None)},
            values={"ship": {k: v for k, v in form.items() if isinstance(v, str)}},
            packages=forms.package_count(text(form, "packages")),
        )
    shipping.capture_shipped(shipped, uow=uow, providers=providers_of(request, uow))
    return _done(fo_id, "shipped")


@router.get("/fulfilment/orders/{fo_id}/label")
def label(request: Request, fo_id: UUID, staff: Reader, shipment: UUID | None = None) -> Response:
    """A shipment's label: the carrier's document when one was bought, else a printable
    packing label (ship-to, sender, order and shipment numbers)."""
    uow = uow_of(request)
    sheet = _sheet(fo_id, staff, uow)
    chosen = None
    if shipment is not None:
        chosen = next((t for t in sheet.shipments if t.shipment.id == shipment), None)
        if chosen is None:
            raise NotFound(f"no shipment {shipment} of {sheet.fulfilment_order.number}")
    elif sheet.shipments:
        chosen = sheet.shipments[-1]
    if chosen is not None and chosen.shipment.label_format:
        found, pdf = tracking.shipment_label(chosen.shipment.id, uow=uow)
        if pdf is not None:
            return Response(
                pdf,
                media_type="application/pdf",
                headers={
                    "Content-Disposition": f'inline; filename="{found.number}.pdf"',
                    "Cache-Control": "no-store",
                    "X-Content-Type-Options": "nosniff",
                },
            )
    context = {"sheet": sheet, "fo": sheet.fulfilment_order, "tracked": chosen}
    return render(request, "console/fulfilment/label.html", context)
