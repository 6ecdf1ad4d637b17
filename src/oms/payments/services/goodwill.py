"""Goodwill refunds (money back not tied to a return) and the refund policy they obey.

``refund_order(order_id, amount, reason, destination, ...)`` is the one core of every order
refund: goodwill refunds over the API run it in its two halves (``begin_refund`` inside the
Idempotency-Key's transaction, then ``finish_refund``), and refunds of returns (issue 11) call
it whole. The two-step rule holds for the whole refund at once:

1. one transaction: check the reason and the caller's limit, lock the order (the lock every
   change of its money takes first), spread the amount over the captured tenders
   (``domain.refund_policy.spread`` documents the order), begin a pending refund on each and
   record the goodwill refund with each part's transaction; or, to store credit, post the
   credit entry (no provider: it is final at once);
2. outside any transaction, each tender's provider is asked and its answer settled
   (``settling.finish``); a crash in between leaves pending refunds, which the sweeper settles.

So a refund is never half recorded, two refunds of one order never spread over the same money
(the second waits for the first's lock and sees its pending refunds), and nothing is refunded
twice: a replayed request returns the first response, a re-run finish finds the parts settled.
A caller without an Idempotency-Key (a return's resolution) names the refund itself
(``refund_id``, chosen and stored before the call): a second call with the same id, even a
concurrent one, finds the first refund under the order's lock and only finishes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from uuid import UUID

from oms import auth, orders
from oms.payments.domain import TransactionKind, TransactionStatus
from oms.payments.domain.refund_policy import (
    GoodwillRefund,
    RefundAboveRefundable,
    RefundDestination,
    RefundLimit,
    RefundNotFound,
    RefundPart,
    RefundPolicy,
    RefundReason,
    check_limits,
    check_reasons,
    refundable_now,
    spread,
)
from oms.payments.repository import LEDGER
from oms.payments.repository.refund_policy import GOODWILL_REFUNDS, REFUND_POLICY
from oms.payments.services.credit import refund_to_store_credit
from oms.payments.services.movements import start_movement
from oms.payments.services.settling import Providers, Started, finish
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.ids import new_id
from oms.shared.money import Money

SYSTEM_REASON_LENGTH = 40
"""A system refund's reason is stored where a reason code goes (``goodwill_refunds.reason``)."""


@dataclass(frozen=True, kw_only=True)
class RefundOrder:
    """Give money back on an order. ``role`` is the caller's, for its limit and its choice of
    a configured reason code; None for refunds the system decides by a policy of its own (a
    return's), which no per-person limit bounds and whose reason is the policy's own words
    (``return RMA-000001``, at most 40 characters). ``refund_id``, when given, is the refund's
    id and makes the refund idempotent: a refund with that id already recorded is returned."""

    order_id: UUID
    amount: Money
    reason: str
    destination: RefundDestination
    actor: str
    role: str | None
    note: str = ""
    refund_id: UUID | None = None


def refund_order(  # noqa: PLR0913 - the entry point refunds of returns (issue 11) call
    order_id: UUID,
    amount: Money,
    reason: str,
    destination: RefundDestination,
    *,
    actor: str,
    role: str | None,
    note: str = "",
    uow: UnitOfWork,
    providers: Providers,
    visible_to: str | None = None,
    refund_id: UUID | None = None,
) -> GoodwillRefund:
    """Refund part of an order to its tenders or to store credit, within the policy: both
    steps at once (``begin_refund``, then ``finish_refund``); with ``refund_id``, at most once
    for that id (a repeated call finishes what the first began)."""
    command = RefundOrder(
        order_id=order_id,
        amount=amount,
        reason=reason,
        destination=destination,
        actor=actor,
        role=role,
        note=note,
        refund_id=refund_id,
    )
    begun = begin_refund(command, uow=uow, visible_to=visible_to)
    return finish_refund(begun.id, uow=uow, providers=providers)


def begin_refund(
    cmd: RefundOrder, *, uow: UnitOfWork, visible_to: str | None = None
) -> GoodwillRefund:
    """Step 1, in the caller's transaction if there is one (the API's Idempotency-Key)."""
    if cmd.amount.amount <= 0:
        raise Invalid("must be positive", field="amount.amount")
    with uow.begin() as tx:
        if cmd.role is not None:
            policy = tx.repo(REFUND_POLICY).current()
            policy.check_reason(cmd.reason)
            policy.check_limit(cmd.role, cmd.amount)
        elif not 0 < len(cmd.reason) <= SYSTEM_REASON_LENGTH:
            raise Invalid(f"must be 1 to {SYSTEM_REASON_LENGTH} characters", field="reason")
        order = orders.order_for_payment(cmd.order_id, uow=uow, visible_to=visible_to)
        if cmd.refund_id is not None:
            earlier = tx.repo(GOODWILL_REFUNDS).get(cmd.refund_id)
            if earlier is not None and earlier.order_id == order.id:
                return earlier
        if cmd.amount.currency != order.currency:
            raise Invalid(f"the order is in {order.currency}", field="amount.currency")
        refund_id = cmd.refund_id or new_id()
        if cmd.destination is RefundDestination.STORE_CREDIT:
            parts = _to_store_credit(cmd, order, refund_id, uow=uow)
        else:
            parts = _to_tenders(cmd, order, uow=uow)
        refund = GoodwillRefund(
            id=refund_id,
            order_id=order.id,
            customer_id=order.buyer.customer_id,
            reason=cmd.reason,
            note=cmd.note,
            amount=cmd.amount,
            destination=cmd.destination,
            parts=parts,
            actor=cmd.actor,
            created_at=tx.now,
        )
        tx.repo(GOODWILL_REFUNDS).add(refund)
    return refund


