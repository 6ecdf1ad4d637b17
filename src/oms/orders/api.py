"""HTTP routes of the orders context.

Routes parse, call one service and answer in the schema the caller may see: who sees contact
details and profile ids is decided by ``Principal`` (``OrderOut.of(order, principal)``), which
channel a key acts for by ``Principal.channel_to_act_for``, paging by ``Page.of``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Response

from oms.orders import services
from oms.orders.domain import HoldRule
from oms.orders.repository import OrderFilter
from oms.orders.schemas import (
    CancelIn,
    HoldIn,
    HoldReleaseIn,
    HoldRuleIn,
    HoldRuleOut,
    OrderChangeIn,
    OrderChangeOut,
    OrderIn,
    OrderOut,
    OrderQuery,
    TimelineEntryOut,
)
from oms.platform.http import REQUIRED_HEADER, Tagged, UoW, send_version
from oms.platform.idempotency import (
    IdempotencyKey,
    OptionalIdempotencyKey,
    run_idempotent,
    subject,
)
from oms.platform.inputs import exact_money
from oms.platform.pagination import BY_POSITION, BY_TIME, Cursor, Limit, Page, read_cursor
from oms.platform.problems import responses
from oms.platform.schemas import MoneyIn
from oms.platform.security import Permission, Principal, Requires
from oms.shared.errors import FieldProblem, Forbidden, Invalid
from oms.shared.money import Money

router = APIRouter(prefix="/v1", tags=["orders"])

Reader = Annotated[Principal, Depends(Requires(Permission.ORDERS_READ))]
Placer = Annotated[Principal, Depends(Requires(Permission.ORDERS_PLACE))]
Holder = Annotated[Principal, Depends(Requires(Permission.ORDERS_HOLD))]
Canceller = Annotated[Principal, Depends(Requires(Permission.ORDERS_CANCEL))]
Editor = Annotated[Principal, Depends(Requires(Permission.ORDERS_EDIT))]
Configurer = Annotated[Principal, Depends(Requires(Permission.ORDERS_CONFIGURE))]
HoldRuleReader = Annotated[Principal, Depends(Requires(Permission.ORDERS_HOLD))]
"""Hold rules hold fraud thresholds: only those who hold orders read them, never channel keys."""


def _about_order(order: Any) -> str:
    return subject("order", order.id)


def _money(given: MoneyIn | None, field: str) -> Money | None:
    return exact_money(given.amount, given.currency, field=field) if given else None


def _command(body: OrderIn, principal: Principal) -> services.PlaceOrder:
    return services.PlaceOrder(
        channel=principal.channel_to_act_for(body.channel),
        external_id=body.external_id,
        customer=services.CustomerDetails(**body.customer.model_dump()),
        shipping_address=body.shipping_address.to_domain(),
        billing_address=body.billing_address.to_domain() if body.billing_address else None,
        lines=tuple(
            services.NewLine(
                sku=line.sku,
                quantity=line.quantity,
                unit_price=_money(line.unit_price, f"lines.{index}.unit_price"),
                discount=_money(line.discount, f"lines.{index}.discount"),
            )
            for index, line in enumerate(body.lines)
        ),
        shipping_method=body.shipping_method,
        pickup_location=body.pickup_location,
        notes=body.notes,
        gift_message=body.gift_message,
        destination=body.shipping_address.destination(),
        actor=principal.actor,
    )


PLACED_BEFORE: dict[int | str, dict[str, Any]] = {
    200: {"model": OrderOut, "description": "The channel's external_id was seen before: the order"}
}


@router.post(
    "/orders",
    status_code=201,
    response_model=OrderOut,
    responses=PLACED_BEFORE | responses(400, 403, 404, 409, 410, 422),
)
def place_order(
    body: OrderIn, principal: Placer, uow: UoW, idempotency: IdempotencyKey
) -> Response:
    """Place an order (Idempotency-Key required).

    Validates every field at once, prices the order in the channel's currency, allocates stock
    without overselling (409 `insufficient-stock` lists each short SKU) and applies the automatic
    hold rules. A replay with the same key returns the first response.
    """
    command = _command(body, principal)
    return run_idempotent(
        uow,
        idempotency,
        lambda: services.place_order(command, uow=uow),
        lambda placed: OrderOut.of(placed.order, principal),
        status_code=lambda placed: 201 if placed.created else 200,
        about=lambda placed: _about_order(placed.order),
    )


@router.get("/orders", responses=responses(403, 422))
def list_orders(
    principal: Reader, uow: UoW, query: Annotated[OrderQuery, Query()]
) -> Page[OrderOut]:
    """Orders, newest first, filtered; a channel key sees only its channel's orders.

    Filtering by `customer_email` needs the right to see contact details (403 otherwise): a
    key that cannot read emails must not be able to test them either.
    """
    if query.customer_email is not None and not principal.sees_contacts:
        raise Forbidden(
            "this key may not see contact details, so it may not filter by them",
            field="customer_email",
        )
    after = read_cursor(query.cursor, BY_TIME)
    filters = OrderFilter(
        status=query.status,
        channel=query.channel,
        customer_email=query.customer_email,
        placed_from=query.placed_from,
        placed_to=query.placed_to,
        on_hold=query.on_hold,
        q=query.q,
    )
    found = services.list_orders(
        filters, uow=uow, after=after, limit=query.limit + 1, visible_to=principal.channel_scope
    )
    return Page.of(
        found, query.limit, lambda o: (o.placed_at, o.id), lambda o: OrderOut.of(o, principal)
    )


@router.get("/orders/{order_id}", responses=responses(404))
def get_order(order_id: UUID, principal: Reader, uow: UoW, response: Tagged) -> OrderOut:
    """One order. Its `ETag` is its version, for `If-Match` on changes."""
    order = services.get_order(order_id, uow=uow, visible_to=principal.channel_scope)
    send_version(response, order.version)
    return OrderOut.of(order, principal)


@router.get("/orders/{order_id}/timeline", responses=responses(404))
def get_order_timeline(
    order_id: UUID, principal: Reader, uow: UoW, limit: Limit = 100, cursor: Cursor = None
) -> Page[TimelineEntryOut]:
    """Everything that happened to the order, oldest first: who, what, when, before and after."""
    key = read_cursor(cursor, BY_POSITION)
    found = services.order_timeline(
        order_id,
        uow=uow,
        after=key[0] if key else None,
        limit=limit + 1,
        visible_to=principal.channel_scope,
    )
    return Page.of(found, limit, lambda row: (row[0],), lambda row: TimelineEntryOut.of(row[1]))


@router.post(
    "/orders/{order_id}/holds",
    status_code=201,
    response_model=OrderOut,
    responses=responses(404, 409, 410),
)
def place_hold(
    order_id: UUID, body: HoldIn, principal: Holder, uow: UoW, idempotency: OptionalIdempotencyKey
) -> Response:
    """Put the order on hold; it cannot progress until every hold is released."""
    command = services.PlaceHold(
        order_id=order_id,
        reason=body.reason,
        note=body.note,
        auto_release_at=body.auto_release_at,
        actor=principal.actor,
    )
    return run_idempotent(
        uow,
        idempotency,
        lambda: services.place_hold(command, uow=uow, visible_to=principal.channel_scope),
        lambda order: OrderOut.of(order, principal),
        about=_about_order,
    )


@router.post("/orders/{order_id}/holds/{hold_id}/release", responses=responses(404, 409))
def release_hold(
    order_id: UUID, hold_id: UUID, principal: Holder, uow: UoW, body: HoldReleaseIn | None = None
) -> OrderOut:
    """Release one hold; when the last is released a pending order is confirmed."""
    command = services.ReleaseHold(
        order_id=order_id, hold_id=hold_id, actor=principal.actor, note=body.note if body else ""
    )
    order = services.release_hold(command, uow=uow, visible_to=principal.channel_scope)
    return OrderOut.of(order, principal)


@router.post("/orders/{order_id}/cancel", responses=responses(404, 409))
def cancel_order(order_id: UUID, body: CancelIn, principal: Canceller, uow: UoW) -> OrderOut:
    """Cancel the order, or some units of its lines, releasing the stock they held.

    Refused with 409 `illegal-transition` once units have shipped.
    """
    command = services.CancelOrder(
        order_id=order_id, reason=body.reason, actor=principal.actor, lines=body.to_lines()
    )
    order = services.cancel_order(command, uow=uow, visible_to=principal.channel_scope)
    return OrderOut.of(order, principal)


@router.get("/hold-rules")
def list_hold_rules(_: HoldRuleReader, uow: UoW) -> list[HoldRuleOut]:
    """The automatic hold rules applied when an order is placed (for those who hold orders)."""
    return [HoldRuleOut.of(s) for s in services.hold_rule_settings(uow=uow)]


@router.put("/hold-rules/{rule}", responses=responses(422))
def set_hold_rule(rule: HoldRule, body: HoldRuleIn, _: Configurer, uow: UoW) -> HoldRuleOut:
    """Turn an automatic hold rule on or off and set its thresholds per currency."""
    command = services.SetHoldRule(
        rule=rule, enabled=body.enabled, thresholds=_thresholds(body.thresholds)
    )
    return HoldRuleOut.of(services.set_hold_rule(command, uow=uow))


def _thresholds(given: dict[str, Decimal]) -> dict[str, Money]:
    """Each amount exact in its currency (``1000.001 EUR`` is refused, not rounded)."""
    found: dict[str, Money] = {}
    problems: list[FieldProblem] = []
    for currency, amount in given.items():
        try:
            money = exact_money(amount, currency, field=f"thresholds.{currency}")
        except Invalid as error:
            problems.extend(error.problems)
            continue
        found[money.currency] = money
    if problems:
        raise Invalid("the thresholds are not valid", problems=problems)
    return found


@router.post(
    "/orders/{order_id}/changes",
    status_code=201,
    response_model=OrderChangeOut,
    responses=responses(404, 409, 410, 422),
)
def preview_change(
    order_id: UUID,
    body: OrderChangeIn,
    principal: Editor,
    uow: UoW,
    idempotency: OptionalIdempotencyKey,
) -> Response:
    """Preview an edit of an order not yet in fulfilment: new totals and the money difference.

    Operations: `add_line`, `remove_line`, `change_quantity`, `change_shipping_address`,
    `change_shipping_method`. Every bad field is named at once (`operations.1.quantity`).
    Stock for added units is checked, not taken; nothing changes until the preview is
    confirmed.
    """
    command = services.PreviewChange(
        order_id=order_id, operations=body.to_domain(), actor=principal.actor
    )
    return run_idempotent(
        uow,
        idempotency,
        lambda: services.preview_change(command, uow=uow, visible_to=principal.channel_scope),
        OrderChangeOut.of,
        about=lambda change: subject("order", change.order_id),
    )


@router.get("/orders/{order_id}/changes", responses=responses(404, 422))
def list_changes(
    order_id: UUID, principal: Reader, uow: UoW, limit: Limit = 50, cursor: Cursor = None
) -> Page[OrderChangeOut]:
    """The order's previewed and confirmed changes, newest first."""
    found = services.list_changes(
        order_id,
        uow=uow,
        after=read_cursor(cursor, BY_TIME),
        limit=limit + 1,
        visible_to=principal.channel_scope,
    )
    return Page.of(found, limit, lambda change: (change.created_at, change.id), OrderChangeOut.of)


@router.post(
    "/orders/{order_id}/changes/{change_id}/confirm",
    responses=responses(404, 409, 412, 422, 428),
)
def confirm_change(
    order_id: UUID,
    change_id: UUID,
    principal: Editor,
    uow: UoW,
    response: Tagged,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The order\'s ETag, its version: `"3"`.',
            json_schema_extra=REQUIRED_HEADER,
        ),
    ] = None,
) -> OrderOut:
    """Apply a previewed change: stock moves, totals are repriced, the version goes up by one.

    Requires `If-Match` with the order's version (428 without it); 412 when the order has
    changed since (the preview is stale: preview again), 409 once confirmed or not editable.
    """
    command = services.ConfirmChange(
        order_id=order_id, change_id=change_id, if_match=if_match, actor=principal.actor
    )
    order = services.confirm_change(command, uow=uow, visible_to=principal.channel_scope)
    send_version(response, order.version)
    return OrderOut.of(order, principal)
