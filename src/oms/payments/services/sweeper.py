"""The sweeper: transactions left ``pending`` by a process that died between the two steps.

Run by the worker every ``SWEEP_INTERVAL_SECONDS`` and by ``oms payments sweep``. Each pending
transaction older than ``older_than`` (a request still in flight is younger) is looked up at
its provider (``retrieve``, with the same idempotency key) and settled through the same step
as a live request, so the provider's answer is recorded once even if the request wakes up and
answers too. A tender captured at once gets its capture begun and finished here as well
(``Payment.capture_at_once`` is stored, so a dead request's intent is not lost).
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import structlog

from oms.payments.domain import TransactionStatus
from oms.payments.repository import LEDGER
from oms.payments.services.settling import (
    Providers,
    ask,
    finish,
    settle,
)
from oms.platform.unit_of_work import UnitOfWork

log = structlog.get_logger("oms.payments")

SWEEP_INTERVAL_SECONDS = 30.0
PENDING_FOR = timedelta(seconds=60)
"""How long a transaction may wait for its provider's answer before the sweeper asks."""


def settle_pending(
    *,
    uow: UnitOfWork,
    providers: Providers,
    older_than: timedelta = PENDING_FOR,
    limit: int = 100,
) -> int:
    """Ask the providers about transactions pending for longer than ``older_than`` and
    record their answers; returns how many were settled (those still pending stay)."""
    with uow.read() as tx:
        due = tx.repo(LEDGER).pending_before(tx.now - older_than, limit=limit)
    settled = 0
    for payment_id, transaction_id in due:
        try:
            settled += _sweep_one(payment_id, transaction_id, uow=uow, providers=providers)
        except Exception:  # one transaction's trouble must not stop the others
            log.exception(
                "payment_sweep_failed",
                payment_id=str(payment_id),
                transaction_id=str(transaction_id),
            )
    return settled


def _sweep_one(
    payment_id: UUID, transaction_id: UUID, *, uow: UnitOfWork, providers: Providers
) -> int:
    """Ask about one pending transaction and record the answer; 1 if it is no longer
    pending."""
    with uow.read() as tx:
        payment = tx.repo(LEDGER).get(payment_id)
    transaction = payment.transaction(transaction_id)
    provider = providers.get(payment.provider)
    if provider is None or transaction.status is not TransactionStatus.PENDING:
        return 0
    outcome = ask(payment, transaction, provider, retrieve=True)
    if outcome is None:
        return 0
    after, follow_up = settle(payment_id, transaction_id, outcome, uow=uow)
    status = after.transaction(transaction_id).status
    if status is TransactionStatus.PENDING:
        return 0
    log.info(
        "payment_transaction_swept",
        payment_id=str(payment_id),
        transaction_id=str(transaction_id),
        status=status.value,
    )
    if follow_up is not None:
        finish(follow_up, uow=uow, providers=providers)
    return 1
