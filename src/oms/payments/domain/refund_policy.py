"""The merchant's refund policy (which reason codes a goodwill refund may give, how much each role
may refund on its own, per currency) and goodwill refunds themselves: how one is spread over the
order's tenders.

Limits, in one rule (``RefundPolicy.check_limit``):

    admin                      never limited (the role that sets the limits)
    a role with a limit row    up to that amount in that currency; above it, 403 naming it
    finance without a row      not limited (finance settles what a csr may not)
    any other role without     may not refund in that currency (a limit of zero): nothing is
    a row                      allowed until an admin says how much

A refund is checked against one request's amount; the limit is per refund, not per day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from oms.payments.domain.ledger import OPEN_STATUSES, TransactionKind, TransactionStatus
from oms.payments.domain.tender import Payment
from oms.shared.errors import FieldProblem, Forbidden, Invalid, NotFound
from oms.shared.money import Money

REASON_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
UNLIMITED_ROLES = frozenset({"admin"})
UNLIMITED_WITHOUT_A_ROW = frozenset({"finance"})


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundReason:
    code: str
    description: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundLimit:
    role: str
    limit: Money


def check_reasons(reasons: Iterable[RefundReason]) -> tuple[RefundReason, ...]:
    """A list an admin may set: codes in snake case, each once, each described."""
    listed = tuple(reasons)
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for index, reason in enumerate(listed):
        if not REASON_CODE.match(reason.code):
            problems.append(
                FieldProblem(f"reasons.{index}.code", "must be snake_case, at most 40 characters")
            )
        elif reason.code in seen:
            problems.append(FieldProblem(f"reasons.{index}.code", "is listed twice"))
        seen.add(reason.code)
        if not reason.description.strip():
            problems.append(FieldProblem(f"reasons.{index}.description", "must not be empty"))
    if problems:
        raise Invalid("the refund reasons are not valid", problems=problems)
    return listed


def check_limits(limits: Iterable[RefundLimit], roles: Iterable[str]) -> tuple[RefundLimit, ...]:
    """A table an admin may set: known roles (admin needs none), one row per role and currency,
    amounts not negative."""
    listed = tuple(limits)
    known = set(roles) - UNLIMITED_ROLES
    problems: list[FieldProblem] = []
    seen: set[tuple[str, str]] = set()
    for index, row in enumerate(listed):
        key = (row.role, row.limit.currency)
        if row.role not in known:
            problems.append(
                FieldProblem(f"limits.{index}.role", f"must be one of {', '.join(sorted(known))}")
            )
        if key in seen:
            problems.append(FieldProblem(f"limits.{index}", "lists this role and currency twice"))
        seen.add(key)
        if row.limit.is_negative():
            problems.append(FieldProblem(f"limits.{index}.amount", "must not be negative"))
    if problems:
        raise Invalid("the refund limits are not valid", problems=problems)
    return listed


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundPolicy:
    reasons: tuple[RefundReason, ...]
    limits: tuple[RefundLimit, ...]

    def check_reason(self, code: str) -> RefundReason:
        """The configured reason with this code; anything else is a 422 on ``reason``."""
        for reason in self.reasons:
            if reason.code == code:
                return reason
        known = ", ".join(r.code for r in self.reasons) or "none is configured"
        raise UnknownRefundReason(code, known)

    def limit_for(self, role: str, currency: str) -> Money | None:
        """How much ``role`` may refund in ``currency`` at once; None when it is not limited."""
        if role in UNLIMITED_ROLES:
            return None
        for row in self.limits:
            if row.role == role and row.limit.currency == currency:
                return row.limit
        return None if role in UNLIMITED_WITHOUT_A_ROW else Money.zero(currency)

    def check_limit(self, role: str, amount: Money) -> None:
        """Refuse (403) a refund above the caller's role's limit, naming the limit."""
        limit = self.limit_for(role, amount.currency)
        if limit is not None and limit < amount:
            raise RefundAboveLimit(role, amount, limit)


class UnknownRefundReason(Invalid):
    code = "unknown-refund-reason"
    title = "Unknown refund reason"

    def __init__(self, given: str, known: str) -> None:
        super().__init__(
            f"{given!r} is not a configured refund reason (configured: {known})", field="reason"
        )


class RefundAboveLimit(Forbidden):
    code = "refund-above-limit"
    title = "Refund above your limit"

    def __init__(self, role: str, requested: Money, limit: Money) -> None:
        super().__init__(
            f"a {role} may refund up to {limit} at once; {requested} needs finance or an admin",
            role=role,
            limit=str(limit.amount),
            requested=str(requested.amount),
            currency=limit.currency,
        )


# -- goodwill refunds -------------------------------------------------------------------------


class RefundDestination(StrEnum):
    ORIGINAL = "original"
    """Back to the order's captured tenders, spread in ``SPREAD_ORDER``."""
    STORE_CREDIT = "store_credit"
    """To the buyer's store credit, in the order's currency (no provider involved)."""


