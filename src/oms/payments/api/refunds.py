"""HTTP routes: goodwill refunds of an order, and the refund policy (reason codes, limits).

A refund runs the two-step rule with its Idempotency-Key, as tenders do (ADR 0010): the key's
claim, the recorded refund and the pending refund of each tender commit together
(``run_idempotent`` around step 1, storing the refund with its parts), each provider is asked
after that commit, and the answer is the refund as the ledger then has it. A replay reads the
stored refund, finishes any part still open (same idempotency keys) and answers the same way.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from oms.payments.api.payments import PaymentProviders
from oms.payments.schemas.refunds import (
    GoodwillRefundIn,
    GoodwillRefundOut,
    RefundLimitsIn,
    RefundLimitsOut,
    RefundReasonsIn,
    RefundReasonsOut,
)
from oms.payments.services import goodwill
from oms.platform.http import UoW
from oms.platform.idempotency import IdempotencyKey, run_idempotent
from oms.platform.inputs import exact_money
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires

router = APIRouter(prefix="/v1", tags=["payments"])

Reader = Annotated[Principal, Depends(Requires(Permission.PAYMENTS_READ))]
Refunder = Annotated[Principal, Depends(Requires(Permission.PAYMENTS_REFUND))]
Configurer = Annotated[Principal, Depends(Requires(Permission.ORDERS_CONFIGURE))]


@router.post(
    "/orders/{order_id}/refunds",
    status_code=201,
    response_model=GoodwillRefundOut,
    responses=responses(400, 403, 404, 409, 410, 422),
)
def refund_order(
    order_id: UUID,
    body: GoodwillRefundIn,
    principal: Refunder,
    uow: UoW,
    idempotency: IdempotencyKey,
    providers: PaymentProviders,
) -> Response:
    """Give money back on an order as goodwill, not tied to a return (Idempotency-Key required).

    `reason` is a code from `GET /v1/refund-reasons`. `original` spreads the amount over the
    order's captured tenders: store credit first, then the most recently captured tender
    first (ties: stripe, pos, marketplace, manual); `store_credit` credits the buyer instead
    (no provider; at most what the order's tenders could still give back). A role may refund
    up to its limit (`GET /v1/refund-limits`); above it the answer is 403 `refund-above-limit`
    naming the limit. The answer shows each tender's part with its refund transaction's status
    (`pending` while its provider has not answered; `failed` parts say why on the payment).
    """
    command = goodwill.RefundOrder(
        order_id=order_id,
        amount=exact_money(body.amount.amount, body.amount.currency, field="amount"),
        reason=body.reason,
        destination=body.destination,
        note=body.note,
        actor=principal.actor,
        role=principal.role,
    )
    claimed = run_idempotent(
        uow,
        idempotency,
        lambda: goodwill.begin_refund(command, uow=uow, visible_to=principal.channel_scope),
        GoodwillRefundOut.of,
    )
    stored = GoodwillRefundOut.model_validate_json(bytes(claimed.body))
    refund = goodwill.finish_refund(stored.id, uow=uow, providers=providers)
    replayed = claimed.headers.get("Idempotent-Replayed")
    return Response(
        content=GoodwillRefundOut.of(refund).model_dump_json(),
        status_code=claimed.status_code,
        media_type="application/json",
        headers={"Idempotent-Replayed": replayed} if replayed else None,
    )


@router.get("/orders/{order_id}/refunds", responses=responses(403, 404))
def list_refunds(order_id: UUID, principal: Reader, uow: UoW) -> list[GoodwillRefundOut]:
    """The order's goodwill refunds, oldest first, each part with its current status."""
    found = goodwill.list_refunds(order_id, uow=uow, visible_to=principal.channel_scope)
    return [GoodwillRefundOut.of(refund) for refund in found]


@router.get("/refund-reasons", responses=responses(403))
def get_refund_reasons(_: Refunder, uow: UoW) -> RefundReasonsOut:
    """The reason codes a goodwill refund may give, in the order an admin listed them."""
    return RefundReasonsOut.of(goodwill.refund_policy(uow=uow))


@router.put("/refund-reasons", responses=responses(403, 422))
def put_refund_reasons(body: RefundReasonsIn, _: Configurer, uow: UoW) -> RefundReasonsOut:
    """Replace the list of reason codes (admin). Refunds already made keep their code."""
    policy = goodwill.set_refund_reasons([r.to_domain() for r in body.reasons], uow=uow)
    return RefundReasonsOut.of(policy)


@router.get("/refund-limits", responses=responses(403))
def get_refund_limits(_: Refunder, uow: UoW) -> RefundLimitsOut:
    """How much each role may refund at once, per currency (`rule` covers roles without a
    row)."""
    return RefundLimitsOut.of(goodwill.refund_policy(uow=uow))


@router.put("/refund-limits", responses=responses(403, 422))
def put_refund_limits(body: RefundLimitsIn, _: Configurer, uow: UoW) -> RefundLimitsOut:
    """Replace the table of limits (admin): e.g. `{"role": "csr", "currency": "EUR",
    "amount": "50.00"}`."""
    limits = [row.to_domain(index) for index, row in enumerate(body.limits)]
    return RefundLimitsOut.of(goodwill.set_refund_limits(limits, uow=uow))
