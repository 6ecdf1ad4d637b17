"""Placing an order: validate everything at once, price it, allocate it, hold it if the rules
say so, all in one transaction with its events.

The order of work is deliberate: every check that can fail with a 422 runs before anything is
written; stock rows are locked (in key order) only after that, and the order number's counter
row last, so the hottest locks are held for the shortest time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError

from oms import channels, inventory
from oms.orders import repository as repo
from oms.orders.domain import (
    Allocation,
    Buyer,
    InsufficientStock,
    Order,
    OrderAction,
    OrderLine,
    OrderStatus,
    TimelineEntry,
)
from oms.orders.domain.events import LineUnits, OrderConfirmed, OrderPlaced
from oms.orders.domain.sourcing import Plan, Want, plan
from oms.orders.pricing import ShippingMethod
from oms.orders.services import checks
from oms.orders.services.holding import automatic_holds, hold_events
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.shared.address import Address
from oms.shared.events import Event
from oms.shared.ids import new_id
from oms.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class NewLine:
    sku: str
    quantity: int
    unit_price: Money | None = None
    """Only marketplaces send their own price; other channels sell at their price list."""
    discount: Money | None = None


@dataclass(frozen=True, kw_only=True)
class CustomerDetails:
    email: str
    name: str
    phone: str | None = None
    locale: str | None = None


@dataclass(frozen=True, kw_only=True)
class PlaceOrder:
    channel: str
    customer: CustomerDetails
    shipping_address: Address
    lines: tuple[NewLine, ...]
    actor: str
    shipping_method: ShippingMethod = ShippingMethod.STANDARD
    billing_address: Address | None = None
    pickup_location: str | None = None
    external_id: str | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Placement:
    order: Order
    created: bool
    """False when the channel's ``external_id`` named an order placed before."""


def place_order(cmd: PlaceOrder, *, uow: UnitOfWork) -> Placement:
    """Capture an order from any channel without losing, duplicating or overselling it."""
    with uow.begin() as tx:
        channel = checks.channel(cmd.channel, uow=uow)
        existing = _placed_before(tx, channel.code, cmd.external_id)
        if existing is not None:
            return Placement(existing, created=False)
        draft = checks.validate(cmd, channel, uow=uow)
        try:
            order = _assemble(tx, cmd, channel, draft, uow=uow)
        except InsufficientStock:
            # On PostgreSQL a concurrent delivery of the same channel order can take the stock
            # after the check above; the order it placed is the answer, not a 409.
            existing = _placed_before(tx, channel.code, cmd.external_id)
            if existing is None:
                raise
            return Placement(existing, created=False)
        try:
            _insert(tx, order)
        except IntegrityError:
            existing = _placed_before(tx, channel.code, cmd.external_id)
            if existing is None:
                raise
            return Placement(existing, created=False)
        allocate_stock(order, actor=cmd.actor, uow=uow, locked=True)
        repo.append_timeline(tx.connection, order.id, _timeline(order, cmd.actor))
        tx.record(*_events(order))
    return Placement(order, created=True)


def _insert(tx: Transaction, order: Order) -> None:
    """Insert the order; with an external id inside a savepoint, so losing the race to a
    concurrent delivery of the same channel order leaves the transaction usable to read it."""
    if order.external_id is None:
        repo.insert_order(tx.connection, order)
        return
    with tx.connection.begin_nested():
        repo.insert_order(tx.connection, order)


def _placed_before(tx: Transaction, channel: str, external_id: str | None) -> Order | None:
    """The channel's order with this external id, if one was placed (committed) already."""
    if external_id is None:
        return None
    return repo.order_by_external_id(tx.connection, channel, external_id)


def _assemble(
    tx: Transaction,
    cmd: PlaceOrder,
    channel: channels.Channel,
    draft: checks.Draft,
    *,
    uow: UnitOfWork,
) -> Order:
    customer = draft.customer
    order_id = new_id()
    lines = _lines(draft)
    first_order = not repo.has_orders(tx.connection, customer.id)
    holds = automatic_holds(tx, draft, first_order=first_order, actor=cmd.actor)
    allocation = _plan(draft, lines, channel, uow=uow)
    lines = tuple(
        replace(line, backordered_quantity=allocation.backordered.get(line.line_no, 0))
        for line in lines
    )
    by_no = {line.line_no: line for line in lines}
    order = Order(
        id=order_id,
        number=repo.next_number(tx.connection),
        channel=channel.code,
        external_id=cmd.external_id,
        buyer=Buyer(
            customer_id=customer.id,
            email=customer.email.lower(),
            name=draft.buyer_name,
            phone=customer.phone,
            locale=customer.locale or channel.default_locale,
        ),
        status=OrderStatus.PENDING,
        version=1,
        currency=channel.currency,
        prices_include_tax=channel.prices_include_tax,
        shipping_method=cmd.shipping_method.value,
        pickup_location=draft.pickup.code if draft.pickup else None,
        shipping_address=draft.shipping_address,
        billing_address=draft.billing_address,
        address_validated=draft.address_validated,
        notes=cmd.notes,
        totals=checks.totals(draft.quote),
        placed_at=tx.now,
        updated_at=tx.now,
        lines=lines,
        holds=tuple(holds),
        allocations=tuple(
            Allocation(
                line_id=by_no[p.line_no].id,
                variant_id=p.variant_id,
                location_id=p.location_id,
                location=draft.codes[p.location_id],
                quantity=p.quantity,
            )
            for p in allocation.picks
        ),
    )
    if not order.on_hold:
        order = order.with_changes(status=order.next_status(OrderAction.CONFIRM))
    return order


