"""An order change checked against the order as it stands: which operations may apply, which
units they cancel and add, and the preview a customer agrees to.

Pure rules; the services price and source the result (``Edit``) and the order applies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from oms.orders.domain.changes import (
    AddLine,
    ChangePreview,
    ChangeQuantity,
    ChangeShippingMethod,
    Edit,
    LineOperation,
    LinePreview,
    Operation,
    RemoveLine,
)
from oms.orders.domain.model import OrderLine
from oms.orders.domain.order import Order
from oms.orders.pricing.domain import ShippingMethod
from oms.shared.errors import FieldProblem


def build_preview(order: Order, edit: Edit) -> ChangePreview:
    """What the customer is shown: each line before and after, the totals and the stock."""
    before = {line.id: line.billed_quantity for line in order.lines}
    return ChangePreview(
        current_totals=order.totals,
        new_totals=edit.totals,
        lines=tuple(
            LinePreview(
                line_id=None if line.id in edit.added else line.id,
                line_no=line.line_no,
                sku=line.sku,
                name=line.name,
                previous_quantity=before.get(line.id, 0),
                quantity=line.billed_quantity,
                unit_price=line.unit_price,
                subtotal=line.subtotal,
                discount=line.discount,
                tax_rate=line.tax_rate,
                tax=line.tax,
                total=line.total,
            )
            for line in edit.lines
        ),
        stock=edit.stock,
        shipping_method=edit.shipping_method,
        pickup_location=edit.pickup_location,
    )


def operation_problems(order: Order, operations: Sequence[Operation]) -> list[FieldProblem]:
    """Every reason the operations cannot apply to ``order``, named by their paths."""
    if not operations:
        return [FieldProblem("operations", "name at least one change")]
    problems: list[FieldProblem] = []
    lines = {line.id: line for line in order.lines}
    first: dict[object, int] = {}
    for index, op in enumerate(operations):
        at = f"operations.{index}"
        key: object = op.line_id if isinstance(op, LineOperation) else op.kind
        if key in first:
            problems.append(FieldProblem(at, f"repeats what operations.{first[key]} changes"))
            continue
        if not isinstance(op, AddLine):
            first[key] = index
        if isinstance(op, LineOperation):
            problems.extend(_line_problems(lines.get(op.line_id), op, at))
        elif isinstance(op, AddLine) and op.quantity < 1:
            problems.append(FieldProblem(f"{at}.quantity", "must be at least 1"))
        elif isinstance(op, ChangeShippingMethod):
            problems.extend(_method_problems(order, op, at))
    if not problems and not _keeps_open_units(order, operations):
        problems.append(
            FieldProblem("operations", "no open line would be left; cancel the order instead")
        )
    return problems


def _line_problems(line: OrderLine | None, op: LineOperation, at: str) -> list[FieldProblem]:
    if line is None:
        return [FieldProblem(f"{at}.line_id", f"the order has no line {op.line_id}")]
    if line.open_quantity == 0:
        message = f"line {line.line_no} ({line.sku}) has no open units"
        return [FieldProblem(f"{at}.line_id", message)]
    if isinstance(op, ChangeQuantity):
        refused = _quantity_problem(line, op.quantity)
        return [FieldProblem(f"{at}.quantity", refused)] if refused else []
    return []


def _quantity_problem(line: OrderLine, quantity: int) -> str | None:
    if quantity < 1:
        return "must be at least 1; remove the line instead"
    if quantity < line.fulfilled_quantity:
        return f"{line.fulfilled_quantity} units of {line.sku} have shipped already"
    if quantity == line.billed_quantity:
        return f"is already {quantity}"
    return None


def _method_problems(order: Order, op: ChangeShippingMethod, at: str) -> list[FieldProblem]:
    pickup = op.shipping_method is ShippingMethod.PICKUP
    if pickup and not op.pickup_location:
        return [FieldProblem(f"{at}.pickup_location", "is required for pickup")]
    if not pickup and op.pickup_location:
        return [FieldProblem(f"{at}.pickup_location", "is only for shipping_method pickup")]
    if op.shipping_method.value == order.shipping_method and (
        op.pickup_location == order.pickup_location
    ):
        return [FieldProblem(f"{at}.shipping_method", f"is already {order.shipping_method}")]
    return []


def _keeps_open_units(order: Order, operations: Sequence[Operation]) -> bool:
    if any(isinstance(op, AddLine) for op in operations):
        return True
    cancelled = units_to_cancel(order, operations)
    return any(line.open_quantity > cancelled.get(line.id, 0) for line in order.lines)


def units_to_cancel(order: Order, operations: Sequence[Operation]) -> dict[UUID, int]:
    """Units per line that removals and lowered quantities cancel."""
    units: dict[UUID, int] = {}
    for op in operations:
        if isinstance(op, RemoveLine):
            units[op.line_id] = order.line(op.line_id).open_quantity
        elif (
            isinstance(op, ChangeQuantity) and op.quantity < order.line(op.line_id).billed_quantity
        ):
            units[op.line_id] = order.line(op.line_id).billed_quantity - op.quantity
    return units


def units_to_add(order: Order, operations: Sequence[Operation]) -> dict[UUID, int]:
    """Units per existing line that raised quantities order on top."""
    return {
        op.line_id: op.quantity - order.line(op.line_id).billed_quantity
        for op in operations
        if isinstance(op, ChangeQuantity) and op.quantity > order.line(op.line_id).billed_quantity
    }


def moves_pickup(order: Order, operations: Sequence[Operation]) -> bool:
    """True when the change switches to or from pickup or to another store: the stock the
    order holds must then come from other locations."""
    return any(
        isinstance(op, ChangeShippingMethod) and op.pickup_location != order.pickup_location
        for op in operations
    )
