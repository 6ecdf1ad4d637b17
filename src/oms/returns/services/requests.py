"""Asking for a return: by a csr for an order (``POST /v1/orders/{id}/returns``) or by the
customer through the order lookup (``POST /v1/orders/lookup/returns``: order number and the
buyer's email, no key).

The order is locked first (the system's lock order: the order, then the return) and read again
under the lock, so the lines' counts the request is checked against cannot move before its
units are asked back on the order: two requests for the last unit never both pass. What else
decides it (the catalog's flags, when each line reached the customer, the policy) is read
before. Every line that cannot come back is refused at once, each with its reason
(``ReturnRefused``, 422). When the policy approves every line's reason by itself, the return is
approved in the same transaction (``decisions.approve``) and its label made after the commit.

A retried request needs no ``Idempotency-Key``: its units are asked back already, so a retry
is refused for them (nothing can be asked back twice) instead of making a second return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from uuid import UUID

from oms import catalog, fulfilment, orders
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.eligibility import AskedLine, LineFacts, refusals
from oms.returns.domain.errors import ReturnRefused
from oms.returns.domain.lifecycle import ReturnKind, ReturnSource
from oms.returns.domain.policy import ReturnPolicy
from oms.returns.domain.returns import NewReturn, ReturnLine, ReturnRequest
from oms.returns.repository.policies import POLICIES
from oms.returns.repository.returns import RETURNS, DeskKey, ReturnFilter
from oms.returns.services import decisions

CUSTOMER = "customer"
"""How the customer is named as the actor of their own request (they have no key)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestReturn:
    order_id: UUID
    lines: tuple[AskedLine, ...]
    note: str = ""
    source: ReturnSource = ReturnSource.STAFF
    actor: str
    visible_to: str | None = None
    """A channel key's channel: another channel's order does not exist for it."""
    kind: ReturnKind = ReturnKind.RETURN
    """``exchange``: ``services.exchanges`` adds the replacements and decides the approval in
    the same transaction (an approval needs them), so none happens here."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestCustomerReturn:
    number: str
    email: str
    lines: tuple[AskedLine, ...]
    note: str = ""


def request_return(
    command: RequestReturn, *, uow: UnitOfWork, carriers: fulfilment.Carriers | None = None
) -> ReturnRequest:
    """A return of delivered units, refused per line when they cannot come back; approved at
    once when the policy says so (then labelled after the commit, with ``carriers``)."""
    order = orders.get_order(command.order_id, uow=uow, visible_to=command.visible_to)
    with uow.read() as tx:
        policy = tx.repo(POLICIES).get(order.channel, currency=order.currency)
    products = _products(
        [line.sku for line in order.lines], with_handles=bool(policy.products), uow=uow
    )
    handovers = fulfilment.delivery_times(order.id, uow=uow)
    with uow.begin() as tx:
        order = orders.order_for_fulfilment(order.id, uow=uow)
        facts = _facts(order, products, handovers)
        problems = refusals(command.lines, facts, policy, now=tx.now)
        if problems:
            raise ReturnRefused(problems)
        request = ReturnRequest.request(_new_return(command, order, policy), at=tx.now)
        orders.request_return_units(order.id, request.units, rma=None, actor=command.actor, uow=uow)
        automatic = command.kind is ReturnKind.RETURN and policy.auto_approves(
            line.reason for line in request.lines
        )
        repo = tx.repo(RETURNS)
        repo.add(request)
        if automatic:
            decisions.approve(request, order, actor=command.actor, automatic=True, uow=uow)
            repo.save(request)
        tx.record(*request.drain_events())
    if automatic:
        decisions.label_approved(request, uow=uow, carriers=carriers, actor=command.actor)
    return request


def request_customer_return(
    command: RequestCustomerReturn,
    *,
    uow: UnitOfWork,
    carriers: fulfilment.Carriers | None = None,
) -> ReturnRequest:
    """The customer's own request: the order found as the lookup finds it (a wrong number and
    a wrong email answer alike, 404), then as ``request_return``."""
    order = orders.lookup_order(command.number, command.email, uow=uow)
    return request_return(
        RequestReturn(
            order_id=order.id,
            lines=command.lines,
            note=command.note,
            source=ReturnSource.CUSTOMER,
            actor=CUSTOMER,
        ),
        uow=uow,
        carriers=carriers,
    )


def get_return(
    return_id: UUID,
    *,
    uow: UnitOfWork,
    visible_to: str | None = None,
    location_scope: str | None = None,
) -> ReturnRequest:
    """One return; another channel's (channel key) or another location's (location-bound
    key) does not exist for the caller."""
    with uow.read() as tx:
        return tx.repo(RETURNS).get(return_id, visible_to=visible_to, at_location=location_scope)


def list_returns(
    filters: ReturnFilter,
    *,
    uow: UnitOfWork,
    after: DeskKey | None,
    limit: int,
    location_scope: str | None = None,
) -> list[ReturnRequest]:
    """The returns desk's list, newest first; a location-bound key sees only the returns
    coming back to its location."""
    if location_scope is not None:
        if filters.location not in (None, location_scope):
            return []
        filters = replace(filters, location=location_scope)
    with uow.read() as tx:
        return tx.repo(RETURNS).list(filters, after=after, limit=limit)


def _new_return(command: RequestReturn, order: orders.Order, policy: ReturnPolicy) -> NewReturn:
    skus = {line.id: line.sku for line in order.lines}
    return NewReturn(
        order_id=order.id,
        order_number=order.number,
        channel=order.channel,
        currency=order.currency,
        kind=command.kind,
        source=command.source,
        return_shipping_paid_by=policy.return_shipping_paid_by,
        lines=tuple(
            ReturnLine(
                line_id=line.line_id,
                sku=skus[line.line_id],
                quantity=line.quantity,
                reason=line.reason,
                note=line.note,
            )
            for line in command.lines
        ),
        note=command.note,
        actor=command.actor,
    )


@dataclass(frozen=True, slots=True)
class _Product:
    returnable: bool
    handle: str | None


def _products(skus: list[str], *, with_handles: bool, uow: UnitOfWork) -> dict[str, _Product]:
    """Per SKU: the catalog's returnable flag and, when the policy has product overrides that
    may name it, its product's handle (a SKU no longer in the catalog: returnable, no handle)."""
    refs = catalog.find_variants(list(dict.fromkeys(skus)), uow=uow)
    handles: dict[UUID, str | None] = {}
    if with_handles:
        for ref in refs.values():
            if ref.product_id not in handles:
                handles[ref.product_id] = catalog.get_product(ref.product_id, uow=uow).handle
    return {
        sku: _Product(returnable=ref.returnable, handle=handles.get(ref.product_id))
        for sku, ref in refs.items()
    }


