"""An order change worked out against the order as it stands: checked (every bad field at
once), priced, and sourced from the stock it may take. The result is an ``Edit``: a preview
shows it, a confirmation hands it to ``Order.apply_change``.

A step of previews and confirmations (below them: it imports no use case).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from uuid import UUID

from oms import catalog, channels
from oms.orders.domain import Allocation, Order, OrderLine, Totals, merge_allocations
from oms.orders.domain.changes import (
    AddLine,
    ChangeShippingAddress,
    ChangeShippingMethod,
    Edit,
    InvalidChange,
    Operation,
    check_stock,
    pricing_field,
)
from oms.orders.domain.editing import (
    moves_pickup,
    operation_problems,
    units_to_add,
    units_to_cancel,
)
from oms.orders.pricing import ShippingMethod
from oms.orders.services import repricing, sourcing
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address, normalise
from oms.shared.errors import FieldProblem, Invalid
from oms.shared.ids import new_id
from oms.shared.money import Money


@dataclass(frozen=True, kw_only=True)
class Target:
    """Where the changed order ships to, how, and the locations that may source it."""

    method: ShippingMethod
    address: Address
    validated: bool
    pickup: channels.Location | None
    candidates: sourcing.Candidates

    @property
    def country(self) -> str:
        """The country the order is priced for: the store's for pickup."""
        return self.pickup.address.country if self.pickup else self.address.country


def revise(order: Order, operations: Sequence[Operation], *, lock: bool, uow: UnitOfWork) -> Edit:
    """Check, price and source the change against the order as it stands. ``lock`` holds the
    stock rows still until the transaction ends (to confirm); without it they are only read."""
    order.check_editable()
    channel, added, target = _checked(order, operations, uow=uow)
    lines, released, kept = _quantities(order, operations, tuple(added.values()))
    added_by = {line.id: index for index, line in added.items()}
    lines, totals = _price(order, lines, operations, target, added_by, uow=uow)
    wants = sourcing.list_wants(
        _units_to_source(order, lines, resource=moves_pickup(order, operations)),
        backorders=channel.allows_backorders,
        uow=uow,
    )
    found = sourcing.source(wants, target.candidates, lock=lock, released=released, uow=uow)
    lines = found.plan.backorder(lines)
    allocated = found.plan.allocations(lines, target.candidates.codes)
    return Edit(
        lines=lines,
        totals=totals,
        allocations=merge_allocations(kept, allocated),
        shipping_method=target.method.value,
        pickup_location=target.pickup.code if target.pickup else None,
        shipping_address=target.address,
        address_validated=target.validated,
        added=frozenset(added_by),
        released=tuple(released),
        allocated=allocated,
        stock=check_stock(wants, found.plan, found.free, target.candidates.ids),
        shortfalls=found.plan.shortfalls,
    )


def _units_to_source(
    order: Order, lines: tuple[OrderLine, ...], *, resource: bool
) -> list[tuple[OrderLine, int]]:
    """What the change adds, or every open unit when the order moves to other locations."""
    before = {line.id: line.quantity for line in order.lines}
    return [
        (line, line.open_quantity if resource else line.quantity - before.get(line.id, 0))
        for line in lines
    ]


def _checked(
    order: Order, operations: Sequence[Operation], *, uow: UnitOfWork
) -> tuple[channels.Channel, dict[int, OrderLine], Target]:
    """The order's channel, the lines the change adds and where the order will go; or one
    ``InvalidChange`` naming every bad field."""
    problems = operation_problems(order, operations)
    channel = channels.get_channel(order.channel, uow=uow)
    added = _added_lines(order, operations, channel, problems, uow=uow)
    target = _target(order, operations, channel, problems, uow=uow)
    if problems:
        raise InvalidChange("the change has invalid fields", problems=problems)
    return channel, added, target


