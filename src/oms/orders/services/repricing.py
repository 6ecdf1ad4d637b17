"""Pricing an order again after lines are cancelled, added or changed.

A step of cancellation and edits (below them: it imports no use case).

Totals always describe the order as it stands: the remaining units at their original unit
prices, with tax and shipping from the current configuration (as when it was placed; a linked
order ships free, as it was placed). A line's
discount shrinks in proportion to its remaining units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from uuid import UUID

from oms import channels
from oms.orders.domain import Order, OrderLine, Totals
from oms.orders.pricing import PricedLine, QuoteRequest, ShippingMethod, quote
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money


def reprice(
    order: Order,
    lines: tuple[OrderLine, ...],
    *,
    uow: UnitOfWork,
    country: str | None = None,
    shipping_method: str | None = None,
) -> tuple[tuple[OrderLine, ...], Totals]:
    """New money for ``lines`` (quantities already changed) and the order's new totals."""
    billed = [line for line in lines if line.billed_quantity > 0]
    if not billed:
        zero = Money.zero(order.currency)
        return tuple(_zeroed(line, zero) for line in lines), Totals.zero(order.currency)
    destination = country or tax_country(order, uow=uow)
    priced = quote(
        QuoteRequest(
            currency=order.currency,
            prices_include_tax=order.prices_include_tax,
            country=destination,
            shipping_method=ShippingMethod(shipping_method or order.shipping_method),
            waive_shipping=order.link is not None,
            lines=tuple(
                PricedLine(
                    sku=line.sku,
                    quantity=line.billed_quantity,
                    unit_price=line.unit_price,
                    tax_category=line.tax_category,
                    discount=_discount(line),
                )
                for line in billed
            ),
        ),
        uow=uow,
    )
    by_id: Mapping[UUID, OrderLine] = {
        line.id: replace(
            line,
            subtotal=q.subtotal,
            discount=q.discount,
            tax_rate=q.tax_rate,
            tax=q.tax,
            total=q.total,
        )
        for line, q in zip(billed, priced.lines, strict=True)
    }
    zero = Money.zero(order.currency)
    return tuple(by_id.get(line.id) or _zeroed(line, zero) for line in lines), Totals.of(priced)


def tax_country(order: Order, *, uow: UnitOfWork) -> str:
    """Where tax is due: the pickup store's country for pickups (as when placed), else the
    shipping address's."""
    if order.pickup_location is not None:
        store = channels.locations_by_codes([order.pickup_location], uow=uow).get(
            order.pickup_location
        )
        if store is not None:
            return store.address.country
    return order.shipping_address.country


def _discount(line: OrderLine) -> Money | None:
    """The line's discount scaled from the units it was last priced for to its billed units."""
    if line.discount.amount == 0 or line.unit_price.amount == 0:
        return None
    priced_units = line.subtotal.amount / line.unit_price.amount
    if not priced_units:
        return None
    return Money(line.discount.amount * line.billed_quantity / priced_units, line.discount.currency)


def _zeroed(line: OrderLine, zero: Money) -> OrderLine:
    return replace(line, subtotal=zero, discount=zero, tax=zero, total=zero)
