"""Placing an order: validate everything at once, source it, let the order place itself (priced,
allocated, held if the rules say so), store it and take its stock, in one transaction.

The order of work is deliberate: every check that can fail with a 422 runs before the order is
written (finding or creating the buyer's customer profile is one of them; it commits only with
the order); stock rows are locked (in key order) only after that, and the order number taken
last (a sequence on PostgreSQL, which waits for no one; on SQLite the counter row under the one
write lock), so the hottest locks are held for the shortest time. The walk goes down only: this
module calls its steps (``validation``, ``sourcing``), the domain and the repositories.

It is one transaction, and over HTTP the same one as the Idempotency-Key's claim and stored
response (ADR 0009). The buyer's profile row stays locked (shared) from validation to commit,
so an erasure of that customer waits for the order (and then erases its copy) or the order
waits for the erasure (and finds no such customer). Whether this is the buyer's first order
is asked only when a hold rule would look at the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oms import channels, inventory
from oms.orders.domain import (
    HoldReason,
    HoldRule,
    HoldRuleSetting,
    InsufficientStock,
    NewOrder,
    Order,
    OrderLine,
    Totals,
)
from oms.orders.domain.commands import PlaceOrder
from oms.orders.domain.sourcing import Plan, Want
from oms.orders.repository import ORDERS, Orders
from oms.orders.services import hold_rules, sourcing, validation
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.ids import new_id


@dataclass(frozen=True, slots=True)
class Placement:
    order: Order
    created: bool
    """False when the channel's ``external_id`` named an order placed before."""


def place_order(cmd: PlaceOrder, *, uow: UnitOfWork) -> Placement:
    """Capture an order from any channel without losing, duplicating or overselling it."""
    with uow.begin() as tx:
        orders = tx.repo(ORDERS)
        channel = validation.find_channel(cmd.channel, uow=uow)
        existing = _placed_before(orders, channel.code, cmd.external_id)
        if existing is not None:
            return Placement(existing, created=False)
        draft = validation.validate(cmd, channel, uow=uow)
        candidates = sourcing.find_candidates(
            channel,
            draft.pickup,
            uow=uow,
            destination=cmd.destination,
            address=draft.shipping_address,
        )
        rules = hold_rules.in_force(uow=uow)
        first_order = _first_order(orders, draft, rules)
        lines = _lines(draft)
        wants = sourcing.list_wants(
            [(line, line.quantity) for line in lines],
            backorders=channel.allows_backorders,
            uow=uow,
        )
        plan = sourcing.source(wants, candidates, lock=True, protect_waiting=True, uow=uow).plan
        if plan.shortfalls:
            # On PostgreSQL a concurrent delivery of the same channel order can take the stock
            # after the check above; the order it placed is the answer, not a 409.
            existing = _placed_before(orders, channel.code, cmd.external_id)
            if existing is not None:
                return Placement(existing, created=False)
            raise InsufficientStock(plan.shortfalls)
        order = Order.place(
            _new_order(cmd, channel, draft, lines, number=orders.next_number()),
            plan=plan,
            locations=candidates.codes,
            rules=rules,
            first_order=first_order,
            actor=cmd.actor,
            at=tx.now,
            required_holds=_payment_hold(channel),
        )
        stored = _add(orders, order, plan, wants)
        if stored is not order:
            return Placement(stored, created=False)
        sourcing.take_stock(
            order.allocations, reference=order.number, actor=cmd.actor, uow=uow, locked=True
        )
        tx.record(*order.drain_events())
    return Placement(order, created=True)


PAYMENT_HOLD = ((HoldReason.PAYMENT, "the channel takes payment before confirmation"),)


def _payment_hold(channel: channels.Channel) -> tuple[tuple[HoldReason, str], ...]:
    """A ``payment`` hold when the channel confirms orders only once paid (payments releases
    it when authorisations cover the total). Read from the channel placement already holds
    (cached reference data): no statement on the hot path."""
    return PAYMENT_HOLD if channel.payment_before_confirmation else ()


def _add(orders: Orders, order: Order, plan: Plan, wants: Sequence[Want]) -> Order:
    """Store the order. Its backordered lines move their SKUs' waiting units (a trigger), and
    a pre-order SKU's cap refuses the line that would pass it (a CHECK, exact under any
    concurrency, at no extra statement): that refusal is the 409 ``preorder-cap-reached``."""
    try:
        return orders.add(order)
    except Exception as error:
        if not inventory.breaks_preorder_cap(error):
            raise
        waiting = [w for w in wants if plan.backordered.get(w.line_no)]
        named = [w.sku for w in waiting if w.preorder] or [w.sku for w in waiting]
        raise inventory.PreorderCapReached(list(dict.fromkeys(named))) from error


def _placed_before(orders: Orders, channel: str, external_id: str | None) -> Order | None:
    """The channel's order with this external id, if one was placed (committed) already."""
    if external_id is None:
        return None
    return orders.find_by_external_id(channel, external_id)


def _first_order(orders: Orders, draft: validation.Draft, rules: Sequence[HoldRuleSetting]) -> bool:
    """Whether this is the buyer's first order. The database is asked only when the answer can
    matter: the first-order rule is on and this order's total is above its threshold."""
    if draft.new_buyer:
        return True
    total = draft.quote.total
    if not any(
        rule.rule is HoldRule.FIRST_ORDER_ABOVE
        and rule.enabled
        and (limit := rule.thresholds.get(total.currency)) is not None
        and limit < total
        for rule in rules
    ):
        return False  # no rule would look at it: the answer cannot change the order
    return not orders.has_orders_of(draft.buyer.customer_id)


def _lines(draft: validation.Draft) -> tuple[OrderLine, ...]:
    return tuple(
        OrderLine(
            id=new_id(),
            line_no=index + 1,
            variant_id=item.variant.id,
            sku=item.variant.sku,
            name=item.variant.name,
            tax_category=str(item.variant.tax_category),
            quantity=priced.quantity,
            unit_price=priced.unit_price,
            subtotal=priced.subtotal,
            discount=priced.discount,
            tax_rate=priced.tax_rate,
            tax=priced.tax,
            total=priced.total,
        )
        for index, (item, priced) in enumerate(zip(draft.items, draft.quote.lines, strict=True))
    )


def _new_order(
    cmd: PlaceOrder,
    channel: channels.Channel,
    draft: validation.Draft,
    lines: tuple[OrderLine, ...],
    *,
    number: str,
) -> NewOrder:
    return NewOrder(
        id=new_id(),
        number=number,
        channel=channel.code,
        external_id=cmd.external_id,
        buyer=draft.buyer,
        currency=channel.currency,
        prices_include_tax=channel.prices_include_tax,
        shipping_method=cmd.shipping_method.value,
        pickup_location=draft.pickup.code if draft.pickup else None,
        shipping_address=draft.shipping_address,
        billing_address=draft.billing_address,
        address_validated=draft.address_validated,
        notes=cmd.notes,
        totals=Totals.of(draft.quote),
        lines=lines,
        gift_message=cmd.gift_message,
    )