def _lines(draft: checks.Draft) -> tuple[OrderLine, ...]:
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


def _plan(
    draft: checks.Draft,
    lines: tuple[OrderLine, ...],
    channel: channels.Channel,
    *,
    uow: UnitOfWork,
) -> Plan:
    """Lock the candidate stock rows, then plan against exact numbers (no retry loop needed)."""
    candidates = draft.candidates
    variant_ids = sorted({line.variant_id for line in lines})
    levels = inventory.levels_for_update(
        [(v, loc) for v in variant_ids for loc in candidates], uow=uow
    )
    settings = inventory.stock_settings(variant_ids, uow=uow)
    available = {
        key: level.on_hand - level.allocated - level.unavailable for key, level in levels.items()
    }
    wants = [
        Want(
            line_no=line.line_no,
            variant_id=line.variant_id,
            sku=line.sku,
            quantity=line.quantity,
            backorderable=channel.allows_backorders
            or (line.variant_id in settings and settings[line.variant_id].allows_backorders),
        )
        for line in lines
    ]
    result = plan(wants, candidates, available)
    if result.shortfalls:
        raise InsufficientStock(result.shortfalls)
    return result


def allocate_stock(order: Order, *, actor: str, uow: UnitOfWork, locked: bool = False) -> None:
    """Post the order's allocations; ``locked`` when ``_plan`` locked their levels already."""
    if order.allocations:
        inventory.allocate(
            inventory.StockLines(
                lines=tuple(
                    inventory.StockLine(
                        variant_id=a.variant_id, location_id=a.location_id, quantity=a.quantity
                    )
                    for a in order.allocations
                ),
                reference=order.number,
                actor=actor,
            ),
            uow=uow,
            locked=locked,
        )


def _timeline(order: Order, actor: str) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            at=order.placed_at,
            actor=actor,
            kind="placed",
            summary=f"placed on {order.channel} for {order.totals.total}",
            details={
                "after": {
                    "status": OrderStatus.PENDING.value,
                    "total": str(order.totals.total.amount),
                    "lines": [{"sku": line.sku, "quantity": line.quantity} for line in order.lines],
                }
            },
        ),
        *(
            TimelineEntry(
                at=order.placed_at,
                actor=actor,
                kind="held",
                summary=f"held ({h.reason.value}): {h.note}",
                details={"hold_id": str(h.id), "reason": h.reason.value, "rule": h.rule},
            )
            for h in order.holds
        ),
    ]
    backordered = [line for line in order.lines if line.backordered_quantity]
    if backordered:
        entries.append(
            TimelineEntry(
                at=order.placed_at,
                actor=actor,
                kind="backordered",
                summary=", ".join(
                    f"{line.backordered_quantity} x {line.sku} backordered" for line in backordered
                ),
                details={
                    "lines": [
                        {"sku": line.sku, "quantity": line.backordered_quantity}
                        for line in backordered
                    ]
                },
            )
        )
    if order.status is OrderStatus.CONFIRMED:
        entries.append(
            TimelineEntry(
                at=order.placed_at,
                actor=actor,
                kind="confirmed",
                summary="confirmed: no holds",
                details={"before": {"status": "pending"}, "after": {"status": "confirmed"}},
            )
        )
    return entries


def _events(order: Order) -> list[Event]:
    events: list[Event] = [
        OrderPlaced(
            aggregate_id=order.id,
            number=order.number,
            channel=order.channel,
            customer_id=order.buyer.customer_id,
            total=order.totals.total,
            lines=tuple(LineUnits(sku=line.sku, quantity=line.quantity) for line in order.lines),
            backordered=tuple(
                LineUnits(sku=line.sku, quantity=line.backordered_quantity)
                for line in order.lines
                if line.backordered_quantity
            ),
        ),
        *hold_events(order, order.holds),
    ]
    if order.status is OrderStatus.CONFIRMED:
        events.append(OrderConfirmed(aggregate_id=order.id, number=order.number))
    return events
