"""Steps 2 and 3 of the two-step rule, shared by every use case that moves money.

Step 1 (each use case): in one transaction, begin a ``pending`` transaction and commit.
Step 2 (``ask``): OUTSIDE any transaction, call the provider with the transaction's id as its
idempotency key. Step 3 (``settle``): in a new transaction, lock the order, then the payment,
record the answer, the order's figures and timeline, and the events. A process that dies
between the steps leaves the transaction ``pending``; the sweeper asks the provider
(``retrieve``) and settles it through the same ``settle``. Settling is idempotent, so the
request, a replay of it and the sweeper may all answer the same transaction: the first wins.

Tenders captured at once (``Payment.capture_at_once``: the till, marketplaces, store credit,
channels that capture at placement) begin their capture in the same transaction that records
the authorisation, so a crash in between leaves a pending capture for
the sweeper rather than an authorisation nobody captures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import structlog

from oms import orders
from oms.payments.domain import (
    Payment,
    PaymentTransaction,
    ProviderName,
    ProviderNotConfigured,
    ProviderOutcome,
    TenderStatus,
    TransactionKind,
)
from oms.payments.providers.base import AuthorizeRequest, PaymentProvider, ProviderUnavailable
from oms.payments.repository import LEDGER
from oms.payments.services.figures import record_figures
from oms.platform.unit_of_work import UnitOfWork

log = structlog.get_logger("oms.payments")

Providers = Mapping[ProviderName, PaymentProvider]

CAPTURED_AT_ONCE = frozenset(
    {ProviderName.MARKETPLACE, ProviderName.POS, ProviderName.STORE_CREDIT}
)
"""Money taken at the till, collected by a marketplace or taken off a store-credit balance
is captured as soon as it is authorised."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Started:
    """A transaction begun and committed (step 1): what steps 2 and 3 need to finish it."""

    payment_id: UUID
    transaction_id: UUID
    details: Mapping[str, Any] = field(default_factory=dict)
    """The tender's input, for the provider's ``authorize``."""


def provider_for(providers: Providers, name: ProviderName) -> PaymentProvider:
    provider = providers.get(name)
    if provider is None:
        raise ProviderNotConfigured(name.value)
    return provider


def finish(started: Started, *, uow: UnitOfWork, providers: Providers) -> Payment:
    """Steps 2 and 3 for a transaction begun in step 1, and for a capture the settlement
    begins in turn; the payment as it stands after them."""
    current: Started | None = started
    payment = None
    while current is not None:
        payment, current = _finish_one(current, uow=uow, providers=providers)
    assert payment is not None
    return payment


def _finish_one(
    started: Started, *, uow: UnitOfWork, providers: Providers
) -> tuple[Payment, Started | None]:
    with uow.read() as tx:
        payment = tx.repo(LEDGER).get(started.payment_id)
    transaction = payment.transaction(started.transaction_id)
    if not transaction.open:
        return payment, None
    outcome = ask(payment, transaction, provider_for(providers, payment.provider), started.details)
    if outcome is None:
        return payment, None
    return settle(started.payment_id, started.transaction_id, outcome, uow=uow)


def ask(
    payment: Payment,
    transaction: PaymentTransaction,
    provider: PaymentProvider,
    details: Mapping[str, Any] | None = None,
    *,
    retrieve: bool = False,
) -> ProviderOutcome | None:
    """Step 2: the provider's answer, or None when it gave none (the transaction stays
    pending for the sweeper). Never called inside a transaction."""
    try:
        if retrieve:
            return provider.retrieve(payment, transaction)
        if transaction.kind is TransactionKind.AUTHORIZE:
            request = AuthorizeRequest(
                payment=payment, transaction=transaction, details=details or {}
            )
            return provider.authorize(request)
        call = {
            TransactionKind.CAPTURE: provider.capture,
            TransactionKind.VOID: provider.void,
            TransactionKind.REFUND: provider.refund,
        }[transaction.kind]
        return call(payment, transaction)
    except ProviderUnavailable as error:
        log.warning(
            "payment_provider_unavailable",
            provider=payment.provider.value,
            transaction_id=str(transaction.id),
            error=str(error),
        )
        return None


def settle(
    payment_id: UUID,
    transaction_id: UUID,
    outcome: ProviderOutcome,
    *,
    uow: UnitOfWork,
    capture_after: bool = False,
    actor: str | None = None,
) -> tuple[Payment, Started | None]:
    """Step 3: record ``outcome`` for the transaction (once), the order's figures and
    timeline and the events, in one transaction. A succeeded authorisation of a tender
    captured at once (or with ``capture_after``) begins the capture of everything authorised,
    by ``actor`` (who began the authorisation, without one), returned to be finished."""
    with uow.begin() as tx:
        ledger = tx.repo(LEDGER)
        order = locked_order_of(payment_id, uow=uow)
        payment = ledger.get(payment_id, lock=True)
        settled = payment.settle(transaction_id, outcome, at=tx.now)
        if settled is None:
            return payment, None
        follow_up = None
        wants_capture = capture_after or payment.capture_at_once
        if wants_capture and payment.status is TenderStatus.AUTHORIZED:
            capture = payment.begin(
                TransactionKind.CAPTURE, None, actor=actor or settled.actor, at=tx.now
            )
            follow_up = Started(payment_id=payment.id, transaction_id=capture.id)
        ledger.save(payment)
        record_figures(order, payment, settled, uow=uow)
        tx.record(*payment.drain_events())
    return payment, follow_up


def locked_order_of(payment_id: UUID, *, uow: UnitOfWork) -> orders.Order:
    """The order a payment belongs to, locked first: every transaction that changes an
    order's figures takes the order, then its payment (one lock order, no deadlock)."""
    with uow.begin() as tx:
        order_id = tx.repo(LEDGER).get(payment_id).order_id
        return orders.order_for_payment(order_id, uow=uow)
