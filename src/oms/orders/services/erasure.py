"""Erasing a customer from their orders: the consumer of ``customers.customer_erased.v1``.

Customers cannot reach orders (orders depends on customers, never the reverse), so the erasure
travels as an event. The relay delivers it at least once; ``first_delivery`` makes the effect
happen once. In one transaction per customer: every order's buyer is pseudonymised
(``domain.erasure``), the copies of addresses in timelines and previewed changes erased, a
timeline entry says it was done, and the stored responses about those orders (``order:<id>``:
a replayed ``POST /v1/orders`` would otherwise return the buyer) are erased.

Calling ``erase_buyer`` again is harmless: an erased buyer is written back unchanged. Orders
placed after the erasure committed cannot name the customer (their email no longer matches the
profile, so a new profile is made).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from oms.orders.domain.erasure import erase_buyer as erased
from oms.orders.repository.erasure import BUYERS
from oms.platform.idempotency import STORED_RESPONSES, subject
from oms.platform.subscriptions import first_delivery
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.events import Envelope

CONSUMER = "orders.erasure"
ACTOR = "system:erasure"


@dataclass(frozen=True, kw_only=True)
class EraseBuyer:
    customer_id: UUID


def erase_buyer(cmd: EraseBuyer, *, uow: UnitOfWork) -> int:
    """Pseudonymise the buyer on every order of the customer; returns how many orders."""
    with uow.begin() as tx:
        buyers = tx.repo(BUYERS)
        found = buyers.records_of(cmd.customer_id)
        buyers.save([erased(r, cmd.customer_id) for r in found], at=tx.now, actor=ACTOR)
        tx.repo(STORED_RESPONSES).erase(subject("order", r.order_id) for r in found)
    return len(found)


def handle_customer_erased(envelope: Envelope, *, uow: UnitOfWork) -> None:
    """Consumer of ``customers.customer_erased.v1``: erase the customer from their orders."""
    with uow.begin():
        if first_delivery(uow, CONSUMER, envelope):
            erase_buyer(EraseBuyer(customer_id=envelope.event.aggregate_id), uow=uow)
