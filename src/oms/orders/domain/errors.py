"""Errors of the orders context: facts, never HTTP."""

from __future__ import annotations

from collections.abc import Sequence

from oms.orders.domain.sourcing import Shortfall
from oms.shared.errors import (
    Conflict,
    Invalid,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
)


class OrderNotFound(NotFound):
    code = "order-not-found"
    title = "Order not found"

    def __init__(self, reference: str) -> None:
        super().__init__(f"no order {reference}", order=reference)


class HoldNotFound(NotFound):
    code = "hold-not-found"
    title = "Hold not found"

    def __init__(self, number: str, hold_id: str) -> None:
        super().__init__(f"order {number} has no open hold {hold_id}", hold=hold_id)


class InsufficientStock(Conflict):
    code = "insufficient-stock"
    title = "Insufficient stock"

    def __init__(self, shortfalls: Sequence[Shortfall]) -> None:
        listed = "; ".join(
            f"{s.sku}: {s.requested} requested, {s.available} available" for s in shortfalls
        )
        super().__init__(
            f"not enough stock: {listed}",
            shortfalls=[
                {"sku": s.sku, "requested": s.requested, "available": s.available}
                for s in shortfalls
            ],
        )


class OrderOnHold(Conflict):
    code = "order-on-hold"
    title = "Order is on hold"

    def __init__(self, number: str, reasons: list[str]) -> None:
        super().__init__(
            f"order {number} is on hold ({', '.join(reasons)}); release its holds first",
            holds=reasons,
        )


class NothingToCancel(Conflict):
    code = "nothing-to-cancel"
    title = "Nothing left to cancel"

    def __init__(self, number: str) -> None:
        super().__init__(f"order {number} has no open units left to cancel")


class StaleOrderVersion(PreconditionFailed):
    code = "stale-version"
    title = "The order has changed"

    def __init__(self, number: str, expected: int, actual: int) -> None:
        super().__init__(
            f"order {number} is at version {actual}, not {expected}; reload and retry",
            expected_version=expected,
            actual_version=actual,
        )


class VersionRequired(PreconditionRequired):
    code = "version-required"
    title = "If-Match required"

    def __init__(self) -> None:
        super().__init__("send If-Match with the order version (its ETag) to confirm a change")


class ChangeNotFound(NotFound):
    code = "order-change-not-found"
    title = "Order change not found"

    def __init__(self, change_id: str) -> None:
        super().__init__(f"no pending order change {change_id}", change=change_id)


class NotEditable(Conflict):
    code = "order-not-editable"
    title = "Order can no longer be edited"

    def __init__(self, number: str, why: str) -> None:
        super().__init__(f"order {number} cannot be edited: {why}")


class InvalidOrder(Invalid):
    code = "invalid-order"
    title = "Invalid order"


class NotAllocatedThere(Conflict):
    code = "units-not-allocated"
    title = "Units are not allocated at that location"

    def __init__(self, number: str, location: str, short: Sequence[tuple[str, int, int]]) -> None:
        listed = "; ".join(
            f"{sku}: {wanted} to ship, {held} allocated" for sku, wanted, held in short
        )
        super().__init__(
            f"order {number} does not hold these units at {location}: {listed}",
            location=location,
            lines=[
                {"sku": sku, "requested": wanted, "allocated": held} for sku, wanted, held in short
            ],
        )


class NotShipped(Conflict):
    code = "units-not-shipped"
    title = "Units have not shipped"

    def __init__(self, number: str, short: Sequence[tuple[str, int, int]]) -> None:
        listed = "; ".join(
            f"{sku}: {wanted} delivered, {out} on their way" for sku, wanted, out in short
        )
        super().__init__(
            f"order {number} has fewer units on their way: {listed}",
            lines=[
                {"sku": sku, "requested": wanted, "in_transit": out} for sku, wanted, out in short
            ],
        )


class NothingToReroute(Conflict):
    code = "nothing-to-reroute"
    title = "Nothing to reroute"

    def __init__(self, number: str, away_from: Sequence[str]) -> None:
        super().__init__(
            f"order {number} holds no units to reroute at {', '.join(away_from) or 'no location'}",
            away_from=list(away_from),
        )


class NotDone(Conflict):
    code = "order-not-done"
    title = "The order is not done"

    def __init__(self, number: str, why: str) -> None:
        super().__init__(f"order {number} cannot complete: {why}", why=why)


class InvariantBroken(RuntimeError):
    """An order whose units no longer add up: a bug, never a request to refuse, so not a
    ``DomainError`` (the API answers it as any other fault: a 500, logged with its trace).
    Raised by ``Order.check_invariants`` (tests and every fulfilment transition) before
    anything is saved, so a broken order never reaches the database."""

    def __init__(self, number: str, problems: Sequence[str]) -> None:
        super().__init__(f"order {number}: {'; '.join(problems)}")
        self.problems = list(problems)
