"""Importing payment history: tenders that were settled before oms kept their ledger.

A merchant moving to oms (and the demo) has card payments that a provider already authorised,
captured and perhaps refunded. ``import_payment`` writes such a tender through the same
``Payment`` aggregate and ledger as a live one, so every rule holds (captured <= authorised,
refunded <= captured), each movement gets its event and the order its figures and timeline
entry (payments' own ``record_figures``), but it calls no provider: the movements are already
the provider's answers. The provider's references are kept as given, so settlement files match
them like live ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from oms import orders
from oms.payments.domain import (
    NewTender,
    Payment,
    ProviderName,
    ProviderOutcome,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.repository import LEDGER
from oms.payments.services.figures import record_figures
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.money import Money

IMPORTED_KINDS = frozenset({TransactionKind.CAPTURE, TransactionKind.REFUND})


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedMovement:
    """A capture or refund the provider already made, with its reference (``re_...``)."""

    kind: TransactionKind
    amount: Money
    reference: str | None
    at: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportPayment:
    """A tender authorised at ``authorized_at`` for ``amount``, then moved by ``movements``."""

    order_id: UUID
    provider: ProviderName
    method: str | None
    amount: Money
    reference: str | None
    authorized_at: datetime
    movements: tuple[ImportedMovement, ...]
    actor: str


def import_payment(command: ImportPayment, *, uow: UnitOfWork) -> Payment:
    """Record a tender and its settled movements as history; no provider is asked."""
    if any(m.kind not in IMPORTED_KINDS for m in command.movements):
        raise Invalid("only captures and refunds are imported", field="movements")
    with uow.begin() as tx:
        order = orders.order_for_payment(command.order_id, uow=uow)
        payment = _replayed(command, order)
        tx.repo(LEDGER).add(payment)
        tx.record(*payment.drain_events())
        record_figures(order, payment, payment.transactions[-1], uow=uow)
    return payment


def _replayed(command: ImportPayment, order: orders.Order) -> Payment:
    """The payment as the aggregate builds it from the provider's answers, in order."""
    payment, authorisation = Payment.open(
        NewTender(
            order_id=order.id,
            channel=order.channel,
            customer_id=order.buyer.customer_id,
            provider=command.provider,
            method=command.method,
            amount=command.amount,
            provider_reference=command.reference,
        ),
        actor=command.actor,
        at=command.authorized_at,
    )
    payment.settle(authorisation.id, _succeeded(command.reference), at=command.authorized_at)
    for movement in sorted(command.movements, key=lambda m: m.at):
        begun = payment.begin(
            movement.kind,
            movement.amount,
            actor=command.actor,
            at=movement.at,
            reason=movement.reason,
        )
        payment.settle(begun.id, _succeeded(movement.reference), at=movement.at)
    return payment


def _succeeded(reference: str | None) -> ProviderOutcome:
    return ProviderOutcome(status=TransactionStatus.SUCCEEDED, reference=reference)
