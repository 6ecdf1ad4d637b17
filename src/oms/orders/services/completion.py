"""The completion step: an order completes once every billed unit arrived, it is paid (or its
channel, a marketplace, collects the money) and no hold stops it. Called by each use case after
which that can first become true: a delivery, a payment, the release of the last hold."""

from __future__ import annotations

from datetime import datetime

from oms import channels
from oms.channels import ChannelKind
from oms.orders.domain import Order
from oms.platform.unit_of_work import UnitOfWork


def complete_when_done(order: Order, *, actor: str, at: datetime, uow: UnitOfWork) -> bool:
    """The one completion rule. The channel is read (cached reference data) only once every
    unit arrived, the one moment its kind can matter."""
    if not order.all_delivered:
        return False
    collects = channels.get_channel(order.channel, uow=uow).kind is ChannelKind.MARKETPLACE
    if not order.is_done(channel_collects=collects):
        return False
    order.complete(actor=actor, at=at, channel_collects=collects)
    return True
