"""What the orders desk reads: the list's filters from the query string, and every context's
part of one order for its page (each part only for roles with the API's permission to read it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.datastructures import QueryParams

from oms import auth, channels, invoicing, orders, payments
from oms.console.shell import FormErrors, Staff
from oms.fulfilment.services import queues, tracking
from oms.notifications.services.mail import history
from oms.orders import HoldReason, Order, OrderFilter, OrderStatus, PaymentStatus
from oms.orders.services import order_timeline
from oms.payments.services.failed_orders import orders_with_failed_payments
from oms.platform.pagination import BY_TIME, read_cursor
from oms.platform.security import Permission
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.services.desk import DeskQuery, search_returns
from oms.shared.errors import DomainError, Invalid

FIELDS = (
    "q",
    "status",
    "channel",
    "on_hold",
    "hold_reason",
    "payment",
    "backordered",
    "placed_from",
    "placed_to",
    "after",
)
FAILED = "failed"
"""``payment=failed``: orders with a failed tender (``payments.orders_with_failed_payments``)."""
TIMELINE_ENTRIES = 500
"""The timeline shown at once; an order with more offers the rest page by page."""
QUERY_LENGTH = 100


@dataclass(slots=True)
class ListQuery:
    """The order list's filters as typed (``values``) and as the search takes them."""

    values: dict[str, str]
    filters: OrderFilter = field(default_factory=OrderFilter)
    after: tuple[datetime, UUID] | None = None
    choices: dict[str, list[str]] = field(default_factory=dict)

    @property
    def filtered(self) -> bool:
        return any(self.values.get(name) for name in FIELDS if name != "after")


def _day(raw: str, name: str) -> datetime:
    """A day (``2026-12-04``) or an instant; a day starts at midnight UTC."""
    try:
        if "T" in raw:
            found = datetime.fromisoformat(raw)
            return found if found.tzinfo else found.replace(tzinfo=UTC)
        return datetime.combine(date.fromisoformat(raw), time(), tzinfo=UTC)
    except ValueError:
        raise Invalid(f"{name} is not a date", field=name) from None


def _choice(raw: str, allowed: list[str], name: str) -> str | None:
    if not raw:
        return None
    if raw not in allowed:
        raise Invalid(f"{name} is not one of the choices", field=name)
    return raw


def _flag(raw: str, name: str) -> bool | None:
    if raw in ("", "any"):
        return None
    if raw not in ("true", "false"):
        raise Invalid(f"{name} is true or false", field=name)
    return raw == "true"


def _filters(query: ListQuery, *, uow: UnitOfWork, staff: Staff) -> None:
    v = query.values
    c = query.choices
    q = v["q"].strip()
    if len(q) > QUERY_LENGTH:
        raise Invalid(f"search for at most {QUERY_LENGTH} characters", field="q")
    status = _choice(v["status"], c["status"], "status")
    reason = _choice(v["hold_reason"], c["hold_reason"], "hold_reason")
    payment = _choice(v["payment"], c["payment"], "payment")
    on_hold = _flag(v["on_hold"], "on_hold")
    placed_to = _day(v["placed_to"], "placed_to") if v["placed_to"] else None
    if placed_to is not None and "T" not in v["placed_to"]:
        placed_to += timedelta(days=1)  # the day typed is included
    query.filters = OrderFilter(
        q=q or None,
        status=OrderStatus(status) if status else None,
        channel=_choice(v["channel"], c["channel"], "channel"),
        on_hold=True if reason else on_hold,
        hold_reason=HoldReason(reason) if reason else None,
        payment_status=PaymentStatus(payment) if payment and payment != FAILED else None,
        backordered=_flag(v["backordered"], "backordered"),
        placed_from=_day(v["placed_from"], "placed_from") if v["placed_from"] else None,
        placed_to=placed_to,
    )
    if payment == FAILED:
        failed = orders_with_failed_payments(uow=uow, visible_to=staff.principal.channel_scope)
        query.filters = replace(query.filters, order_ids=failed)
    query.after = read_cursor(v["after"] or None, BY_TIME)