def _to_tenders(
    cmd: RefundOrder, order: orders.Order, *, uow: UnitOfWork
) -> tuple[RefundPart, ...]:
    """Begin a pending refund on each tender's share (the order is locked by the caller)."""
    with uow.begin() as tx:
        payments = tx.repo(LEDGER).by_order(order.id)
    shares = spread(cmd.amount, payments)
    started = tuple(
        start_movement(
            share.payment_id,
            TransactionKind.REFUND,
            share.amount,
            actor=cmd.actor,
            reason=cmd.reason,
            uow=uow,
        )
        for share in shares
    )
    return tuple(
        RefundPart(
            position=index,
            payment_id=share.payment_id,
            amount=share.amount,
            transaction_id=begun.transaction_id,
        )
        for index, (share, begun) in enumerate(zip(shares, started, strict=True))
    )


def _to_store_credit(
    cmd: RefundOrder, order: orders.Order, refund_id: UUID, *, uow: UnitOfWork
) -> tuple[RefundPart, ...]:
    """Credit the buyer, up to what the order's tenders could still give back less what
    earlier goodwill already credited (credit is money back too, never more than was paid),
    and say so on the order's timeline (its payment figures do not move: no tender did)."""
    with uow.begin() as tx:
        payments = tx.repo(LEDGER).by_order(order.id)
        credited = tx.repo(GOODWILL_REFUNDS).credited(order.id, order.currency)
    open_to_refund = sum((refundable_now(p) for p in payments), Money.zero(order.currency))
    left = open_to_refund - credited
    if left < cmd.amount:
        raise RefundAboveRefundable(cmd.amount, max(left, Money.zero(order.currency)))
    entry = refund_to_store_credit(
        order.buyer.customer_id,
        cmd.amount,
        reason=f"goodwill refund of order {order.number}: {cmd.reason}",
        order_id=order.id,
        source_id=refund_id,
        actor=cmd.actor,
        uow=uow,
    )
    orders.record_payment_figures(
        order.id,
        order.payment_figures,
        note=orders.PaymentNote(
            kind="goodwill_store_credit",
            summary=f"{cmd.amount} refunded to store credit ({cmd.reason})",
            actor=cmd.actor,
            details={"refund_id": str(refund_id), "credit_entry_id": str(entry.id)},
        ),
        uow=uow,
    )
    part = RefundPart(
        position=0,
        payment_id=None,
        amount=cmd.amount,
        transaction_id=entry.id,
        status=TransactionStatus.SUCCEEDED,
    )
    return (part,)


def finish_refund(refund_id: UUID, *, uow: UnitOfWork, providers: Providers) -> GoodwillRefund:
    """Step 2 for each tender part still open (again after a crash or for a replayed request:
    a settled part is left alone), then the refund as the ledger now shows it."""
    with uow.read() as tx:
        refund = tx.repo(GOODWILL_REFUNDS).get(refund_id)
    if refund is None:
        raise RefundNotFound(refund_id)
    for part in refund.parts:
        if part.payment_id is not None:
            finish(
                Started(payment_id=part.payment_id, transaction_id=part.transaction_id),
                uow=uow,
                providers=providers,
            )
    return _with_statuses([refund], uow=uow)[0]


def list_refunds(
    order_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None
) -> list[GoodwillRefund]:
    """An order's goodwill refunds, oldest first, each part with its movement's status."""
    orders.get_order(order_id, uow=uow, visible_to=visible_to)
    with uow.read() as tx:
        found = tx.repo(GOODWILL_REFUNDS).by_order(order_id)
    return _with_statuses(found, uow=uow)


def _with_statuses(refunds: Sequence[GoodwillRefund], *, uow: UnitOfWork) -> list[GoodwillRefund]:
    """Each tender part with its refund transaction's status (credit parts are final)."""
    if not refunds:
        return []
    with uow.read() as tx:
        payments = tx.repo(LEDGER).by_order(refunds[0].order_id)
    status = {t.id: t.status for p in payments for t in p.transactions}
    return [
        replace(
            refund,
            parts=tuple(
                replace(part, status=status.get(part.transaction_id, part.status))
                for part in refund.parts
            ),
        )
        for refund in refunds
    ]


# -- the policy ---------------------------------------------------------------------------------


def refund_policy(*, uow: UnitOfWork) -> RefundPolicy:
    """The reason codes and the limits per role as they apply now."""
    with uow.read() as tx:
        return tx.repo(REFUND_POLICY).current()


def set_refund_reasons(reasons: Sequence[RefundReason], *, uow: UnitOfWork) -> RefundPolicy:
    """Replace the list of reason codes (refunds already made keep theirs)."""
    checked = check_reasons(reasons)
    with uow.begin() as tx:
        policies = tx.repo(REFUND_POLICY)
        policies.replace_reasons(checked, tx.now)
        return policies.current()


def set_refund_limits(limits: Sequence[RefundLimit], *, uow: UnitOfWork) -> RefundPolicy:
    """Replace the table of limits per role and currency."""
    checked = check_limits(limits, (role.value for role in auth.Role))
    with uow.begin() as tx:
        policies = tx.repo(REFUND_POLICY)
        policies.replace_limits(checked, tx.now)
        return policies.current()
