"""Refunding a return: decide what it gives back, record the decision, then move the money.

``resolve_return`` runs the two-step rule of payments (ADR 0010) at the return's level:

1. one transaction, under the order's lock and then the return's (the contract's lock order):
   the refund is worked out from the inspected units (``domain.refund_amounts``), the return is
   completed with it, and the refund is *decided*: a ``return_refunds`` row with the id payments
   will give it, written before any money moves;
2. after that commit, ``payments.refund_order(refund_id=...)`` moves the money to the original
   tenders or to store credit, keyed by that id: a second call (a retry, a concurrent request,
   the outbox consumer of ``returns.return_completed.v1``) finds the refund under the order's
   lock and only finishes what the first began. So a return is refunded exactly once, and a
   crash between the two steps loses nothing: the consumer pays what was decided.

A refund to the tenders issues its credit notes through invoicing's consumer of
``payments.refund_issued.v1`` (one per tender refund); credit gives no such event, so the
credit note of a store-credit refund is issued here (keyed by the credit entry, once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from oms import invoicing, orders, payments
from oms.platform.unit_of_work import Transaction, UnitOfWork
from oms.returns.domain.lifecycle import ReturnKind, ReturnStatus
from oms.returns.domain.policy import ReturnPolicy
from oms.returns.domain.refund_amounts import KeptUnits, RefundAmount, refund_for
from oms.returns.domain.returns import Disposition, Resolution, ReturnRequest
from oms.returns.repository.policies import POLICIES
from oms.returns.repository.resolutions import RESOLUTION, RETURN_REFUNDS, DecidedRefund
from oms.returns.repository.returns import RETURNS
from oms.shared.ids import new_id
from oms.shared.money import Money

KEPT = frozenset({Disposition.RESTOCK, Disposition.DAMAGED, Disposition.WRITE_OFF})
"""Dispositions whose units the merchant keeps, and so pays for; ``return_to_customer`` units
go back to the customer and are worth nothing to them."""

VALUED = frozenset({Resolution.REFUND, Resolution.STORE_CREDIT, Resolution.EXCHANGE})
"""Resolutions whose units were valued (refunded, or set against a replacement)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Resolved:
    """A resolved return and the refund it decided (None when it gave nothing back), with
    the refund as payments has it now (None until asked)."""

    request: ReturnRequest
    decided: DecidedRefund | None
    refund: payments.GoodwillRefund | None


def resolve_return(
    return_id: UUID,
    *,
    destination: payments.RefundDestination,
    actor: str,
    uow: UnitOfWork,
    providers: payments.Providers,
    visible_to: str | None = None,
) -> Resolved:
    """Refund an inspected return (kept units less the fee, plus shipping when due), once: a
    completed return's refund is only finished again, whatever the destination asked."""
    request, decided = _decide(
        return_id, destination=destination, actor=actor, uow=uow, visible_to=visible_to
    )
    refund = pay_decided(decided, uow=uow, providers=providers) if decided else None
    return Resolved(request=request, decided=decided, refund=refund)


