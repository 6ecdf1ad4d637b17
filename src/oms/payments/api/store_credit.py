"""HTTP routes: a customer's store credit (balances and ledger) and manual adjustments.

Spending credit is a tender (`POST /v1/orders/{id}/payments` with `provider: store_credit`);
giving it as a refund is `POST /v1/orders/{id}/refunds` with `destination: store_credit`.
Channel keys see no customer profiles, so they see no store credit either.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from oms.payments.domain.credit import CreditEntryKind
from oms.payments.schemas.credit import CreditEntryOut, StoreCreditAdjustmentIn, StoreCreditOut
from oms.payments.services import credit
from oms.platform.http import UoW
from oms.platform.idempotency import IdempotencyKey, run_idempotent, subject
from oms.platform.inputs import exact_money
from oms.platform.pagination import BY_POSITION, Cursor, Limit, encode_cursor, read_cursor
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.shared.errors import Forbidden

router = APIRouter(prefix="/v1", tags=["payments"])

Reader = Annotated[Principal, Depends(Requires(Permission.PAYMENTS_READ))]
Finance = Annotated[Principal, Depends(Requires(Permission.PAYMENTS_FINANCE))]


def _not_for_channel_keys(principal: Principal) -> None:
    if principal.channel_code is not None:
        raise Forbidden("a channel key cannot read or change customers' store credit")


@router.get("/customers/{customer_id}/store-credit", responses=responses(403, 404, 422))
def get_store_credit(
    customer_id: UUID,
    principal: Reader,
    uow: UoW,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> StoreCreditOut:
    """The customer's balance in each currency and their ledger, newest entry first (paged:
    pass `next_cursor` as `cursor` for older entries)."""
    _not_for_channel_keys(principal)
    key = read_cursor(cursor, BY_POSITION)
    statement = credit.store_credit_statement(
        customer_id, uow=uow, before=key[0] if key else None, limit=limit + 1
    )
    shown = statement.entries[:limit]
    more = (
        encode_cursor((shown[-1].position,)) if len(statement.entries) > limit and shown else None
    )
    return StoreCreditOut.of(
        credit.StoreCreditStatement(account=statement.account, entries=shown), more
    )


@router.post(
    "/customers/{customer_id}/store-credit",
    status_code=201,
    response_model=CreditEntryOut,
    responses=responses(400, 403, 404, 409, 422),
)
def adjust_store_credit(
    customer_id: UUID,
    body: StoreCreditAdjustmentIn,
    principal: Finance,
    uow: UoW,
    idempotency: IdempotencyKey,
) -> Response:
    """Issue credit to the customer or deduct it, saying why (finance or admin;
    Idempotency-Key required). A deduction beyond the balance is 409
    `insufficient-store-credit` with what is `available`."""
    _not_for_channel_keys(principal)
    command = credit.AdjustStoreCredit(
        customer_id=customer_id,
        kind=CreditEntryKind(body.kind),
        amount=exact_money(body.amount.amount, body.amount.currency, field="amount"),
        reason=body.reason,
        actor=principal.actor,
    )
    return run_idempotent(
        uow,
        idempotency,
        lambda: credit.adjust_store_credit(command, uow=uow),
        CreditEntryOut.of,
        about=lambda entry: subject("customer", entry.customer_id),
    )
