"""Exchanges: goods come back and something else goes out in their place (another size or
colour, or another product at a price difference).

An exchange is a return of kind ``exchange`` with its replacements (``domain.exchanges``),
requested like any return (the same per-line refusals: ``requests.request_return``) and stored
with them in one transaction, then approved by the policy (or the desk) like any return. The
approval places the replacement order in its own transaction (``replacements``): the stock is
held from then on. After that, each step is a consumer of an event, idempotent:

- ``returns.return_approved.v1``: the replacement order exists (``ensure_exchange_order``;
  the approval placed it already, so this places nothing unless an approval came another way);
- ``returns.return_received.v1``: once every unit arrived, the replacement's ``return_pending``
  hold is released (fulfilment ships it) and a cheaper replacement's difference is refunded
  (``settle_receipt``: decided once under the return's lock, then paid, keyed by its id);
- ``orders.units_shipped.v1`` of an exchange order: ``returns.exchange_shipped.v1``;
- ``returns.return_cancelled.v1``: the replacement order is cancelled, its stock given back
  (``withdraw_exchange_order``; one that already shipped stays).

Once inspected, the desk completes it (``resolve_exchange``, resolution ``exchange``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from oms import catalog, fulfilment, orders, payments
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.exchanges import Replacement
from oms.returns.domain.lifecycle import ReturnKind, ReturnStatus
from oms.returns.domain.returns import Resolution, ReturnRequest
from oms.returns.repository.exchanges import REPLACEMENTS
from oms.returns.repository.policies import POLICIES
from oms.returns.repository.resolutions import PRICE_DIFFERENCE, RETURN_REFUNDS, DecidedRefund
from oms.returns.repository.returns import RETURNS
from oms.returns.services import decisions, requests
from oms.returns.services.refunds import Resolved, decide_refund, lock_return, pay_decided
from oms.returns.services.replacements import place_exchange_order
from oms.shared.errors import Conflict, FieldProblem, Invalid
from oms.shared.money import Money


@dataclass(frozen=True, slots=True, kw_only=True)
class ExchangedLine:
    asked: AskedLine
    sku: str
    """The replacement's SKU."""
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestExchange:
    order_id: UUID
    lines: tuple[ExchangedLine, ...]
    note: str = ""
    actor: str
    visible_to: str | None = None


def request_exchange(
    command: RequestExchange, *, uow: UnitOfWork, carriers: fulfilment.Carriers | None = None
) -> ReturnRequest:
    """An exchange of delivered units for replacements at the channel's prices, refused per
    line as a return is (and per replacement SKU); approved at once when the policy says so
    (the replacement order placed, its stock held), then labelled after the commit."""
    order = orders.get_order(command.order_id, uow=uow, visible_to=command.visible_to)
    replacements = _priced(command.lines, order, uow=uow)
    with uow.begin() as tx:
        request = requests.request_return(
            requests.RequestReturn(
                order_id=order.id,
                lines=tuple(line.asked for line in command.lines),
                note=command.note,
                actor=command.actor,
                visible_to=command.visible_to,
                kind=ReturnKind.EXCHANGE,
            ),
            uow=uow,
        )
        tx.repo(REPLACEMENTS).add(request.id, replacements)
        policy = tx.repo(POLICIES).get(order.channel, currency=order.currency)
        automatic = policy.auto_approves(line.reason for line in request.lines)
        if automatic:
            locked = orders.order_for_fulfilment(order.id, uow=uow)
            decisions.approve(request, locked, actor=command.actor, automatic=True, uow=uow)
            tx.repo(RETURNS).save(request)
            tx.record(*request.drain_events())
    if automatic:
        decisions.label_approved(request, uow=uow, carriers=carriers, actor=command.actor)
    return request


def replacements_of(return_id: UUID, *, uow: UnitOfWork) -> list[Replacement]:
    """An exchange's replacements, with their settled differences once approved."""
    with uow.read() as tx:
        return tx.repo(REPLACEMENTS).for_return(return_id)


def ensure_exchange_order(return_id: UUID, *, actor: str, uow: UnitOfWork) -> UUID | None:
    """The approved exchange's replacement order, placed if it is missing (never twice: the
    return's ``exchange_order_id`` is read under its lock)."""
    with uow.begin() as tx:
        request = lock_return(return_id, uow=uow, tx=tx)
        if request.kind is not ReturnKind.EXCHANGE or request.status not in _WAITING:
            return request.exchange_order_id
        order = orders.get_order(request.order_id, uow=uow)
        if place_exchange_order(request, order, actor=actor, uow=uow) is not None:
            tx.repo(RETURNS).save(request)
    return request.exchange_order_id


def settle_receipt(
    return_id: UUID, *, actor: str, uow: UnitOfWork, providers: payments.Providers
) -> DecidedRefund | None:
    """Every returned unit arrived: release the replacement's ``return_pending`` hold and
    refund a cheaper replacement's difference, once (both steps do nothing the second time)."""
    with uow.read() as tx:
        request = tx.repo(RETURNS).get(return_id)
    if request.kind is not ReturnKind.EXCHANGE or request.received_at is None:
        return None
    if request.outstanding_units or request.exchange_order_id is None:
        return None
    orders.release_return_hold(request.exchange_order_id, actor=actor, uow=uow)
    with uow.begin() as tx:
        request = lock_return(return_id, uow=uow, tx=tx)
        refunds = tx.repo(RETURN_REFUNDS)
        decided = refunds.get(request.id, PRICE_DIFFERENCE)
        if decided is None:
            owed = _difference_owed(tx.repo(REPLACEMENTS).for_return(request.id), request)
            decided = decide_refund(
                request,
                owed,
                payments.RefundDestination.ORIGINAL,
                actor=actor,
                tx=tx,
                purpose=PRICE_DIFFERENCE,
            )
            if decided is not None:
                _note(request, f"{request.reference}: price difference {owed} refunded", actor, uow)
    if decided is not None:
        pay_decided(decided, uow=uow, providers=providers)
    return decided