def _added_lines(
    order: Order,
    operations: Sequence[Operation],
    channel: channels.Channel,
    problems: list[FieldProblem],
    *,
    uow: UnitOfWork,
) -> dict[int, OrderLine]:
    """New lines by the index of the operation adding them, at the channel's prices now."""
    adds = {i: op for i, op in enumerate(operations) if isinstance(op, AddLine)}
    if not adds:
        return {}
    skus = [op.sku for op in adds.values()]
    variants = catalog.find_variants(skus, uow=uow)
    prices = catalog.prices_for(skus, channel.code, uow=uow)
    line_no = max(line.line_no for line in order.lines)
    zero = Money.zero(order.currency)
    added: dict[int, OrderLine] = {}
    for index, op in adds.items():
        variant, price = variants.get(op.sku), prices.get(op.sku)
        if variant is None or not variant.active:
            problems.append(FieldProblem(f"operations.{index}.sku", f"{op.sku} is not for sale"))
        elif price is None or price.currency != order.currency:
            message = f"{op.sku} is not sold on {channel.code} in {order.currency}"
            problems.append(FieldProblem(f"operations.{index}.sku", message))
        else:
            line_no += 1
            added[index] = OrderLine(
                id=new_id(),
                line_no=line_no,
                variant_id=variant.id,
                sku=variant.sku,
                name=variant.name,
                tax_category=str(variant.tax_category),
                quantity=op.quantity,
                unit_price=price,
                subtotal=zero,
                discount=zero,
                tax_rate=Decimal(0),
                tax=zero,
                total=zero,
            )
    return added


def _target(
    order: Order,
    operations: Sequence[Operation],
    channel: channels.Channel,
    problems: list[FieldProblem],
    *,
    uow: UnitOfWork,
) -> Target:
    """Where the order goes once changed: the new address (validated) or method and store."""
    address, validated = order.shipping_address, order.address_validated
    method, pickup_code = ShippingMethod(order.shipping_method), order.pickup_location
    chosen_at = None
    for index, op in enumerate(operations):
        if isinstance(op, ChangeShippingAddress):
            try:
                address, validated = normalise(op.address, at=f"operations.{index}.address"), True
            except Invalid as error:
                problems.extend(error.problems)
        elif isinstance(op, ChangeShippingMethod):
            method, pickup_code = op.shipping_method, op.pickup_location
            chosen_at = f"operations.{index}.pickup_location"
    pickup = _pickup(pickup_code, channel, chosen_at, problems, uow=uow)
    return Target(
        method=method,
        address=address,
        validated=validated,
        pickup=pickup,
        candidates=sourcing.find_candidates(channel, pickup, uow=uow),
    )


def _pickup(
    code: str | None,
    channel: channels.Channel,
    chosen_at: str | None,
    problems: list[FieldProblem],
    *,
    uow: UnitOfWork,
) -> channels.Location | None:
    """The pickup store; one the change chooses (``chosen_at``) must offer pickup for the
    channel, while the order's own store stays valid."""
    if code is None:
        return None
    location = channels.locations_by_codes([code], uow=uow).get(code)
    if chosen_at is None:
        return location
    if location is None:
        problems.append(FieldProblem(chosen_at, f"no location has code {code!r}"))
    elif not (location.offers_pickup and location.active):
        problems.append(FieldProblem(chosen_at, f"{location.code} offers no pickup"))
    elif location.code not in channel.location_codes:
        problems.append(FieldProblem(chosen_at, f"{location.code} does not serve {channel.code}"))
    return location


def _quantities(
    order: Order, operations: Sequence[Operation], added: tuple[OrderLine, ...]
) -> tuple[tuple[OrderLine, ...], tuple[Allocation, ...], tuple[Allocation, ...]]:
    """The lines with units cancelled and added, the allocations released and those kept.

    Moving the order to other locations releases every allocation; its lines then wait to be
    sourced again (no backordered units until the new plan says so).
    """
    cancelled = order.plan_cancellation(units_to_cancel(order, operations))
    more = units_to_add(order, operations)
    lines = (
        *(replace(line, quantity=line.quantity + more.get(line.id, 0)) for line in cancelled.lines),
        *added,
    )
    if moves_pickup(order, operations):
        waiting = tuple(replace(line, backordered_quantity=0) for line in lines)
        return waiting, order.allocations, ()
    return lines, cancelled.released, cancelled.remaining


def _price(
    order: Order,
    lines: tuple[OrderLine, ...],
    operations: Sequence[Operation],
    target: Target,
    added_by: Mapping[UUID, int],
    *,
    uow: UnitOfWork,
) -> tuple[tuple[OrderLine, ...], Totals]:
    """Reprice the changed order; existing lines keep their unit prices."""
    try:
        return repricing.reprice(
            order, lines, uow=uow, country=target.country, shipping_method=target.method.value
        )
    except Invalid as error:
        adding = [added_by.get(line.id) for line in lines if line.billed_quantity > 0]
        problems = [
            FieldProblem(pricing_field(p.field, operations, adding), p.message)
            for p in error.problems
        ]
        raise InvalidChange("the changed order cannot be priced", problems=problems) from None
