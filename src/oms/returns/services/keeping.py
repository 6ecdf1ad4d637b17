"""Returns the customer keeps: under the policy's ``keep_item_under`` threshold for a reason
(``damaged``: "no need to send it back under 20.00"), shipping the goods back costs more than
they are worth, so nothing comes back and the return is refunded at approval.

``keep_if_allowed`` runs in the approval's transaction (the order and the return locked):
when every line's reason has a threshold and each line's unit value (its share of what the
order line cost) is below it, the refund is worked out as for an inspected return (the units'
value, less the fee the reasons keep; shipping stays, nothing was sent back) and *decided*
(``refunds.decide_refund``), the order stops counting the units as asked back, and the return
is completed without goods (``keep_items``). The money moves after the commit, by
``returns.refunds``' consumer of ``returns.return_completed.v1`` (``pay_return``), keyed by the
decided refund's id: once. A return with any line over its threshold travels back as usual.
"""

from __future__ import annotations

from oms import orders, payments
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.lifecycle import ReturnKind
from oms.returns.domain.policy import ReturnPolicy
from oms.returns.domain.returns import Resolution, ReturnRequest
from oms.returns.repository.policies import POLICIES
from oms.returns.repository.resolutions import DecidedRefund
from oms.returns.repository.returns import RETURNS
from oms.returns.services.refunds import amount_of, decide_refund, unit_refunds
from oms.shared.money import Money


def keep_if_allowed(
    request: ReturnRequest, order: orders.Order, *, actor: str, uow: UnitOfWork
) -> DecidedRefund | None:
    """Complete a just-approved return whose goods stay with the customer, its refund decided
    (None when the goods must come back, or when the refund is zero)."""
    if request.kind is not ReturnKind.RETURN:
        return None
    with uow.begin() as tx:
        policy = tx.repo(POLICIES).get(request.channel, currency=request.currency)
        if not _stays(request, order, policy):
            return None
        earlier = [r for r in tx.repo(RETURNS).for_order(order.id) if r.id != request.id]
        amount = amount_of(request, order, policy, earlier, with_shipping=False)
        decided = decide_refund(
            request, amount.total, payments.RefundDestination.ORIGINAL, actor=actor, tx=tx
        )
        orders.withdraw_return_units(order.id, request.units, actor=actor, uow=uow)
        request.complete(
            Resolution.REFUND,
            refund=amount.total,
            restocking_fee=amount.restocking_fee,
            unit_refunds=unit_refunds(amount),
            keep_items=True,
            at=tx.now,
        )
        orders.note_on_timeline(
            order.id,
            kind="return_completed",
            summary=f"Return {request.reference}: the customer keeps the goods (under the "
            f"policy's threshold); {amount.total} refunded to the original tenders",
            details={
                "return_id": str(request.id),
                "rma": request.number,
                "refund": str(amount.total.amount),
                "refund_id": str(decided.refund_id) if decided else None,
                "items_kept": True,
            },
            actor=actor,
            uow=uow,
        )
    return decided


def _stays(request: ReturnRequest, order: orders.Order, policy: ReturnPolicy) -> bool:
    lines = {line.id: line for line in order.lines}
    for asked in request.lines:
        threshold = policy.reason_rule(asked.reason).keep_item_under
        line = lines[asked.line_id]
        if threshold is None or line.billed_quantity <= 0:
            return False
        unit = Money(line.total.amount / line.billed_quantity, line.total.currency)
        if not unit < threshold:
            return False
    return True
