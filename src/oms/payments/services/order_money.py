"""An order's money following the order: what a cancellation or an edit gives back, the
``payment`` hold until authorisations cover the total, and captures by the channel's setting.

Every function here works out what to do from the order and its ledger as they stand, never
from the event that prompted it: run twice (an event delivered again, a retry after a crash), it
finds nothing left to do. Money moves by the two-step rule: the movements are begun in one
transaction that holds the order's lock (the lock every change of its money takes first), then
each provider is asked outside it (``settling.finish``).

What the order keeps is ``captured - refunded - charged back``, where refunds given as goodwill
(and for returns, through ``goodwill.refund_order``) do not count: they are concessions on top
of the price, so an edit that lowers the price still gives back the whole difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from oms import channels, orders
from oms.payments.domain import (
    MovementInFlight,
    Payment,
    ProviderName,
    TenderStatus,
    TransactionKind,
    TransactionStatus,
)
from oms.payments.domain.refund_policy import refundable_now, spread
from oms.payments.repository import LEDGER
from oms.payments.repository.refund_policy import GOODWILL_REFUNDS
from oms.payments.services.movements import start_movement
from oms.payments.services.settling import Providers, Started, finish
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from oms.shared.money import Money

ACTOR = "system:payments"
CANCELLED = "order_cancelled"
"""The reason code of refunds that follow a cancellation."""
CHANGED = "order_changed"
"""The reason code of refunds that follow an edit or a partial cancellation."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ShipmentCapture:
    """What ``capture_for_shipment`` captured, and what it could not (no authorisation left)."""

    captured: Money
    short: Money
    payments: tuple[Payment, ...]


def capturable_now(payment: Payment) -> Money:
    """What can still be captured: authorised, less captured, less captures in flight."""
    pending = sum(
        (t.amount for t in payment.open_transactions if t.kind is TransactionKind.CAPTURE),
        Money.zero(payment.currency),
    )
    left = payment.capturable - pending
    return left if left.amount > 0 else Money.zero(payment.currency)


def covered(total: Money, payments: Sequence[Payment], concessions: frozenset[UUID]) -> bool:
    """Whether succeeded authorisations cover ``total``, less what they released (a final
    partial capture gives the rest back) and what went back other than as goodwill (a
    concession lowers what the buyer pays, not what their tenders must cover)."""
    held = Money.zero(total.currency)
    for p in payments:
        if p.status in (TenderStatus.AUTHORIZED, TenderStatus.CAPTURED):
            held += p.authorized - p.released - p.charged_back - _given_back(p, concessions)
    return total <= held


def _given_back(payment: Payment, concessions: frozenset[UUID]) -> Money:
    """Refunds of the tender, settled or in flight, that were not concessions."""
    return sum(
        (
            t.amount
            for t in payment.transactions
            if t.kind is TransactionKind.REFUND
            and (t.succeeded or t.open)
            and t.id not in concessions
        ),
        Money.zero(payment.currency),
    )


def release_payment_hold_if_covered(order_id: UUID, *, uow: UnitOfWork) -> bool:
    """Release the order's open ``payment`` holds once its authorisations cover its total (the
    last hold out confirms a pending order); False when there is none or it is not covered."""
    with uow.begin() as tx:
        order = orders.order_for_payment(order_id, uow=uow)
        holds = [h for h in order.open_holds if h.reason is orders.HoldReason.PAYMENT]
        payments = tx.repo(LEDGER).by_order(order_id)
        concessions = tx.repo(GOODWILL_REFUNDS).transaction_ids(order_id)
        if not holds or not covered(order.totals.total, payments, concessions):
            return False
        for hold in holds:
            orders.release_hold(
                orders.ReleaseHold(
                    order_id=order_id,
                    hold_id=hold.id,
                    actor=ACTOR,
                    note="authorised payments cover the order's total",
                ),
                uow=uow,
            )
    return True


