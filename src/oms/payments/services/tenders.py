"""Tenders: adding a payment to an order (card, bank transfer, marketplace, till, credit),
and reading an order's payments."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from oms import orders
from oms.payments.domain import (
    AmountAboveBalanceDue,
    NewTender,
    NothingToPay,
    Payment,
    ProviderName,
    uncovered,
)
from oms.payments.providers import manual
from oms.payments.repository import LEDGER
from oms.payments.repository.refund_policy import GOODWILL_REFUNDS
from oms.payments.services.settling import (
    CAPTURED_AT_ONCE,
    Providers,
    Started,
    finish,
    provider_for,
)
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.money import Money


@dataclass(frozen=True, slots=True, kw_only=True)
class AddTender:
    """A new payment for an order. ``amount`` None means what no other tender covers yet.

    ``details`` is what the provider needs (``payment_intent``, ``payment_method``,
    ``method``, a bank reference); ``capture`` says whether to capture at once after the
    authorisation, None for the provider's habit (``CAPTURED_AT_ONCE``: the till, marketplaces
    and store credit do; a till's card pre-authorisation says False)."""

    order_id: UUID
    provider: ProviderName
    details: Mapping[str, Any] = field(default_factory=dict)
    amount: Money | None = None
    actor: str
    capture: bool | None = None


def add_tender(
    cmd: AddTender,
    *,
    uow: UnitOfWork,
    providers: Providers,
    visible_to: str | None = None,
) -> Payment:
    """Add a payment to an order: record its authorisation pending and commit, ask the
    provider, record the answer (and capture at once where the tender says so)."""
    provider_for(providers, cmd.provider)
    started = start_tender(cmd, uow=uow, visible_to=visible_to)
    return finish(started, uow=uow, providers=providers)


def start_tender(cmd: AddTender, *, uow: UnitOfWork, visible_to: str | None = None) -> Started:
    """Step 1 of ``add_tender`` alone, in the caller's transaction if there is one (the API
    commits it together with the Idempotency-Key's claim, then calls ``finish``)."""
    with uow.begin() as tx:
        order = orders.order_for_payment(cmd.order_id, uow=uow, visible_to=visible_to)
        if order.status is orders.OrderStatus.CANCELLED:
            raise NothingToPay(str(order.id), "it is cancelled")
        ledger = tx.repo(LEDGER)
        method = _method(cmd)
        concessions = tx.repo(GOODWILL_REFUNDS).transaction_ids(order.id)
        left = uncovered(order.totals.total, ledger.by_order(order.id), concessions)
        amount = _amount(cmd, order, left)
        tender = NewTender(
            order_id=order.id,
            channel=order.channel,
            customer_id=order.buyer.customer_id,
            provider=cmd.provider,
            method=method,
            amount=amount,
            provider_reference=_reference(cmd),
            capture_at_once=(
                cmd.provider in CAPTURED_AT_ONCE if cmd.capture is None else cmd.capture
            ),
        )
        payment, authorization = Payment.open(tender, actor=cmd.actor, at=tx.now)
        ledger.add(payment)
    return Started(
        payment_id=payment.id, transaction_id=authorization.id, details=dict(cmd.details)
    )


def _amount(cmd: AddTender, order: orders.Order, left: Money) -> Money:
    """The tender's amount: as given (in the order's currency, at most what is left), or
    what is left."""
    if cmd.amount is None:
        if left.amount <= 0:
            raise NothingToPay(str(order.id), "its tenders cover its total")
        return left
    if cmd.amount.currency != order.currency:
        raise Invalid(f"the order is in {order.currency}", field="amount.currency")
    if cmd.amount.amount <= 0:
        raise Invalid("must be positive", field="amount.amount")
    if left < cmd.amount:
        raise AmountAboveBalanceDue(cmd.amount, left)
    return cmd.amount


def _method(cmd: AddTender) -> str | None:
    """How the tender is paid: a manual tender must say which way (bank transfer, cash on
    delivery, invoice); a Stripe tender is a card."""
    method = cmd.details.get("method")
    if cmd.provider is ProviderName.MANUAL and method not in manual.METHODS:
        raise Invalid(
            f"a manual tender is one of {', '.join(sorted(manual.METHODS))}", field="method"
        )
    if method is not None:
        return str(method)
    return "card" if cmd.provider is ProviderName.STRIPE else None


def _reference(cmd: AddTender) -> str | None:
    """What the provider knows the tender by, when the caller knows it already (a PaymentIntent
    a storefront created, a till receipt, a marketplace's order id): the same one cannot
    become two tenders (unique per provider), refused before anything is asked."""
    for name in ("payment_intent", "reference"):
        given = cmd.details.get(name)
        if given:
            return str(given)
    return None


def list_payments(
    order_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None
) -> list[Payment]:
    """An order's payments with their transactions, oldest first."""
    with uow.read() as tx:
        orders.get_order(order_id, uow=uow, visible_to=visible_to)
        return tx.repo(LEDGER).by_order(order_id)


def get_payment(payment_id: UUID, *, uow: UnitOfWork, visible_to: str | None = None) -> Payment:
    """One payment with its transactions; another channel's does not exist for its key."""
    with uow.read() as tx:
        return tx.repo(LEDGER).get(payment_id, visible_to=visible_to)
