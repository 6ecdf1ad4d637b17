"""HTTP routes: an order's tenders and the movements of each payment.

Every route that moves money runs the two-step rule with its Idempotency-Key (ADR 0010): the
key's claim and the pending transaction commit together (``run_idempotent`` around step 1
only, storing which transaction was begun), the provider is asked after that commit, and the
answer is settled in a transaction of its own. A replay reads what was stored, finishes the
transaction if it is still open (the provider is asked with the same idempotency key) and
answers with the payment as the ledger has it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response

from oms.payments import services
from oms.payments.domain import ProviderName, TransactionKind
from oms.payments.providers.registry import build_providers
from oms.payments.schemas.payments import (
    CaptureIn,
    MovementStarted,
    PaymentOut,
    ReceivedIn,
    RefundIn,
    TenderIn,
    money_of,
)
from oms.payments.services import Providers, Started
from oms.platform.http import UoW
from oms.platform.idempotency import (
    IdempotencyKey,
    IdempotentRequest,
    OptionalIdempotencyKey,
    run_idempotent,
)
from oms.platform.problems import responses
from oms.platform.security import Permission, Principal, Requires
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money

router = APIRouter(prefix="/v1", tags=["payments"])

Reader = Annotated[Principal, Depends(Requires(Permission.PAYMENTS_READ))]
Taker = Annotated[Principal, Depends(Requires(Permission.PAYMENTS_TAKE))]
Refunder = Annotated[Principal, Depends(Requires(Permission.PAYMENTS_REFUND))]
Finance = Annotated[Principal, Depends(Requires(Permission.PAYMENTS_FINANCE))]


async def payment_providers(request: Request) -> Providers:
    """The app's providers when it was given some (``app.state.payment_providers``), else
    this deployment's, built for the request (the store-credit provider needs its own unit of
    work, and a unit of work serves one thread of work at a time)."""
    given: Providers | None = getattr(request.app.state, "payment_providers", None)
    if given is not None:
        return given
    state = request.app.state
    return build_providers(state.settings, UnitOfWork(state.engine, state.clock))


PaymentProviders = Annotated[Providers, Depends(payment_providers)]

MOVED = responses(400, 403, 404, 409, 410, 422)


def _two_steps(
    uow: UnitOfWork,
    key: IdempotentRequest | None,
    start: Callable[[], Started],
    *,
    providers: Providers,
    status_code: int,
    details: Mapping[str, Any] | None = None,
) -> Response:
    """Step 1 with the key's claim in one transaction, then steps 2 and 3 (ADR 0010)."""
    claimed = run_idempotent(uow, key, start, MovementStarted.of, status_code=status_code)
    started = MovementStarted.model_validate_json(bytes(claimed.body))
    payment = services.finish(
        Started(
            payment_id=started.payment_id,
            transaction_id=started.transaction_id,
            details=details or {},
        ),
        uow=uow,
        providers=providers,
    )
    replayed = claimed.headers.get("Idempotent-Replayed")
    return Response(
        content=PaymentOut.of(payment).model_dump_json(),
        status_code=claimed.status_code,
        media_type="application/json",
        headers={"Idempotent-Replayed": replayed} if replayed else None,
    )


@router.post(
    "/orders/{order_id}/payments", status_code=201, response_model=PaymentOut, responses=MOVED
)
def add_tender(
    order_id: UUID,
    body: TenderIn,
    principal: Taker,
    uow: UoW,
    idempotency: IdempotencyKey,
    providers: PaymentProviders,
) -> Response:
    """Add a payment to the order (Idempotency-Key required); see the body for what each
    provider takes.

    The answer is the payment as the provider left it: `authorized`, `captured` (the till,
    marketplaces, store credit), `authorizing` (a bank transfer until it is marked received,
    a card waiting for 3-D Secure) or `failed` (declined: the failure is on its transaction).
    422 names the field: an amount above what the order still needs (`amount`), a provider
    not configured here (`provider`). A provider that does not answer leaves the authorisation
    `pending`: send the request again with the same key to finish it (the provider is asked
    with the same idempotency key), or the sweeper settles it within a minute or two.
    """
    command = services.AddTender(
        order_id=order_id,
        provider=body.provider,
        details=body.details(),
        amount=money_of(body.amount, "amount"),
        capture=body.capture,
        actor=principal.actor,
    )
    services.provider_for(providers, body.provider)
    return _two_steps(
        uow,
        idempotency,
        lambda: services.start_tender(command, uow=uow, visible_to=principal.channel_scope),
        providers=providers,
        status_code=201,
        details=command.details,
    )