def hold_until_paid(order_id: UUID, *, uow: UnitOfWork) -> bool:
    """Place a ``payment`` hold on an order whose authorisations no longer cover its total
    (an edit raised it), unless one is open already; True when one was placed.

    Only for orders whose money oms takes: one with a tender, or on a channel that takes
    payment before confirmation. An order paid outside oms (no tender ever added) is not held
    for money oms would never see."""
    with uow.begin() as tx:
        order = orders.order_for_payment(order_id, uow=uow)
        if order.status is orders.OrderStatus.CANCELLED or any(
            h.reason is orders.HoldReason.PAYMENT for h in order.open_holds
        ):
            return False
        payments = tx.repo(LEDGER).by_order(order_id)
        if (
            not payments
            and not channels.get_channel(order.channel, uow=uow).payment_before_confirmation
        ):
            return False
        if covered(
            order.totals.total, payments, tx.repo(GOODWILL_REFUNDS).transaction_ids(order_id)
        ):
            return False
        orders.place_hold(
            orders.PlaceHold(
                order_id=order_id,
                reason=orders.HoldReason.PAYMENT,
                actor=ACTOR,
                note=f"the order now costs {order.totals.total}: waiting for more payment",
            ),
            uow=uow,
        )
    return True


def settle_order_money(order_id: UUID, *, uow: UnitOfWork, providers: Providers) -> list[Payment]:
    """Make the order's tenders hold what it now costs: a cancelled order voids what is only
    authorised and refunds what it kept; a cheaper one refunds the difference it kept (spread
    like a goodwill refund), never more than the tenders can still give back (a goodwill
    refund may have given some of it already). Returns the payments moved."""
    with uow.begin() as tx:
        order = orders.order_for_payment(order_id, uow=uow)
        payments = tx.repo(LEDGER).by_order(order_id)
        _refuse_while_money_is_in_flight(payments)
        concessions = tx.repo(GOODWILL_REFUNDS).transaction_ids(order_id)
        cancelled = order.status is orders.OrderStatus.CANCELLED
        costs = Money.zero(order.currency) if cancelled else order.totals.total
        left = sum((refundable_now(p) for p in payments), Money.zero(order.currency))
        excess = min(kept(payments, concessions, order.currency) - costs, left)
        started: list[Started] = []
        if excess.amount > 0:
            reason = CANCELLED if cancelled else CHANGED
            started += [
                start_movement(
                    share.payment_id,
                    TransactionKind.REFUND,
                    share.amount,
                    actor=ACTOR,
                    reason=reason,
                    uow=uow,
                )
                for share in spread(excess, payments)
            ]
        if cancelled:
            started += [
                start_movement(p.id, TransactionKind.VOID, None, actor=ACTOR, uow=uow)
                for p in payments
                if _voidable(p)
            ]
    return [finish(s, uow=uow, providers=providers) for s in started]


def _refuse_while_money_is_in_flight(payments: Sequence[Payment]) -> None:
    """An authorisation or capture still waiting for its provider would change what the order
    keeps after this is worked out: refuse, so the event is retried once it is settled."""
    for p in payments:
        for t in p.open_transactions:
            if t.status is TransactionStatus.PENDING and t.kind in IN_FLIGHT:
                raise MovementInFlight(str(p.id), t.kind.value)


IN_FLIGHT = (TransactionKind.AUTHORIZE, TransactionKind.CAPTURE)


def kept(payments: Sequence[Payment], concessions: frozenset[UUID], currency: str) -> Money:
    """What the order's tenders keep for it: captured, less refunds (settled or in flight)
    that were not concessions, less chargebacks."""
    total = Money.zero(currency)
    for p in payments:
        total += p.captured - p.charged_back - _given_back(p, concessions)
    return total


def _voidable(payment: Payment) -> bool:
    """Only authorised (or still awaited, like a bank transfer): nothing captured, nothing in
    flight that a void would race."""
    if payment.captured.amount > 0 or payment.voided:
        return False
    if payment.status is TenderStatus.AUTHORIZED:
        return not payment.open_transactions
    return payment.status is TenderStatus.AUTHORIZING and all(
        t.status is TransactionStatus.REQUIRES_ACTION for t in payment.open_transactions
    )


