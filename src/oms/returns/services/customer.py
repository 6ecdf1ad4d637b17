"""The customer's side of returns on their tracking page: which lines they may still ask back
(and, for those they may not, the policy's reason), and their order's returns as they stand.

The options are checked by the very rules a request is (``domain.eligibility.refusals``), read
outside a transaction: they are a preview, and the request itself checks again under the
order's lock (``requests.request_customer_return``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oms import orders
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.eligibility import AskedLine, refusals
from oms.returns.domain.policy import ReturnPolicy
from oms.returns.domain.returns import RETURN_REASONS, ReturnReason, ReturnRequest
from oms.returns.repository.policies import POLICIES
from oms.returns.repository.returns import RETURNS
from oms.returns.services.requests import line_facts


@dataclass(frozen=True, slots=True, kw_only=True)
class LineOption:
    """One order line: how many units may still come back (0: none), and the policy's reason
    when it refuses units that are left (None when none are left: none delivered yet, or all
    returned or asked back already)."""

    line: orders.OrderLine
    returnable: int
    refusal: str | None
    window_closes_at: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnOptions:
    policy: ReturnPolicy
    lines: tuple[LineOption, ...]
    reasons: tuple[ReturnReason, ...] = RETURN_REASONS

    @property
    def any(self) -> bool:
        return any(option.returnable for option in self.lines)


def return_options(order: orders.Order, *, uow: UnitOfWork, now: datetime) -> ReturnOptions:
    """Per line of the order, what its buyer may ask back now under the channel's policy."""
    with uow.read() as tx:
        policy = tx.repo(POLICIES).get(order.channel, currency=order.currency)
    facts = line_facts(order, policy, uow=uow)
    options = []
    for line in order.lines:
        fact = facts[line.id]
        left = max(fact.left, 0)
        asked = AskedLine(line_id=line.id, quantity=left, reason=ReturnReason.OTHER)
        problems = refusals([asked], facts, policy, now=now) if left else []
        start = fact.delivered_at or fact.shipped_at
        options.append(
            LineOption(
                line=line,
                returnable=0 if problems else left,
                refusal=problems[0].message if problems else None,
                window_closes_at=None
                if start is None
                else policy.window_closes_at(start, fact.sku, fact.product),
            )
        )
    return ReturnOptions(policy=policy, lines=tuple(options))


def order_returns(order: orders.Order, *, uow: UnitOfWork) -> list[ReturnRequest]:
    """The order's returns, exchanges and claims, oldest first."""
    with uow.read() as tx:
        return tx.repo(RETURNS).for_order(order.id)
