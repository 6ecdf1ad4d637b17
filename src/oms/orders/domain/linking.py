"""Placing an order for another one: an exchange's replacement units or a claim's reship.

A linked order is an order like any other once placed (sourced, allocated, held, confirmed,
fulfilled by the same paths); what differs is how it starts, decided here: the automatic hold
rules do not look at it (staff approved the exchange or claim, and the buyer and address are
the parent's, reviewed already), it may wait for the goods it replaces (a ``return_pending``
hold), and a price difference to pay holds it like a channel that takes payment first (a
``payment`` hold, released by payments once covered). Both orders record the link.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from oms.orders.domain.holds import HoldReason
from oms.orders.domain.model import NewOrder
from oms.orders.domain.order import Order
from oms.orders.domain.sourcing import Plan


def linked_holds(
    new: NewOrder, *, hold_for_return: bool, rma: str | None
) -> list[tuple[HoldReason, str]]:
    """The holds a linked order starts with (reason and note)."""
    holds: list[tuple[HoldReason, str]] = []
    if hold_for_return:
        holds.append((HoldReason.RETURN_PENDING, f"waits for the goods of {rma or 'the return'}"))
    if new.totals.total.amount > 0:
        holds.append(
            (HoldReason.PAYMENT, f"the price difference of {new.totals.total} is to be paid")
        )
    return holds


def place_linked(
    new: NewOrder,
    *,
    parent: Order,
    plan: Plan,
    locations: Mapping[UUID, str],
    hold_for_return: bool,
    rma: str | None,
    actor: str,
    at: datetime,
) -> Order:
    """The linked order ``new`` (its ``link`` set) placed by ``plan``, and the link recorded on
    both orders; refused (``IllegalTransition``) unless the parent is in progress or completed."""
    link = new.link
    if link is None or link.parent_order_id != parent.id:
        raise ValueError(f"order {new.number} is not linked to {parent.number}")
    parent.link_order(
        order_id=new.id,
        number=new.number,
        link=link,
        totals=new.totals,
        rma=rma,
        actor=actor,
        at=at,
    )
    order = Order.place(
        new,
        plan=plan,
        locations=locations,
        rules=(),
        first_order=False,
        actor=actor,
        at=at,
        required_holds=linked_holds(new, hold_for_return=hold_for_return, rma=rma),
    )
    why = f" ({rma})" if rma else ""
    order.note(
        kind="linked",
        summary=f"{link.kind.value} order for {parent.number}{why}",
        details={
            "parent_order_id": str(parent.id),
            "parent_number": parent.number,
            "kind": link.kind.value,
            "return_id": str(link.return_id),
            "rma": rma,
        },
        actor=actor,
        at=at,
    )
    return order
