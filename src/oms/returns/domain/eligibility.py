"""Which lines of an order may be asked back, and why not: the per-line refusals of a return
request.

A line may come back while units of it remain (delivered − returned − already asked back), the
SKU is returnable (the catalog's flag and the policy's product override: either one saying no
is a no), and its window is open: the policy's days (a product's own first) from the line's
last delivery, or from when it last left when no delivery event came (or when the policy counts
from shipment). Every refusal names its line's field (``lines.0.quantity``) with a sentence a
customer can read. Pure: the facts are gathered by the service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms.returns.domain.policy import ReturnPolicy, WindowStart
from oms.returns.domain.returns import RETURN_REASONS, ReturnReason
from oms.shared.errors import FieldProblem


@dataclass(frozen=True, slots=True, kw_only=True)
class AskedLine:
    """One line of a return request as asked."""

    line_id: UUID
    quantity: int
    reason: ReturnReason
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LineFacts:
    """What decides whether an order line may come back."""

    sku: str
    product: str | None
    """The product's handle (policy overrides may name it)."""
    returnable: bool
    """The catalog's flag."""
    delivered: int
    returned: int
    asked_back: int
    shipped_at: datetime | None
    delivered_at: datetime | None

    @property
    def left(self) -> int:
        return self.delivered - self.returned - self.asked_back


def refusals(
    asked: Sequence[AskedLine],
    lines: Mapping[UUID, LineFacts],
    policy: ReturnPolicy,
    *,
    now: datetime,
) -> list[FieldProblem]:
    """Every reason the request cannot be accepted, per line (empty: it can)."""
    problems: list[FieldProblem] = []
    seen: set[UUID] = set()
    for index, line in enumerate(asked):
        at = f"lines.{index}"
        facts = lines.get(line.line_id)
        if facts is None:
            problems.append(FieldProblem(f"{at}.line_id", f"the order has no line {line.line_id}"))
            continue
        if line.line_id in seen:
            problems.append(FieldProblem(f"{at}.line_id", f"{facts.sku} is asked back twice"))
            continue
        seen.add(line.line_id)
        if line.reason not in RETURN_REASONS:
            problems.append(
                FieldProblem(f"{at}.reason", f"{line.reason.value} is a claim's reason")
            )
        problems.extend(_line_refusals(line, facts, policy, at=at, now=now))
    return problems


def _line_refusals(
    line: AskedLine, facts: LineFacts, policy: ReturnPolicy, *, at: str, now: datetime
) -> list[FieldProblem]:
    if not facts.returnable or not policy.product_rule(facts.sku, facts.product).returnable:
        return [FieldProblem(f"{at}.line_id", f"{facts.sku} cannot be returned")]
    problems: list[FieldProblem] = []
    if line.quantity < 1:
        problems.append(FieldProblem(f"{at}.quantity", "must be at least 1"))
    elif line.quantity > facts.left:
        problems.append(FieldProblem(f"{at}.quantity", _too_many(line.quantity, facts)))
    closed = _window_closed(facts, policy, now)
    if closed is not None:
        problems.append(FieldProblem(f"{at}.line_id", closed))
    return problems


def _too_many(quantity: int, facts: LineFacts) -> str:
    if facts.delivered == 0:
        return f"{quantity} units of {facts.sku} asked back, none was delivered yet"
    return (
        f"{quantity} units of {facts.sku} asked back, {max(facts.left, 0)} can still be "
        f"({facts.delivered} delivered, {facts.returned} returned, "
        f"{facts.asked_back} asked back already)"
    )


def _window_closed(facts: LineFacts, policy: ReturnPolicy, now: datetime) -> str | None:
    """The sentence saying the window closed, or None while it is open (or when the line never
    left: nothing was delivered, which the quantity already refuses)."""
    delivered = policy.window_from is WindowStart.DELIVERY and facts.delivered_at is not None
    start = facts.delivered_at if delivered else facts.shipped_at
    if start is None:
        return None
    closes = policy.window_closes_at(start, facts.sku, facts.product)
    if now <= closes:
        return None
    days = policy.window_for(facts.sku, facts.product)
    event = "delivery" if delivered else "shipment"
    return f"the return window closed on {closes.date().isoformat()} ({days} days from {event})"
