"""Errors of the stock ledger: facts about refused changes, never HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oms.shared.errors import Conflict, NotFound


@dataclass(frozen=True, slots=True, kw_only=True)
class Shortfall:
    sku: str
    location: str
    requested: int
    available: int


class InsufficientStock(Conflict):
    """More stock was asked for than is available; names every level that fell short."""

    code = "insufficient-stock"
    title = "Insufficient stock"

    def __init__(self, shortfalls: Sequence[Shortfall]) -> None:
        first = shortfalls[0]
        super().__init__(
            "; ".join(
                f"{s.sku} at {s.location}: {s.requested} requested, {s.available} available"
                for s in shortfalls
            ),
            sku=first.sku,
            location=first.location,
            requested=first.requested,
            available=first.available,
            shortfalls=[
                {
                    "sku": s.sku,
                    "location": s.location,
                    "requested": s.requested,
                    "available": s.available,
                }
                for s in shortfalls
            ],
        )
        self.shortfalls = tuple(shortfalls)


class InsufficientAllocation(Conflict):
    """More was released or fulfilled than is allocated."""

    code = "insufficient-allocation"
    title = "Not that much is allocated"

    def __init__(self, *, sku: str, location: str, requested: int, allocated: int) -> None:
        super().__init__(
            f"{sku} at {location}: {requested} requested from allocations, {allocated} allocated",
            sku=sku,
            location=location,
            requested=requested,
            allocated=allocated,
        )


class InsufficientUnavailable(Conflict):
    """More was returned to availability than is marked unavailable."""

    code = "insufficient-unavailable"
    title = "Not that much is unavailable"

    def __init__(self, *, sku: str, location: str, requested: int, unavailable: int) -> None:
        super().__init__(
            f"{sku} at {location}: {requested} requested back, {unavailable} unavailable",
            sku=sku,
            location=location,
            requested=requested,
            unavailable=unavailable,
        )


class StaleCount(Conflict):
    """A count was taken against an on-hand figure that has since changed; recount or re-read."""

    code = "stale-count"
    title = "Stock changed since the count began"

    def __init__(self, *, sku: str, location: str, expected: int, actual: int) -> None:
        super().__init__(
            f"{sku} at {location}: expected on hand {expected}, but it is {actual}",
            sku=sku,
            location=location,
            expected_on_hand=expected,
            actual_on_hand=actual,
        )


class SkuNotFound(NotFound):
    code = "sku-not-found"
    title = "SKU not found"

    def __init__(self, sku: str) -> None:
        super().__init__(f"no variant has SKU {sku!r}", sku=sku)


class PreorderCapReached(Conflict):
    """An order would make more units of a pre-order SKU wait than its cap allows."""

    code = "preorder-cap-reached"
    title = "Pre-order cap reached"

    def __init__(self, skus: Sequence[str]) -> None:
        names = ", ".join(skus)
        super().__init__(
            f"the pre-order cap of {names} is reached: no more units can be pre-ordered",
            sku=skus[0] if skus else None,
            skus=list(skus),
        )
