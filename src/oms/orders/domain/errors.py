"""Errors of the orders context: facts, never HTTP."""

from __future__ import annotations

from collections.abc import Sequence

from oms.orders.domain.sourcing import Shortfall
from oms.shared.errors import Conflict, Invalid, NotFound, PreconditionFailed, PreconditionRequired


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