@router.get("/orders/{order_id}/payments", responses=responses(403, 404))
def list_payments(order_id: UUID, principal: Reader, uow: UoW) -> list[PaymentOut]:
    """The order's payments with their transactions, oldest first."""
    found = services.list_payments(order_id, uow=uow, visible_to=principal.channel_scope)
    return [PaymentOut.of(p) for p in found]


@router.get("/payments/{payment_id}", responses=responses(403, 404))
def get_payment(payment_id: UUID, principal: Reader, uow: UoW) -> PaymentOut:
    """One payment with its transactions."""
    return PaymentOut.of(
        services.get_payment(payment_id, uow=uow, visible_to=principal.channel_scope)
    )


@router.post("/payments/{payment_id}/capture", response_model=PaymentOut, responses=MOVED)
def capture_payment(
    payment_id: UUID,
    principal: Taker,
    uow: UoW,
    idempotency: OptionalIdempotencyKey,
    providers: PaymentProviders,
    body: CaptureIn | None = None,
) -> Response:
    """Capture `amount` of the authorisation, or all that is left without one (422
    `amount-above-capturable` beyond it, 409 once voided)."""
    amount = money_of(body.amount, "amount") if body else None
    return _movement(
        payment_id, TransactionKind.CAPTURE, amount, principal, uow, idempotency, providers
    )


@router.post("/payments/{payment_id}/void", response_model=PaymentOut, responses=MOVED)
def void_payment(
    payment_id: UUID,
    principal: Taker,
    uow: UoW,
    idempotency: OptionalIdempotencyKey,
    providers: PaymentProviders,
) -> Response:
    """Release the authorisation (409 `void-after-capture` once anything is captured)."""
    return _movement(payment_id, TransactionKind.VOID, None, principal, uow, idempotency, providers)


@router.post("/payments/{payment_id}/refund", response_model=PaymentOut, responses=MOVED)
def refund_payment(
    payment_id: UUID,
    body: RefundIn,
    principal: Refunder,
    uow: UoW,
    idempotency: IdempotencyKey,
    providers: PaymentProviders,
) -> Response:
    """Give back `amount` of what was captured (Idempotency-Key required; 422
    `amount-above-refundable` beyond what is left to refund, 409 before any capture)."""
    amount = money_of(body.amount, "amount")
    return _movement(
        payment_id,
        TransactionKind.REFUND,
        amount,
        principal,
        uow,
        idempotency,
        providers,
        reason=body.reason,
    )


def _movement(
    payment_id: UUID,
    kind: TransactionKind,
    amount: Money | None,
    principal: Principal,
    uow: UnitOfWork,
    idempotency: IdempotentRequest | None,
    providers: Providers,
    *,
    reason: str | None = None,
) -> Response:
    return _two_steps(
        uow,
        idempotency,
        lambda: services.start_movement(
            payment_id,
            kind,
            amount,
            actor=principal.actor,
            reason=reason,
            uow=uow,
            visible_to=principal.channel_scope,
        ),
        providers=providers,
        status_code=200,
    )


@router.post("/payments/{payment_id}/mark-received", response_model=PaymentOut, responses=MOVED)
def mark_received(
    payment_id: UUID,
    body: ReceivedIn,
    principal: Finance,
    uow: UoW,
    idempotency: OptionalIdempotencyKey,
    providers: PaymentProviders,
) -> Response:
    """A manual tender's money arrived (bank transfer, cash on delivery, invoice): it is
    authorised for `amount` (the tender's amount without it) and captured (409 when the
    tender is not a manual one waiting for its money)."""
    services.provider_for(providers, ProviderName.MANUAL)
    amount = money_of(body.amount, "amount")
    return _two_steps(
        uow,
        idempotency,
        lambda: services.start_receipt(
            payment_id,
            bank_reference=body.bank_reference,
            amount=amount,
            actor=principal.actor,
            uow=uow,
            visible_to=principal.channel_scope,
        ),
        providers=providers,
        status_code=200,
    )