def parse_list_query(
    params: QueryParams, *, uow: UnitOfWork, staff: Staff
) -> tuple[ListQuery, FormErrors | None]:
    """The list's filters; a wrong one is named next to its field (the rest is kept)."""
    values = {name: params.get(name, "").strip() for name in FIELDS}
    visible = channels.list_channels(
        uow=uow, after=None, limit=200, visible_to=staff.principal.channel_scope
    )
    query = ListQuery(
        values=values,
        choices={
            "status": [s.value for s in OrderStatus],
            "channel": [channel.code for channel in visible],
            "hold_reason": [r.value for r in HoldReason],
            "payment": [s.value for s in PaymentStatus] + [FAILED],
        },
    )
    try:
        _filters(query, uow=uow, staff=staff)
    except DomainError as error:
        return query, FormErrors.of(error)
    return query, None


def _if(staff: Staff, permission: Permission, read: Any) -> Any:
    return read() if staff.can(permission) else None


def order_sections(
    request: Request, staff: Staff, order: Order, *, uow: UnitOfWork
) -> dict[str, Any]:
    """Everything the order page shows, each part read through its own context."""
    scope = staff.principal.channel_scope
    location = staff.principal.location_scope
    after = request.query_params.get("timeline_after")
    timeline = order_timeline(
        order.id,
        uow=uow,
        after=int(after) if after and after.isdigit() else None,
        limit=TIMELINE_ENTRIES + 1,
        visible_to=scope,
    )
    sections = {
        "order": order,
        "timeline": timeline[:TIMELINE_ENTRIES],
        "timeline_more": timeline[TIMELINE_ENTRIES - 1][0]
        if len(timeline) > TIMELINE_ENTRIES
        else None,
        "payments": _if(
            staff,
            Permission.PAYMENTS_READ,
            lambda: payments.list_payments(order.id, uow=uow, visible_to=scope),
        ),
        "fulfilment_orders": _if(
            staff,
            Permission.FULFILMENT_READ,
            lambda: queues.order_fulfilment_orders(
                order.id, uow=uow, visible_to=scope, visible_to_location=location
            ),
        ),
        "shipments": _if(
            staff,
            Permission.FULFILMENT_READ,
            lambda: tracking.order_shipments(
                order.id, uow=uow, visible_to=scope, location_scope=location
            ),
        ),
        "sourcing": _if(
            staff,
            Permission.FULFILMENT_READ,
            lambda: orders.sourcing_decisions(order.id, uow=uow, visible_to=scope),
        ),
        "returns": _if(
            staff,
            Permission.RETURNS_READ,
            lambda: search_returns(
                DeskQuery(q=order.number),
                uow=uow,
                after=None,
                limit=50,
                visible_to=scope,
                location_scope=location,
            ),
        ),
        "invoices": invoicing.order_documents(
            order.id,
            uow=uow,
            visible_to=scope,
            sees_restricted=staff.can(Permission.CUSTOMERS_CONTACTS),
        ),
        "notifications": _if(
            staff,
            Permission.NOTIFICATIONS_READ,
            lambda: history.order_notifications(order.id, uow=uow, limit=50, visible_to=scope),
        ),
        "contacts": staff.principal.sees_contacts,
        "Permission": Permission,
    }
    sections["actors"] = auth.actor_names(_actors(sections), uow=uow)
    return sections


def _actors(sections: dict[str, Any]) -> Iterator[str]:
    """Who the page names as having done something (shown by name when a staff user)."""
    order = sections["order"]
    for hold in order.holds:
        yield hold.placed_by
        if hold.released_by:
            yield hold.released_by
    yield from (entry.actor for _, entry in sections["timeline"])
    for tender in sections["payments"] or ():
        yield from (t.actor for t in tender.transactions)
    yield from (d.actor for d in sections["sourcing"] or ())
    yield from (m.requested_by for m in sections["notifications"] or () if m.requested_by)
