"""Placing an exchange or reship order for a placed one (``oms.returns`` asks for it).

The new order is the parent's buyer, channel and shipping address again, priced at the unit
prices the caller settled (no price list: an exchange's price difference, a reship's zero),
taxed by the channel's rules on those prices, with no shipping fee. It is sourced by the same
engine as any placement, its levels locked and its stock allocated now (the replacement is
held for the customer from the moment the exchange is approved), and it is an ordinary order
from then on: confirmed when its holds are released, fulfilled by fulfilment's normal path.

One transaction, the caller's: the parent's row lock first (the system's lock order: the
order, then the return, then fulfilment orders, then stock levels), then the levels, then the
new order's number (the hottest lock last, as in placement). ``place_order`` is untouched:
this path shares its steps (``sourcing``), not its code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal
from uuid import UUID

from oms import catalog, channels, inventory
from oms.orders.domain import (
    InsufficientStock,
    LinkKind,
    NewOrder,
    Order,
    OrderLine,
    OrderLink,
    Totals,
)
from oms.orders.domain.commands import LinkedLine
from oms.orders.domain.linking import place_linked
from oms.orders.pricing import PricedLine, Quote, QuoteRequest, ShippingMethod, quote
from oms.orders.repository import ORDERS, Orders
from oms.orders.services import repricing, sourcing
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import FieldProblem, Invalid
from oms.shared.ids import new_id


def place_linked_order(
    parent_order_id: UUID,
    *,
    kind: Literal["exchange", "reship"] | LinkKind,
    return_id: UUID,
    lines: Sequence[LinkedLine],
    hold_until_return_received: bool,
    actor: str,
    uow: UnitOfWork,
    rma: str | None = None,
) -> Order:
    """A new order for the parent's buyer with ``lines`` at their given prices, allocated now;
    held until the return's goods arrive when ``hold_until_return_received``, and until paid
    when its total is above zero. ``rma`` names the return on both timelines."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        parent = orders.get(parent_order_id, lock=True)
        channel = channels.get_channel(parent.channel, uow=uow)
        priced, order_lines = _priced_lines(parent, lines, uow=uow)
        candidates = sourcing.find_order_candidates(parent, uow=uow)
        wants = sourcing.list_wants(
            [(line, line.quantity) for line in order_lines],
            backorders=channel.allows_backorders,
            uow=uow,
        )
        plan = sourcing.source(wants, candidates, lock=True, protect_waiting=True, uow=uow).plan
        if plan.shortfalls:
            raise InsufficientStock(plan.shortfalls)
        new = _new_order(
            parent,
            order_lines,
            priced,
            number=orders.next_number(),
            link=OrderLink(parent_order_id=parent.id, kind=LinkKind(kind), return_id=return_id),
        )
        order = place_linked(
            new,
            parent=parent,
            plan=plan,
            locations=candidates.codes,
            hold_for_return=hold_until_return_received,
            rma=rma,
            actor=actor,
            at=tx.now,
        )
        _add(orders, order)
        sourcing.take_stock(
            order.allocations, reference=order.number, actor=actor, uow=uow, locked=True
        )
        orders.save(parent)
        tx.record(*parent.drain_events(), *order.drain_events())
    return order


def _priced_lines(
    parent: Order, lines: Sequence[LinkedLine], *, uow: UnitOfWork
) -> tuple[Quote, tuple[OrderLine, ...]]:
    """The lines checked (their SKUs and currencies at once, ``lines.0.sku``; then what
    pricing refuses: quantities, negative prices, missing tax rates), priced and numbered."""
    variants = catalog.find_variants([line.sku for line in lines], uow=uow)
    problems: list[FieldProblem] = [] if lines else [FieldProblem("lines", "name a line")]
    for index, line in enumerate(lines):
        variant = variants.get(line.sku)
        if variant is None:
            problems.append(FieldProblem(f"lines.{index}.sku", f"unknown SKU {line.sku!r}"))
        elif not variant.active:
            problems.append(FieldProblem(f"lines.{index}.sku", f"{line.sku} is not for sale"))
        if line.unit_price.currency != parent.currency:
            problems.append(
                FieldProblem(f"lines.{index}.unit_price", f"must be in {parent.currency}")
            )
    if problems:
        raise Invalid("the linked order has invalid lines", problems=problems)
    priced = quote(
        QuoteRequest(
            currency=parent.currency,
            prices_include_tax=parent.prices_include_tax,
            country=repricing.tax_country(parent, uow=uow),
            shipping_method=ShippingMethod(parent.shipping_method),
            lines=tuple(
                PricedLine(
                    sku=line.sku,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    tax_category=str(variants[line.sku].tax_category),
                )
                for line in lines
            ),
            waive_shipping=True,
        ),
        uow=uow,
    )
    return priced, tuple(
        OrderLine(
            id=new_id(),
            line_no=index + 1,
            variant_id=variants[q.sku].id,
            sku=q.sku,
            name=variants[q.sku].name,
            tax_category=str(variants[q.sku].tax_category),
            quantity=q.quantity,
            unit_price=q.unit_price,
            subtotal=q.subtotal,
            discount=q.discount,
            tax_rate=q.tax_rate,
            tax=q.tax,
            total=q.total,
        )
        for index, q in enumerate(priced.lines)
    )


def _new_order(
    parent: Order,
    lines: tuple[OrderLine, ...],
    priced: Quote,
    *,
    number: str,
    link: OrderLink,
) -> NewOrder:
    return NewOrder(
        id=new_id(),
        number=number,
        channel=parent.channel,
        external_id=None,
        buyer=parent.buyer,
        currency=parent.currency,
        prices_include_tax=parent.prices_include_tax,
        shipping_method=parent.shipping_method,
        pickup_location=parent.pickup_location,
        shipping_address=parent.shipping_address,
        billing_address=parent.billing_address,
        address_validated=parent.address_validated,
        notes="",
        totals=Totals.of(priced),
        lines=lines,
        link=link,
    )


def _add(orders: Orders, order: Order) -> None:
    """Store the order; a pre-order SKU's cap refuses a backordered line that would pass it
    (as in placement: a CHECK), the 409 ``preorder-cap-reached``."""
    try:
        orders.add(order)
    except Exception as error:
        if not inventory.breaks_preorder_cap(error):
            raise
        waiting = [line.sku for line in order.lines if line.backordered_quantity]
        raise inventory.PreorderCapReached(waiting) from error