def capture_authorized(payment_id: UUID, *, uow: UnitOfWork, providers: Providers) -> bool:
    """Capture what a just-authorised tender holds when its channel captures at placement (and
    always for store credit, which was taken at authorisation); False when nothing was due."""
    with uow.begin() as tx:
        payment = tx.repo(LEDGER).get(payment_id)
        channel = channels.get_channel(payment.channel, uow=uow)
        at_placement = channel.capture is channels.CaptureMode.AT_PLACEMENT
        if not at_placement and payment.provider is not ProviderName.STORE_CREDIT:
            return False
        if capturable_now(payment).amount <= 0:
            return False
        started = start_movement(payment.id, TransactionKind.CAPTURE, None, actor=ACTOR, uow=uow)
    finish(started, uow=uow, providers=providers)
    return True


def capture_for_shipment(
    order_id: UUID, amount: Money, *, uow: UnitOfWork, providers: Providers
) -> ShipmentCapture:
    """Capture ``amount`` (what ships) across the order's authorised tenders: store credit
    first (its money is already taken), then the oldest authorisation first (it expires
    first). What no authorisation covers is returned as ``short``, not refused: the goods
    are on their way, and finance sees the balance due on the order."""
    with uow.begin() as tx:
        order = orders.order_for_payment(order_id, uow=uow)
        if amount.currency != order.currency:
            raise Invalid(f"the order is in {order.currency}", field="amount.currency")
        payments = sorted(tx.repo(LEDGER).by_order(order_id), key=_capture_order)
        started, left = _start_captures(payments, amount, uow=uow)
    moved = tuple(finish(s, uow=uow, providers=providers) for s in started)
    return ShipmentCapture(captured=amount - left, short=left, payments=moved)


def capture_shipped_value(
    order_id: UUID, *, uow: UnitOfWork, providers: Providers
) -> ShipmentCapture | None:
    """For a channel that captures at shipment: capture what the order's shipped units are
    worth (``Order.value_shipped``, at most its total) less what is captured or being captured
    already. Idempotent by construction, so it runs both right after a shipment commits and
    as the outbox consumer of ``orders.units_shipped.v1`` (a crash between the two loses
    nothing), and again when an authorisation arrives after goods left. The order stays locked
    while the captures are started, so two runs never capture the same value twice. None when
    the channel captures at placement or nothing is owed."""
    with uow.begin() as tx:
        order = orders.order_for_payment(order_id, uow=uow)
        channel = channels.get_channel(order.channel, uow=uow)
        if channel.capture is not channels.CaptureMode.AT_SHIPMENT:
            return None
        payments = sorted(tx.repo(LEDGER).by_order(order_id), key=_capture_order)
        target = min(order.value_shipped, order.totals.total)
        owed = target - _captured_or_capturing(payments, order.currency)
        if owed.amount <= 0:
            return None
        started, left = _start_captures(payments, owed, uow=uow)
    moved = tuple(finish(s, uow=uow, providers=providers) for s in started)
    return ShipmentCapture(captured=owed - left, short=left, payments=moved)


def _captured_or_capturing(payments: Sequence[Payment], currency: str) -> Money:
    total = Money.zero(currency)
    for payment in payments:
        total += payment.captured
        for t in payment.open_transactions:
            if t.kind is TransactionKind.CAPTURE:
                total += t.amount
    return total


def _start_captures(
    payments: Sequence[Payment], amount: Money, *, uow: UnitOfWork
) -> tuple[list[Started], Money]:
    """Start captures of ``amount`` across ``payments`` in their order; returns them and what
    no authorisation covered."""
    left, started = amount, []
    for payment in payments:
        share = min(left, capturable_now(payment))
        if share.amount <= 0:
            continue
        started.append(
            start_movement(payment.id, TransactionKind.CAPTURE, share, actor=ACTOR, uow=uow)
        )
        left = left - share
    return started, left


def _capture_order(payment: Payment) -> tuple[int, object]:
    return (0 if payment.provider is ProviderName.STORE_CREDIT else 1, payment.created_at)
