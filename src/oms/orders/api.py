"""HTTP routes of the orders context."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import EmailStr

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
    TrackedOrderOut,
)
from oms.platform.http import REQUIRED_HEADER, Tagged, UoW
from oms.platform.idempotency import IdempotencyKey, OptionalIdempotencyKey, run_idempotent
from oms.platform.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.shared.errors import Forbidden, Invalid
from oms.shared.money import Money

router = APIRouter(prefix="/v1", tags=["orders"])

Reader = Annotated[Principal, Depends(Requires(Permission.ORDERS_READ))]
Placer = Annotated[Principal, Depends(Requires(Permission.ORDERS_PLACE))]
Holder = Annotated[Principal, Depends(Requires(Permission.ORDERS_HOLD))]
Canceller = Annotated[Principal, Depends(Requires(Permission.ORDERS_CANCEL))]
Editor = Annotated[Principal, Depends(Requires(Permission.ORDERS_EDIT))]
Configurer = Annotated[Principal, Depends(Requires(Permission.ORDERS_CONFIGURE))]


def _contacts(principal: Principal) -> bool:
    """Staff without contact rights (warehouse) see no email or phone; a channel sees its own."""
    return principal.can(Permission.CUSTOMERS_CONTACTS) or principal.channel_code is not None


def _channel_for(principal: Principal, named: str | None) -> str:
    if principal.channel_code is not None:
        if named not in (None, principal.channel_code):
            raise Forbidden(
                f"this key places orders only for channel {principal.channel_code!r}",
                channel=named,
            )
        return principal.channel_code
    if named is None:
        raise Invalid("name the channel the order comes from", field="channel")
    return named


def _money(value: object) -> Money | None:
    return Money.of(value.amount, value.currency.upper()) if value is not None else None  # type: ignore[attr-defined]


def _command(body: OrderIn, principal: Principal) -> services.PlaceOrder:
    return services.PlaceOrder(
        channel=_channel_for(principal, body.channel),
        external_id=body.external_id,
        customer=services.CustomerDetails(**body.customer.model_dump()),
        shipping_address=body.shipping_address.to_domain(),
        billing_address=body.billing_address.to_domain() if body.billing_address else None,
        lines=tuple(
            services.NewLine(
                sku=line.sku,
                quantity=line.quantity,
                unit_price=_money(line.unit_price),
                discount=_money(line.discount),
            )
            for line in body.lines
        ),
        shipping_method=body.shipping_method,
        pickup_location=body.pickup_location,
        notes=body.notes,
        actor=principal.actor,
    )


PLACED_BEFORE: dict[int | str, dict[str, Any]] = {
    200: {"model": OrderOut, "description": "The channel's external_id was seen before: the order"}
}


@router.post(
    "/orders",
    status_code=201,
    response_model=OrderOut,
    responses=PLACED_BEFORE | responses(400, 403, 404, 409, 422),
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
    contacts = _contacts(principal)
    return run_idempotent(
        uow,
        idempotency,
        lambda: services.place_order(command, uow=uow),
        lambda placed: OrderOut.of(placed.order, contacts=contacts),
        status_code=lambda placed: 201 if placed.created else 200,
    )


@router.get("/orders", responses=responses(422))
def list_orders(
    principal: Reader, uow: UoW, query: Annotated[OrderQuery, Query()]
) -> Page[OrderOut]:
    """Orders, newest first, filtered; a channel key sees only its channel's orders."""
    key = decode_cursor(query.cursor)
    try:
        after = (datetime.fromisoformat(key[0]), UUID(key[1])) if key else None
    except (ValueError, IndexError, TypeError):
        raise Invalid("cursor is not one this API issued", field="cursor") from None
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
        filters, uow=uow, after=after, limit=query.limit + 1, visible_to=principal.channel_code
    )
    page = found[: query.limit]
    more = (
        encode_cursor([page[-1].placed_at.isoformat(), str(page[-1].id)])
        if len(found) > query.limit
        else None
    )
    contacts = _contacts(principal)
    return Page(items=[OrderOut.of(o, contacts=contacts) for o in page], next_cursor=more)


@router.get("/orders/lookup", responses=responses(404, 422))
def lookup_order(
    uow: UoW,
    number: Annotated[str, Query(max_length=20, examples=["SO-10001"])],
    email: Annotated[EmailStr, Query(max_length=320)],
) -> TrackedOrderOut:
    """The customer's view of one order, by its number and the buyer's email (no API key).

    The basis of the tracking page: status and items, no street address or contact details.
    """
    return TrackedOrderOut.of(services.lookup_order(number, str(email), uow=uow))


def _etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


@router.get("/orders/{order_id}", responses=responses(404))
def get_order(order_id: UUID, principal: Reader, uow: UoW, response: Tagged) -> OrderOut:
    """One order. Its `ETag` is its version, for `If-Match` on changes."""
    order = services.get_order(order_id, uow=uow, visible_to=principal.channel_code)
    _etag(response, order.version)
    return OrderOut.of(order, contacts=_contacts(principal))