def _decide(
    return_id: UUID,
    *,
    destination: payments.RefundDestination,
    actor: str,
    uow: UnitOfWork,
    visible_to: str | None,
) -> tuple[ReturnRequest, DecidedRefund | None]:
    with uow.begin() as tx:
        request = lock_return(return_id, uow=uow, tx=tx, visible_to=visible_to)
        decided = tx.repo(RETURN_REFUNDS).get(request.id, RESOLUTION)
        if request.status is ReturnStatus.COMPLETED:
            return request, decided
        order = orders.get_order(request.order_id, uow=uow)
        policy = tx.repo(POLICIES).get(request.channel, currency=request.currency)
        earlier = [r for r in tx.repo(RETURNS).for_order(order.id) if r.id != request.id]
        amount = amount_of(request, order, policy, earlier, with_shipping=True)
        resolution = (
            Resolution.STORE_CREDIT
            if destination is payments.RefundDestination.STORE_CREDIT
            else Resolution.REFUND
        )
        paid = _refundable(order, amount.total)
        decided = decide_refund(request, paid, destination, actor=actor, tx=tx)
        never_came = request.uninspected_units if request.kind is not ReturnKind.CLAIM else {}
        request.complete(
            resolution,
            refund=paid,
            restocking_fee=amount.restocking_fee,
            unit_refunds=unit_refunds(amount),
            at=tx.now,
        )
        _save(request, tx)
        if never_came:  # resolved before everything came back: the rest is not coming
            orders.withdraw_return_units(order.id, never_came, actor=actor, uow=uow)
        orders.note_on_timeline(
            order.id,
            kind="return_completed",
            summary=_summary(request, amount, resolution),
            details={
                "return_id": str(request.id),
                "rma": request.number,
                "refund": str(amount.total.amount),
                "restocking_fee": str(amount.restocking_fee.amount),
                "shipping": str(amount.shipping.amount),
                "refund_id": str(decided.refund_id) if decided else None,
            },
            actor=actor,
            uow=uow,
        )
    return request, decided


def _refundable(order: orders.Order, amount: Money) -> Money:
    """At most what the order's tenders kept (captured less refunded): a return of goods not
    yet paid for gives back what was paid, never money that never came (payments would refuse
    it after the decision committed, and the decided refund would fail for ever)."""
    figures = order.payment_figures
    kept = figures.captured - figures.refunded
    if kept.amount <= 0:
        return Money.zero(amount.currency)
    return amount if amount <= kept else kept


def lock_return(
    return_id: UUID, *, uow: UnitOfWork, tx: Transaction, visible_to: str | None = None
) -> ReturnRequest:
    """The return, locked after its order (the lock order: order, then return); the order is
    found from an unlocked read first, as the return names it."""
    returns = tx.repo(RETURNS)
    found = returns.get(return_id, visible_to=visible_to)
    orders.order_for_payment(found.order_id, uow=uow)
    return returns.get(return_id, lock=True)


def decide_refund(
    request: ReturnRequest,
    amount: Money,
    destination: payments.RefundDestination,
    *,
    actor: str,
    tx: Transaction,
    purpose: str = RESOLUTION,
) -> DecidedRefund | None:
    """Record the refund to make, with the id payments will give it; nothing when zero."""
    if amount.amount <= 0:
        return None
    decided = DecidedRefund(
        refund_id=new_id(),
        return_id=request.id,
        order_id=request.order_id,
        purpose=purpose,
        amount=amount,
        destination=destination.value,
        reason=f"{request.kind.value} {request.reference}"[:40],
        actor=actor,
        created_at=tx.now,
    )
    tx.repo(RETURN_REFUNDS).add(decided)
    return decided


def pay_decided(
    decided: DecidedRefund, *, uow: UnitOfWork, providers: payments.Providers
) -> payments.GoodwillRefund:
    """Move the money of a decided refund (at most once: payments keys it by ``refund_id``),
    and credit the store-credit part on the latest invoice."""
    destination = payments.RefundDestination(decided.destination)
    refund = payments.refund_order(
        decided.order_id,
        decided.amount,
        decided.reason,
        destination,
        actor=decided.actor,
        role=None,
        uow=uow,
        providers=providers,
        refund_id=decided.refund_id,
    )
    for part in refund.parts:
        if part.payment_id is None:
            with uow.begin():
                invoicing.issue_credit_note(
                    decided.order_id, part.amount, transaction_id=part.transaction_id, uow=uow
                )
    return refund


def pay_return(return_id: UUID, *, uow: UnitOfWork, providers: payments.Providers) -> int:
    """Move the money of every refund the return decided (the outbox consumer's work after a
    completion: nothing more when the request did it already); how many there were."""
    with uow.read() as tx:
        decided = tx.repo(RETURN_REFUNDS).for_return(return_id)
    for refund in decided:
        pay_decided(refund, uow=uow, providers=providers)
    return len(decided)


