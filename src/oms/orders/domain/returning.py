"""The rules for units coming back: asked back, withdrawn, received; and what that makes the
order's return status. Pure functions over the lines, like ``fulfilment`` for units going out.

A line's delivered units are split three ways: kept by the customer, asked back by an open
return request (``return_requested_quantity``) and received back (``returned_quantity``). The
last two never exceed what was delivered (a CHECK on the table and ``invariant_problems``
here), so a unit is never returned twice nor asked back once it is in the warehouse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from enum import StrEnum
from uuid import UUID

from oms.orders.domain.lifecycle import OrderReturnStatus
from oms.orders.domain.model import OrderLine
from oms.shared.errors import FieldProblem, Invalid


class ReturnStep(StrEnum):
    """What happens to units asked back, each with the units it may take from a line."""

    REQUEST = "request"
    WITHDRAW = "withdraw"
    RECEIVE = "receive"


_LIMITS: Mapping[ReturnStep, tuple[Callable[[OrderLine], int], str]] = {
    ReturnStep.REQUEST: (lambda ln: ln.returnable_quantity, "can still be returned"),
    ReturnStep.WITHDRAW: (lambda ln: ln.return_requested_quantity, "are asked back"),
    ReturnStep.RECEIVE: (lambda ln: ln.return_requested_quantity, "are asked back"),
}


def plan_return_step(
    number: str, lines: Sequence[OrderLine], step: ReturnStep, units: Mapping[UUID, int]
) -> tuple[OrderLine, ...]:
    """``lines`` after ``step`` took ``units`` (line id -> units), or one ``Invalid`` naming
    every bad entry by its position (``lines.0.quantity``), in the caller's order."""
    if not units:
        raise Invalid("name at least one line", field="lines")
    by_id = {line.id: line for line in lines}
    limit, what = _LIMITS[step]
    problems: list[FieldProblem] = []
    for index, (line_id, count) in enumerate(units.items()):
        line = by_id.get(line_id)
        if line is None:
            problems.append(FieldProblem(f"lines.{index}.line_id", f"{number} has no such line"))
        elif count <= 0:
            problems.append(FieldProblem(f"lines.{index}.quantity", "must be at least 1"))
        elif count > limit(line):
            problems.append(
                FieldProblem(
                    f"lines.{index}.quantity",
                    f"only {limit(line)} of {line.sku} {what} ({line.delivered_quantity} "
                    f"delivered, {line.returned_quantity} returned, "
                    f"{line.return_requested_quantity} asked back)",
                )
            )
    if problems:
        raise Invalid(f"the {step.value} of returned units is not valid", problems=problems)
    return tuple(_moved(line, step, units.get(line.id, 0)) for line in lines)


def _moved(line: OrderLine, step: ReturnStep, count: int) -> OrderLine:
    if not count:
        return line
    if step is ReturnStep.REQUEST:
        return replace(line, return_requested_quantity=line.return_requested_quantity + count)
    if step is ReturnStep.WITHDRAW:
        return replace(line, return_requested_quantity=line.return_requested_quantity - count)
    return replace(
        line,
        return_requested_quantity=line.return_requested_quantity - count,
        returned_quantity=line.returned_quantity + count,
    )


def return_status(lines: Sequence[OrderLine]) -> OrderReturnStatus:
    """``returned`` once every delivered unit came back and nothing more is asked back;
    ``partially_returned`` once any came back; ``return_requested`` while units are only asked
    back; else ``none``."""
    delivered = sum(line.delivered_quantity for line in lines)
    returned = sum(line.returned_quantity for line in lines)
    requested = sum(line.return_requested_quantity for line in lines)
    if returned and returned == delivered and not requested:
        return OrderReturnStatus.RETURNED
    if returned:
        return OrderReturnStatus.PARTIALLY_RETURNED
    if requested:
        return OrderReturnStatus.RETURN_REQUESTED
    return OrderReturnStatus.NONE


def invariant_problems(lines: Sequence[OrderLine]) -> list[str]:
    """Every way the lines break the return invariant: 0 <= returned, 0 <= asked back, and
    returned + asked back <= delivered."""
    problems: list[str] = []
    for line in lines:
        returned, requested = line.returned_quantity, line.return_requested_quantity
        if returned < 0 or requested < 0:
            problems.append(f"{line.sku}: {returned} returned, {requested} asked back")
        elif returned + requested > line.delivered_quantity:
            problems.append(
                f"{line.sku}: {returned} returned + {requested} asked back > "
                f"{line.delivered_quantity} delivered"
            )
    return problems
