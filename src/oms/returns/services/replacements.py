"""An approved exchange's replacement order: placed in the approval's transaction, so the
replacement's stock is held from the moment the exchange is agreed.

``place_exchange_order`` settles each replacement's price difference (``domain.exchanges``)
against what the customer paid for the returned units, then asks orders for a linked order
(``orders.place_linked_order``, kind ``exchange``) priced at the differences: its total is
what the customer owes (a ``payment`` hold until it is covered; zero when nothing is owed). It
waits for the returned goods (a ``return_pending`` hold) unless the channel's policy ships
exchanges at once (``instant_exchange``). The return's ``exchange_order_id``, set under the
return's lock in the same transaction, makes a second call place nothing.
"""

from __future__ import annotations

from uuid import UUID

from oms import orders
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.exchanges import Replacement, ReturnedValue, settle
from oms.returns.domain.lifecycle import ReturnKind
from oms.returns.domain.refund_amounts import units_value
from oms.returns.domain.returns import ReturnRequest
from oms.returns.repository.exchanges import REPLACEMENTS
from oms.returns.repository.policies import POLICIES
from oms.returns.repository.returns import RETURNS
from oms.returns.services.refunds import valued_units


def place_exchange_order(
    request: ReturnRequest, order: orders.Order, *, actor: str, uow: UnitOfWork
) -> orders.Order | None:
    """In the caller's transaction, the order and the return locked and the return approved:
    the exchange's replacement order, once (None when it is not an exchange or was placed)."""
    if request.kind is not ReturnKind.EXCHANGE or request.exchange_order_id is not None:
        return None
    with uow.begin() as tx:
        replacements = tx.repo(REPLACEMENTS)
        earlier = [r for r in tx.repo(RETURNS).for_order(order.id) if r.id != request.id]
        before = valued_units(earlier)
        settled = [
            settle(r, _returned_value(order, r, request.line(r.line_id).quantity, before))
            for r in replacements.for_return(request.id)
        ]
        replacements.settle(request.id, settled)
        policy = tx.repo(POLICIES).get(request.channel, currency=request.currency)
        linked = orders.place_linked_order(
            order.id,
            kind="exchange",
            return_id=request.id,
            lines=[_linked_line(r) for r in settled],
            hold_until_return_received=not policy.instant_exchange,
            actor=actor,
            uow=uow,
            rma=request.number,
        )
        request.link_exchange(linked.id, at=tx.now)
    return linked


def _returned_value(
    order: orders.Order, replacement: Replacement, quantity: int, before: dict[UUID, int]
) -> ReturnedValue:
    """What the customer paid for ``quantity`` units of the returned line (the next units
    after those earlier returns valued), in price terms and as money."""
    line = next(line for line in order.lines if line.id == replacement.line_id)
    price_total = line.total if order.prices_include_tax else line.total - line.tax
    first = before.get(line.id, 0)
    return ReturnedValue(
        price=units_value(price_total, line.billed_quantity, first, quantity),
        paid=units_value(line.total, line.billed_quantity, first, quantity),
    )


def _linked_line(replacement: Replacement) -> orders.LinkedLine:
    assert replacement.charged_unit_price is not None  # settled just before
    return orders.LinkedLine(
        sku=replacement.sku,
        quantity=replacement.quantity,
        unit_price=replacement.charged_unit_price,
    )