# -- the amount ------------------------------------------------------------------------------


def amount_of(
    request: ReturnRequest,
    order: orders.Order,
    policy: ReturnPolicy,
    earlier: Sequence[ReturnRequest],
    *,
    with_shipping: bool,
) -> RefundAmount:
    """What ``request`` refunds: its valued units at their shares of each line's total (after
    the units ``earlier`` returns valued), less the policy's fee, plus the order's shipping when
    the policy gives it back and every billed unit has come back."""
    lines = {line.id: line for line in order.lines}
    before = valued_units(earlier)
    kept = [
        KeptUnits(
            line_id=line_id,
            line_total=lines[line_id].total,
            billed_quantity=lines[line_id].billed_quantity,
            refunded_before=before.get(line_id, 0),
            quantity=quantity,
            fee=policy.fee_for(request.line(line_id).sku, request.line(line_id).reason.value),
        )
        for line_id, quantity in valued_units([request], final=False).items()
    ]
    shipping = Money.zero(order.currency)
    if with_shipping and policy.refund_original_shipping and _last_back(order, earlier):
        shipping = _shipping_paid(order)
    return refund_for(kept, shipping=shipping, currency=order.currency)


def valued_units(requests: Sequence[ReturnRequest], *, final: bool = True) -> dict[UUID, int]:
    """Units per order line these returns valued: inspected units the merchant kept, or, for a
    claim or a return whose goods stay with the customer, every unit asked. With ``final``,
    only completed returns count (open ones valued nothing yet)."""
    units: dict[UUID, int] = {}
    for request in requests:
        if final and (
            request.status is not ReturnStatus.COMPLETED or request.resolution not in VALUED
        ):
            continue
        goods_stay = request.kind is ReturnKind.CLAIM or not any(
            line.received for line in request.lines
        )
        for line in request.lines:
            count = line.quantity if goods_stay else _kept(line.inspected, line.disposition)
            if count:
                units[line.line_id] = units.get(line.line_id, 0) + count
    return units


def _kept(inspected: int, disposition: Disposition | None) -> int:
    return inspected if disposition in KEPT else 0


def _shipping_paid(order: orders.Order) -> Money:
    """What the buyer paid for shipping, tax included whatever the channel's tax mode: the
    order's total less its lines' (each line's total is what the buyer pays for it)."""
    lines = sum((line.total for line in order.lines), Money.zero(order.currency))
    return order.totals.total - lines


def _last_back(order: orders.Order, others: Sequence[ReturnRequest]) -> bool:
    """Every billed unit of the order has been received back and no other return of it is
    still open: the one return that gives the shipping back (two inspected returns resolved
    one after the other give it once, with the second)."""
    billed = [line for line in order.lines if line.billed_quantity > 0]
    back = bool(billed) and all(line.returned_quantity >= line.billed_quantity for line in billed)
    return back and not any(other.open for other in others)


def unit_refunds(amount: RefundAmount) -> Mapping[UUID, int]:
    """What one unit of each line refunds, in minor units (the average share; for display)."""
    return {line.line_id: line.unit_value.minor for line in amount.lines if line.quantity}


def _summary(request: ReturnRequest, amount: RefundAmount, resolution: Resolution) -> str:
    where = "store credit" if resolution is Resolution.STORE_CREDIT else "the original tenders"
    fee = f", restocking fee {amount.restocking_fee}" if amount.restocking_fee.amount else ""
    shipping = f", shipping {amount.shipping}" if amount.shipping.amount else ""
    return f"Return {request.reference} refunded {amount.total} to {where}{fee}{shipping}"


def _save(request: ReturnRequest, tx: Transaction) -> None:
    tx.repo(RETURNS).save(request)
    tx.record(*request.drain_events())