PROVIDER_PREFERENCE = ("store_credit", "stripe", "pos", "marketplace", "manual")
"""Ties between tenders captured at the same instant go in this order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundShare:
    """What one tender is to give back of a refund (``spread`` works these out)."""

    payment_id: UUID
    amount: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundPart:
    """The share of a refund one tender paid back (``payment_id`` None: the buyer's store
    credit) and the movement that did it: the tender's refund transaction, or the credit entry.
    ``status`` is that movement's, read from the ledger when the refund is shown."""

    position: int
    payment_id: UUID | None
    amount: Money
    transaction_id: UUID
    status: TransactionStatus = TransactionStatus.PENDING


@dataclass(frozen=True, slots=True, kw_only=True)
class GoodwillRefund:
    id: UUID
    order_id: UUID
    customer_id: UUID
    """The order's buyer (erasing them blanks ``note``)."""
    reason: str
    note: str
    amount: Money
    destination: RefundDestination
    parts: tuple[RefundPart, ...]
    actor: str
    created_at: datetime

    @property
    def status(self) -> Literal["pending", "completed", "failed"]:
        """``failed`` if a provider refused a part (the others stay refunded), ``pending``
        while a part waits for its provider, else ``completed``."""
        if any(p.status is TransactionStatus.FAILED for p in self.parts):
            return "failed"
        if any(p.status in OPEN_STATUSES for p in self.parts):
            return "pending"
        return "completed"


def refundable_now(payment: Payment) -> Money:
    """What a tender can still refund: captured less refunded and charged back, less refunds
    still waiting for the provider's answer."""
    pending = sum(
        (t.amount for t in payment.open_transactions if t.kind is TransactionKind.REFUND),
        Money.zero(payment.currency),
    )
    return payment.refundable - pending


def spread(amount: Money, payments: Iterable[Payment]) -> tuple[RefundShare, ...]:
    """Split a refund over the tenders that captured money, in this order:

    1. store-credit tenders first: giving credit back is instant, costs no fee and cannot be
       declined, and the buyer chose credit for that part of the order;
    2. then the tender captured most recently first: the newest card charge is the furthest
       from the providers' refund deadlines (a card refund past ~180 days is declined);
    3. ties (captured at the same instant) in ``PROVIDER_PREFERENCE`` (stripe before pos,
       marketplace and manual: a bank transfer refund is a person sending money by hand).

    Each tender gives at most ``refundable_now``; more than all of them hold is a 422 naming
    how much can be refunded.
    """
    candidates = [p for p in payments if refundable_now(p).amount > 0]
    candidates.sort(key=_spread_key)
    left, shares = amount, []
    for payment in candidates:
        if left.amount <= 0:
            break
        share = min(left, refundable_now(payment))
        shares.append(RefundShare(payment_id=payment.id, amount=share))
        left = left - share
    if left.amount > 0:
        raise RefundAboveRefundable(amount, amount - left)
    return tuple(shares)


def _spread_key(payment: Payment) -> tuple[int, float, int]:
    captures = [
        t.settled_at or t.created_at
        for t in payment.transactions
        if t.kind is TransactionKind.CAPTURE and t.succeeded
    ]
    newest = max(captures).timestamp() if captures else 0.0
    first = 0 if payment.provider.value == "store_credit" else 1
    preference = PROVIDER_PREFERENCE.index(payment.provider.value)
    return (first, -newest, preference)


class RefundAboveRefundable(Invalid):
    code = "refund-above-refundable"
    title = "Refund above what the order's tenders can give back"

    def __init__(self, requested: Money, refundable: Money) -> None:
        super().__init__(
            f"{requested} asked, the order's tenders can give back {refundable}",
            field="amount.amount",
            requested=str(requested.amount),
            refundable=str(refundable.amount),
            currency=refundable.currency,
        )


class RefundNotFound(NotFound):
    code = "refund-not-found"
    title = "Refund not found"

    def __init__(self, refund_id: UUID) -> None:
        super().__init__(f"no refund {refund_id}", refund_id=str(refund_id))