def _facts(
    order: orders.Order,
    products: Mapping[str, _Product],
    handovers: Mapping[UUID, fulfilment.LineHandover],
) -> dict[UUID, LineFacts]:
    """What decides each line. A line delivered without any parcel or pickup on record (an
    order handed over at the till) counts its window from when the order was placed."""
    facts: dict[UUID, LineFacts] = {}
    for line in order.lines:
        product = products.get(line.sku, _Product(returnable=True, handle=None))
        handover = handovers.get(line.id)
        facts[line.id] = LineFacts(
            sku=line.sku,
            product=product.handle,
            returnable=product.returnable,
            delivered=line.delivered_quantity,
            returned=line.returned_quantity,
            asked_back=line.return_requested_quantity,
            shipped_at=handover.shipped_at
            if handover
            else (order.placed_at if line.delivered_quantity else None),
            delivered_at=handover.delivered_at if handover else None,
        )
    return facts


def line_facts(
    order: orders.Order, policy: ReturnPolicy, *, uow: UnitOfWork
) -> dict[UUID, LineFacts]:
    """What decides whether each line of the order may come back, as a request is checked
    against it (for showing a customer beforehand what they may ask back)."""
    products = _products(
        [line.sku for line in order.lines], with_handles=bool(policy.products), uow=uow
    )
    return _facts(order, products, fulfilment.delivery_times(order.id, uow=uow))
