"""The returns desk of the staff console: find returns, read one with what it decided, and take
a parcel in with its inspection in one step.

Search takes what people type: an RMA (``RMA-000001``, ``rma-1`` or just ``1``), an order's
number or external id, or the buyer's email; the last two are resolved to orders through
``oms.orders`` (at most ``ORDERS_PER_SEARCH`` of them, newest first) and the desk lists those
orders' returns.

``receive_at_desk`` is the inspection table of the console: per line the units arriving now and,
when the inspector already knows, the disposition of every received unit not inspected yet.
Each line is checked against the return first, so every mistake is named on its line at once;
then receipt and inspection run in one transaction (``receiving``'s two steps nest in it), so
a parcel is never left half taken in. The aggregate checks everything again under the lock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from uuid import UUID

from oms import orders
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.lifecycle import ReturnStatus
from oms.returns.domain.returns import Disposition, ReturnLine, ReturnRequest
from oms.returns.repository.desk import RETURN_DESK, DeskSearch
from oms.returns.repository.resolutions import RETURN_REFUNDS, DecidedRefund
from oms.returns.repository.returns import RETURNS, DeskKey
from oms.returns.services import receiving
from oms.shared.errors import FieldProblem, Invalid

ORDERS_PER_SEARCH = 50
"""How many orders a number or an email may name: a customer's latest fifty."""

RMA = re.compile(r"^(?:RMA-?)?0*(\d{1,9})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeskQuery:
    statuses: tuple[ReturnStatus, ...] | None = None
    q: str = ""
    """An RMA, an order number or external id, or an email."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeskReturn:
    """One return as the desk shows it: the return, whether its label is stored, and the
    refunds its resolution decided (payments knows each by ``refund_id``)."""

    request: ReturnRequest
    has_label: bool
    refunds: tuple[DecidedRefund, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiveAtDesk:
    return_id: UUID
    arrived: Mapping[UUID, int]
    """Units arriving now per return line (0 or absent: none)."""
    dispositions: Mapping[UUID, Disposition]
    """Lines inspected now: every received unit not yet inspected, those arriving included."""
    actor: str
    location_scope: str | None = None


def search_returns(
    query: DeskQuery,
    *,
    uow: UnitOfWork,
    after: DeskKey | None,
    limit: int,
    visible_to: str | None = None,
    location_scope: str | None = None,
) -> list[ReturnRequest]:
    """The desk's list, newest first: by status and what was typed; a location-bound user
    sees the returns coming back to their location."""
    search = DeskSearch(statuses=query.statuses, location=location_scope, channel=visible_to)
    typed = query.q.strip()
    if typed:
        search = _narrowed(search, typed, uow=uow, visible_to=visible_to)
    with uow.read() as tx:
        return tx.repo(RETURN_DESK).search(search, after=after, limit=limit)


def count_returns(
    *, uow: UnitOfWork, visible_to: str | None = None, location_scope: str | None = None
) -> dict[ReturnStatus, int]:
    """How many returns wait in each status (the desk's tabs)."""
    with uow.read() as tx:
        return tx.repo(RETURN_DESK).counts(location=location_scope, channel=visible_to)


def return_at_desk(
    return_id: UUID,
    *,
    uow: UnitOfWork,
    visible_to: str | None = None,
    location_scope: str | None = None,
) -> DeskReturn:
    """One return with its label's presence and its decided refunds; another location's
    return does not exist for a location-bound user."""
    with uow.read() as tx:
        request = tx.repo(RETURNS).get(return_id, visible_to=visible_to, at_location=location_scope)
        return DeskReturn(
            request=request,
            has_label=tx.repo(RETURN_DESK).has_label(request.id),
            refunds=tuple(tx.repo(RETURN_REFUNDS).for_return(request.id)),
        )


def receive_at_desk(cmd: ReceiveAtDesk, *, uow: UnitOfWork) -> ReturnRequest:
    """Units arrived and (for lines given a disposition) inspected, in one transaction;
    every line's mistake is refused at once (``Invalid`` naming ``lines.<id>.received`` or
    ``lines.<id>.disposition``) before anything moves."""
    with uow.read() as tx:
        request = tx.repo(RETURNS).get(cmd.return_id, at_location=cmd.location_scope)
    arrived, inspected = _plan(request, cmd)
    with uow.begin():
        if arrived:
            request = receiving.receive_return_units(
                receiving.ReceiveUnits(
                    return_id=request.id,
                    units=arrived,
                    actor=cmd.actor,
                    location_scope=cmd.location_scope,
                ),
                uow=uow,
            )
        if inspected:
            request = receiving.inspect_return_units(
                receiving.InspectUnits(
                    return_id=request.id,
                    units=inspected,
                    actor=cmd.actor,
                    location_scope=cmd.location_scope,
                ),
                uow=uow,
            )
    return request


def _plan(
    request: ReturnRequest, cmd: ReceiveAtDesk
) -> tuple[dict[UUID, int], dict[UUID, tuple[int, Disposition]]]:
    """What arrives and what is inspected per line, in the return's line order, or every
    line's problem at once."""
    known = {line.line_id for line in request.lines}
    for line_id in (*cmd.arrived, *cmd.dispositions):
        if line_id not in known:
            raise Invalid(f"return {request.reference} has no line {line_id}", field="lines")
    problems: list[FieldProblem] = []
    arrived: dict[UUID, int] = {}
    inspected: dict[UUID, tuple[int, Disposition]] = {}
    for line in request.lines:
        units = cmd.arrived.get(line.line_id, 0)
        problem = _arrival_problem(line, units)
        if problem:
            problems.append(FieldProblem(f"lines.{line.line_id}.received", problem))
            continue
        if units:
            arrived[line.line_id] = units
        disposition = cmd.dispositions.get(line.line_id)
        if disposition is None:
            continue
        waiting = line.received - line.inspected + units
        problem = _inspection_problem(line, disposition, waiting)
        if problem:
            problems.append(FieldProblem(f"lines.{line.line_id}.disposition", problem))
        else:
            inspected[line.line_id] = (waiting, disposition)
    if problems:
        raise Invalid("check the lines marked below", problems=problems)
    if not arrived and not inspected:
        raise Invalid(
            "nothing arrived and nothing was inspected: enter the units that arrived or "
            "choose what becomes of the received ones",
            field="lines",
        )
    return arrived, inspected


def _arrival_problem(line: ReturnLine, units: int) -> str | None:
    if units < 0:
        return "cannot be negative"
    if units > line.outstanding:
        return f"at most {line.outstanding} unit(s) can still arrive on this line"
    return None


def _inspection_problem(line: ReturnLine, disposition: Disposition, waiting: int) -> str | None:
    if waiting == 0:
        return "no received unit of this line waits for inspection"
    if line.disposition not in (None, disposition):
        return (
            f"this line's units were inspected as {line.disposition.value}; "
            f"the rest take the same disposition"
        )
    return None


def _narrowed(
    search: DeskSearch, typed: str, *, uow: UnitOfWork, visible_to: str | None
) -> DeskSearch:
    """The search for what was typed: an RMA, else the orders it names (email, or number or
    external id)."""
    rma = RMA.match(typed)
    if rma and (typed.isdigit() or typed.upper().startswith("RMA")):
        return replace(search, number=f"RMA-{int(rma.group(1)):06d}")
    found = orders.list_orders(
        orders.OrderFilter(customer_email=typed) if "@" in typed else orders.OrderFilter(q=typed),
        uow=uow,
        after=None,
        limit=ORDERS_PER_SEARCH,
        visible_to=visible_to,
    )
    return replace(search, order_ids=tuple(order.id for order in found))
