"""Mapping order rows to the domain and back."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Row, select

from oms.orders.domain import (
    Allocation,
    Buyer,
    Hold,
    HoldReason,
    LinkKind,
    Order,
    OrderLine,
    OrderLink,
    OrderStatus,
    PaymentFigures,
    PaymentStatus,
    TimelineEntry,
    Totals,
)
from oms.orders.tables import (
    MONEY,
    PAYMENT_FIGURES,
    order_allocations,
    order_holds,
    order_lines,
)
from oms.platform.driver_sql import Binder
from oms.shared.address import Address
from oms.shared.money import Money


def _address(data: dict[str, str] | None) -> Address | None:
    return Address(**data) if data else None


@lru_cache(maxsize=8192)
def _from_minor(minor: int, currency: str) -> Money:
    """Money is an immutable value, so a page of orders shares one object per amount (most of
    a page's ~200 amounts repeat: zeros, unit prices equal to line totals)."""
    return Money.from_minor(minor, currency)


def _money(row: Row[Any], name: str, currency: str) -> Money:
    return _from_minor(getattr(row, f"{name}_minor"), currency)


def _line(row: Row[Any], currency: str) -> OrderLine:
    return OrderLine(
        id=row.id,
        line_no=row.line_no,
        variant_id=row.variant_id,
        sku=row.sku,
        name=row.name,
        tax_category=row.tax_category,
        quantity=row.quantity,
        unit_price=_money(row, "unit_price", currency),
        subtotal=_money(row, "subtotal", currency),
        discount=_money(row, "discount", currency),
        tax_rate=Decimal(row.tax_rate),
        tax=_money(row, "tax", currency),
        total=_money(row, "total", currency),
        cancelled_quantity=row.cancelled_quantity,
        backordered_quantity=row.backordered_quantity,
        fulfilled_quantity=row.fulfilled_quantity,
        delivered_quantity=row.delivered_quantity,
        returned_quantity=row.returned_quantity,
        return_requested_quantity=row.return_requested_quantity,
    )


def _hold(row: Row[Any]) -> Hold:
    return Hold(
        id=row.id,
        reason=HoldReason(row.reason),
        note=row.note,
        placed_by=row.placed_by,
        placed_at=row.placed_at,
        auto_release_at=row.auto_release_at,
        released_at=row.released_at,
        released_by=row.released_by,
        rule=row.rule,
    )


def _order(
    row: Row[Any], lines: list[OrderLine], holds: list[Hold], allocations: list[Allocation]
) -> Order:
    currency = row.currency
    shipping = _address(row.shipping_address)
    assert shipping is not None
    return Order(
        id=row.id,
        number=row.number,
        channel=row.channel_code,
        external_id=row.external_id,
        buyer=Buyer(
            customer_id=row.customer_id,
            email=row.customer_email,
            name=row.customer_name,
            phone=row.customer_phone,
            locale=row.customer_locale,
        ),
        status=OrderStatus(row.status),
        version=row.version,
        currency=currency,
        prices_include_tax=row.prices_include_tax,
        shipping_method=row.shipping_method,
        pickup_location=row.pickup_location_code,
        shipping_address=shipping,
        billing_address=_address(row.billing_address),
        address_validated=row.address_validated,
        notes=row.notes,
        totals=Totals(**{name: _money(row, name, currency) for name in MONEY}),
        placed_at=row.placed_at,
        updated_at=row.updated_at,
        lines=tuple(lines),
        holds=tuple(holds),
        allocations=tuple(allocations),
        cancelled_at=row.cancelled_at,
        cancel_reason=row.cancel_reason,
        payments=_payments(row, currency),
        gift_message=row.gift_message,
        link=_link(row),
    )


def _link(row: Row[Any]) -> OrderLink | None:
    if row.parent_order_id is None:
        return None
    return OrderLink(
        parent_order_id=row.parent_order_id, kind=LinkKind(row.link_kind), return_id=row.return_id
    )


def _payments(row: Row[Any], currency: str) -> PaymentFigures | None:
    """The stored figures; None for an order no tender has moved money for (most orders,
    which then share no objects at all)."""
    status = PaymentStatus(row.payment_status)
    amounts = [getattr(row, f"amount_{name}_minor") for name in PAYMENT_FIGURES]
    if status is PaymentStatus.UNPAID and not any(amounts):
        return None
    authorized, captured, refunded, conceded = (_from_minor(m, currency) for m in amounts)
    return PaymentFigures(
        status=status,
        authorized=authorized,
        captured=captured,
        refunded=refunded,
        conceded=conceded,
    )


line_from_row, hold_from_row, order_from_row = _line, _hold, _order
"""The mappings, for the joined page of ``queries.search_orders``."""


def load_orders(c: Connection, rows: Sequence[Row[Any]]) -> list[Order]:
    """Orders for ``rows`` of the orders table, with lines, holds and allocations (3 queries)."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    currency = {row.id: row.currency for row in rows}
    lines: dict[UUID, list[OrderLine]] = {i: [] for i in ids}
    for line in c.execute(
        select(order_lines).where(order_lines.c.order_id.in_(ids)).order_by(order_lines.c.line_no)
    ):
        lines[line.order_id].append(_line(line, currency[line.order_id]))
    holds: dict[UUID, list[Hold]] = {i: [] for i in ids}
    for hold in c.execute(
        select(order_holds)
        .where(order_holds.c.order_id.in_(ids))
        .order_by(order_holds.c.placed_at, order_holds.c.id)
    ):
        holds[hold.order_id].append(_hold(hold))
    allocations: dict[UUID, list[Allocation]] = {i: [] for i in ids}
    for a in c.execute(
        select(order_allocations).where(
            order_allocations.c.order_id.in_(ids), order_allocations.c.quantity > 0
        )
    ):
        allocations[a.order_id].append(
            Allocation(
                line_id=a.line_id,
                variant_id=a.variant_id,
                location_id=a.location_id,
                location=a.location_code,
                quantity=a.quantity,
            )
        )
    return [_order(row, lines[row.id], holds[row.id], allocations[row.id]) for row in rows]


def order_values(order: Order) -> dict[str, Any]:
    totals = {f"{name}_minor": getattr(order.totals, name).minor for name in MONEY}
    return {
        "id": order.id,
        "number": order.number,
        "channel_code": order.channel,
        "external_id": order.external_id,
        "customer_id": order.buyer.customer_id,
        "customer_email": order.buyer.email,
        "customer_name": order.buyer.name,
        "customer_phone": order.buyer.phone,
        "customer_locale": order.buyer.locale,
        "status": order.status.value,
        "on_hold": order.on_hold,
        "version": order.version,
        "currency": order.currency,
        "prices_include_tax": order.prices_include_tax,
        "shipping_method": order.shipping_method,
        "pickup_location_code": order.pickup_location,
        "shipping_address": order.shipping_address.as_dict(),
        "billing_address": order.billing_address.as_dict() if order.billing_address else None,
        "address_validated": order.address_validated,
        "notes": order.notes,
        "placed_at": order.placed_at,
        "updated_at": order.updated_at,
        "cancelled_at": order.cancelled_at,
        "cancel_reason": order.cancel_reason,
        "gift_message": order.gift_message,
        **totals,
        **_payment_values(order),
        **_after_sales_values(order),
    }


def _payment_values(order: Order) -> dict[str, Any]:
    """The payment columns (not part of placement's INSERT: their server defaults are what
    a new order has)."""
    figures = order.payment_figures
    return {
        "payment_status": figures.status.value,
        **{f"amount_{name}_minor": getattr(figures, name).minor for name in PAYMENT_FIGURES},
    }


def _after_sales_values(order: Order) -> dict[str, Any]:
    """The return status and the link (not part of placement's INSERT either: a new order has
    returned nothing, and a linked one is written with its link right after)."""
    link = order.link
    return {
        "return_status": order.return_status.value,
        "parent_order_id": link.parent_order_id if link else None,
        "link_kind": link.kind.value if link else None,
        "return_id": link.return_id if link else None,
    }


def line_values(order_id: UUID, line: OrderLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "order_id": order_id,
        "line_no": line.line_no,
        "variant_id": line.variant_id,
        "sku": line.sku,
        "name": line.name,
        "tax_category": line.tax_category,
        "quantity": line.quantity,
        "cancelled_quantity": line.cancelled_quantity,
        "backordered_quantity": line.backordered_quantity,
        "fulfilled_quantity": line.fulfilled_quantity,
        "delivered_quantity": line.delivered_quantity,
        "returned_quantity": line.returned_quantity,
        "return_requested_quantity": line.return_requested_quantity,
        "unit_price_minor": line.unit_price.minor,
        "subtotal_minor": line.subtotal.minor,
        "discount_minor": line.discount.minor,
        "tax_rate": str(line.tax_rate),
        "tax_minor": line.tax.minor,
        "total_minor": line.total.minor,
    }


def hold_values(order_id: UUID, hold: Hold) -> dict[str, Any]:
    return {
        "id": hold.id,
        "order_id": order_id,
        "reason": hold.reason.value,
        "rule": hold.rule,
        "note": hold.note,
        "placed_by": hold.placed_by,
        "placed_at": hold.placed_at,
        "auto_release_at": hold.auto_release_at,
        "released_at": hold.released_at,
        "released_by": hold.released_by,
    }


# The hot writes of placement as driver SQL (``oms.platform.driver_sql``): each ``*_row`` returns
# its table's values as a tuple in the order of its ``*_COLUMNS``, bound as Core would bind them.

ORDER_COLUMNS = (
    "id",
    "number",
    "channel_code",
    "external_id",
    "customer_id",
    "customer_email",
    "customer_name",
    "customer_phone",
    "customer_locale",
    "status",
    "on_hold",
    "version",
    "currency",
    "prices_include_tax",
    "shipping_method",
    "pickup_location_code",
    "shipping_address",
    "billing_address",
    "address_validated",
    "notes",
    "placed_at",
    "updated_at",
    "cancelled_at",
    "cancel_reason",
    "gift_message",
    *(f"{name}_minor" for name in MONEY),
)
ORDER_JSON = frozenset({"shipping_address", "billing_address"})


def order_row(order: Order, b: Binder) -> tuple[Any, ...]:
    totals = order.totals
    buyer = order.buyer
    return (
        b.uuid(order.id),
        order.number,
        order.channel,
        order.external_id,
        b.uuid(buyer.customer_id),
        buyer.email,
        buyer.name,
        buyer.phone,
        buyer.locale,
        order.status.value,
        order.on_hold,
        order.version,
        order.currency,
        order.prices_include_tax,
        order.shipping_method,
        order.pickup_location,
        b.json(order.shipping_address.as_dict()),
        b.json(order.billing_address.as_dict() if order.billing_address else None),
        order.address_validated,
        order.notes,
        b.at(order.placed_at),
        b.at(order.updated_at),
        b.at(order.cancelled_at),
        order.cancel_reason,
        order.gift_message,
        *(getattr(totals, name).minor for name in MONEY),
    )


LINE_COLUMNS = (
    "id",
    "order_id",
    "line_no",
    "variant_id",
    "sku",
    "name",
    "tax_category",
    "quantity",
    "cancelled_quantity",
    "backordered_quantity",
    "fulfilled_quantity",
    "delivered_quantity",
    "unit_price_minor",
    "subtotal_minor",
    "discount_minor",
    "tax_rate",
    "tax_minor",
    "total_minor",
)


def line_row(order_id: Any, line: OrderLine, b: Binder) -> tuple[Any, ...]:
    """``order_id`` as bound already (``b.uuid``)."""
    return (
        b.uuid(line.id),
        order_id,
        line.line_no,
        b.uuid(line.variant_id),
        line.sku,
        line.name,
        line.tax_category,
        line.quantity,
        line.cancelled_quantity,
        line.backordered_quantity,
        line.fulfilled_quantity,
        line.delivered_quantity,
        line.unit_price.minor,
        line.subtotal.minor,
        line.discount.minor,
        str(line.tax_rate),
        line.tax.minor,
        line.total.minor,
    )


HOLD_COLUMNS = (
    "id",
    "order_id",
    "reason",
    "rule",
    "note",
    "placed_by",
    "placed_at",
    "auto_release_at",
    "released_at",
    "released_by",
)


def hold_row(order_id: Any, hold: Hold, b: Binder) -> tuple[Any, ...]:
    """``order_id`` as bound already (``b.uuid``)."""
    return (
        b.uuid(hold.id),
        order_id,
        hold.reason.value,
        hold.rule,
        hold.note,
        hold.placed_by,
        b.at(hold.placed_at),
        b.at(hold.auto_release_at),
        b.at(hold.released_at),
        hold.released_by,
    )


ALLOCATION_COLUMNS = (
    "line_id",
    "order_id",
    "variant_id",
    "location_id",
    "location_code",
    "quantity",
)


def allocation_row(order_id: Any, a: Allocation, b: Binder) -> tuple[Any, ...]:
    """``order_id`` as bound already (``b.uuid``)."""
    return (
        b.uuid(a.line_id),
        order_id,
        b.uuid(a.variant_id),
        b.uuid(a.location_id),
        a.location,
        a.quantity,
    )


TIMELINE_COLUMNS = ("order_id", "at", "actor", "kind", "summary", "details")
TIMELINE_JSON = frozenset({"details"})


def timeline_row(order_id: Any, e: TimelineEntry, b: Binder) -> tuple[Any, ...]:
    """``order_id`` as bound already (``b.uuid``)."""
    return (order_id, b.at(e.at), e.actor, e.kind, e.summary, b.json(e.details))