def withdraw_exchange_order(return_id: UUID, *, actor: str, uow: UnitOfWork) -> bool:
    """A cancelled exchange's replacement order is cancelled too, its stock given back (True);
    one that already shipped (an instant exchange) stays, noted on the timeline."""
    with uow.read() as tx:
        request = tx.repo(RETURNS).get(return_id)
    if request.exchange_order_id is None or request.status is not ReturnStatus.CANCELLED:
        return False
    linked = orders.get_order(request.exchange_order_id, uow=uow)
    if linked.status is orders.OrderStatus.CANCELLED:
        return False
    if any(line.fulfilled_quantity for line in linked.lines):
        with uow.begin():
            summary = f"{request.reference} cancelled; {linked.number} had shipped already"
            _note(request, summary, actor, uow)
        return False
    orders.cancel_order(
        orders.CancelOrder(
            order_id=linked.id, reason=f"exchange {request.reference} cancelled", actor=actor
        ),
        uow=uow,
    )
    return True


def note_exchange_shipped(
    order_id: UUID, shipped: Sequence[tuple[str, int]], *, uow: UnitOfWork
) -> bool:
    """Units of an exchange's replacement order left: ``returns.exchange_shipped.v1`` on the
    return (False for any other order)."""
    order = orders.get_order(order_id, uow=uow)
    if order.link is None or order.link.kind is not orders.LinkKind.EXCHANGE:
        return False
    by_sku = {line.sku: line.id for line in order.lines}
    units = {by_sku[sku]: quantity for sku, quantity in shipped if sku in by_sku}
    with uow.begin() as tx:
        request = lock_return(order.link.return_id, uow=uow, tx=tx)
        request.note_exchange_shipped(units, {i: s for s, i in by_sku.items()}, at=tx.now)
        tx.record(*request.drain_events())
        _note(request, f"{request.reference}: replacement {order.number} shipped", "system", uow)
    return True


def resolve_exchange(
    return_id: UUID,
    *,
    actor: str,
    uow: UnitOfWork,
    providers: payments.Providers,
    visible_to: str | None = None,
) -> Resolved:
    """Complete an inspected exchange (resolution ``exchange``): its refund is the price
    difference given back, if any (settled at receipt; settled now if that has not run)."""
    settle_receipt(return_id, actor=actor, uow=uow, providers=providers)
    with uow.begin() as tx:
        request = lock_return(return_id, uow=uow, tx=tx, visible_to=visible_to)
        if request.kind is not ReturnKind.EXCHANGE:
            raise Conflict(f"{request.reference} is a {request.kind.value}, not an exchange")
        decided = tx.repo(RETURN_REFUNDS).get(request.id, PRICE_DIFFERENCE)
        if request.status is not ReturnStatus.COMPLETED:
            never_came = request.uninspected_units
            request.complete(
                Resolution.EXCHANGE, refund=decided.amount if decided else None, at=tx.now
            )
            tx.repo(RETURNS).save(request)
            tx.record(*request.drain_events())
            if never_came:  # completed before everything came back: the rest is not coming
                orders.withdraw_return_units(request.order_id, never_came, actor=actor, uow=uow)
            _note(request, f"Exchange {request.reference} completed", actor, uow)
    refund = pay_decided(decided, uow=uow, providers=providers) if decided else None
    return Resolved(request=request, decided=decided, refund=refund)


_WAITING = frozenset({ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED})


def _priced(
    lines: Sequence[ExchangedLine], order: orders.Order, *, uow: UnitOfWork
) -> list[Replacement]:
    """The replacements at the channel's prices; one problem per SKU that cannot be sold
    there (``lines.0.replacement.sku``)."""
    prices = catalog.prices_for(
        [line.sku for line in lines], order.channel, uow=uow, currency=order.currency
    )
    problems = [
        FieldProblem(f"lines.{i}.replacement.sku", f"{line.sku} is not sold on {order.channel}")
        for i, line in enumerate(lines)
        if line.sku not in prices
    ]
    if problems:
        raise Invalid("the exchange cannot be accepted", problems=problems)
    return [
        Replacement(
            line_id=line.asked.line_id,
            sku=line.sku,
            quantity=line.quantity,
            unit_price=prices[line.sku],
        )
        for line in lines
    ]


def _difference_owed(replacements: Sequence[Replacement], request: ReturnRequest) -> Money:
    return sum(
        (r.refund for r in replacements if r.refund is not None), Money.zero(request.currency)
    )


def _note(request: ReturnRequest, summary: str, actor: str, uow: UnitOfWork) -> None:
    orders.note_on_timeline(
        request.order_id,
        kind="exchange",
        summary=summary,
        details={"return_id": str(request.id), "rma": request.number},
        actor=actor,
        uow=uow,
    )