@router.get("/orders/{order_id}/timeline", responses=responses(404))
def get_order_timeline(
    order_id: UUID, principal: Reader, uow: UoW, limit: Limit = 100, cursor: Cursor = None
) -> Page[TimelineEntryOut]:
    """Everything that happened to the order, oldest first: who, what, when, before and after."""
    key = decode_cursor(cursor)
    after = int(key[0]) if key and isinstance(key[0], int) else None
    found = services.order_timeline(
        order_id, uow=uow, after=after, limit=limit + 1, visible_to=principal.channel_code
    )
    page = found[:limit]
    more = encode_cursor([page[-1][0]]) if len(found) > limit else None
    return Page(items=[TimelineEntryOut.of(entry) for _, entry in page], next_cursor=more)


@router.post(
    "/orders/{order_id}/holds",
    status_code=201,
    response_model=OrderOut,
    responses=responses(404, 409),
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
    contacts = _contacts(principal)
    return run_idempotent(
        uow,
        idempotency,
        lambda: services.place_hold(command, uow=uow, visible_to=principal.channel_code),
        lambda order: OrderOut.of(order, contacts=contacts),
    )


@router.post("/orders/{order_id}/holds/{hold_id}/release", responses=responses(404, 409))
def release_hold(
    order_id: UUID, hold_id: UUID, principal: Holder, uow: UoW, body: HoldReleaseIn | None = None
) -> OrderOut:
    """Release one hold; when the last is released a pending order is confirmed."""
    command = services.ReleaseHold(
        order_id=order_id, hold_id=hold_id, actor=principal.actor, note=body.note if body else ""
    )
    order = services.release_hold(command, uow=uow, visible_to=principal.channel_code)
    return OrderOut.of(order, contacts=_contacts(principal))


@router.post("/orders/{order_id}/cancel", responses=responses(404, 409))
def cancel_order(order_id: UUID, body: CancelIn, principal: Canceller, uow: UoW) -> OrderOut:
    """Cancel the order, or some units of its lines, releasing the stock they held.

    Refused with 409 `illegal-transition` once units have shipped.
    """
    lines = None
    if body.lines is not None:
        try:
            lines = {UUID(line.line_id): line.quantity for line in body.lines}
        except ValueError:
            raise Invalid("line_id must be a line's id", field="lines") from None
    command = services.CancelOrder(
        order_id=order_id, reason=body.reason, actor=principal.actor, lines=lines
    )
    order = services.cancel_order(command, uow=uow, visible_to=principal.channel_code)
    return OrderOut.of(order, contacts=_contacts(principal))


@router.get("/hold-rules")
def list_hold_rules(_: Reader, uow: UoW) -> list[HoldRuleOut]:
    """The automatic hold rules applied when an order is placed."""
    return [HoldRuleOut.of(s) for s in services.hold_rule_settings(uow=uow)]


@router.put("/hold-rules/{rule}", responses=responses(422))
def set_hold_rule(rule: HoldRule, body: HoldRuleIn, _: Configurer, uow: UoW) -> HoldRuleOut:
    """Turn an automatic hold rule on or off and set its thresholds per currency."""
    thresholds = {
        cur.upper(): Money.of(amount, cur.upper()) for cur, amount in body.thresholds.items()
    }
    command = services.SetHoldRule(rule=rule, enabled=body.enabled, thresholds=thresholds)
    return HoldRuleOut.of(services.set_hold_rule(command, uow=uow))


@router.post(
    "/orders/{order_id}/changes",
    status_code=201,
    response_model=OrderChangeOut,
    responses=responses(404, 409, 422),
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
        lambda: services.preview_change(command, uow=uow, visible_to=principal.channel_code),
        OrderChangeOut.of,
    )


@router.get("/orders/{order_id}/changes", responses=responses(404, 422))
def list_changes(
    order_id: UUID, principal: Reader, uow: UoW, limit: Limit = 50, cursor: Cursor = None
) -> Page[OrderChangeOut]:
    """The order's previewed and confirmed changes, newest first."""
    key = decode_cursor(cursor)
    try:
        after = (datetime.fromisoformat(key[0]), UUID(key[1])) if key else None
    except (ValueError, IndexError, TypeError):
        raise Invalid("cursor is not one this API issued", field="cursor") from None
    found = services.list_changes(
        order_id, uow=uow, after=after, limit=limit + 1, visible_to=principal.channel_code
    )
    page = found[:limit]
    more = (
        encode_cursor([page[-1].created_at.isoformat(), str(page[-1].id)])
        if len(found) > limit
        else None
    )
    return Page(items=[OrderChangeOut.of(change) for change in page], next_cursor=more)


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
    order = services.confirm_change(command, uow=uow, visible_to=principal.channel_code)
    _etag(response, order.version)
    return OrderOut.of(order, contacts=_contacts(principal))
