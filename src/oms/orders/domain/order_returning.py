"""The order after sales: units asked back, withdrawn and received back, and the exchange or
reship orders placed for it.

``OrderReturning`` is a part of ``Order`` (``order.Order`` inherits it), like
``OrderFulfilment``: the return request itself (reasons, RMA, policy, inspection) lives in
``oms.returns``, above orders; the order keeps only how many of each line's delivered units are
asked back and how many came back, so its ``return_status`` is derived from its own lines and
no unit is ever returned twice. Each method checks the lifecycle table (legal on orders in
progress and completed), applies what ``returning`` worked out, bumps the version and records
an event and a timeline entry. None of them is blocked by a hold: goods come back whatever
holds the order has. The attributes and helpers of ``Order`` it uses are declared for the type
checker only; at run time the class holds no state of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from oms.orders.domain import return_records, returning
from oms.orders.domain.lifecycle import OrderAction, OrderReturnStatus
from oms.orders.domain.model import OrderLink
from oms.orders.domain.returning import ReturnStep

if TYPE_CHECKING:
    from oms.orders.domain import records
    from oms.orders.domain.model import OrderLine, Totals
    from oms.orders.domain.timeline import TimelineEntry


class OrderReturning:
    """Units asked back, withdrawn and received; linked orders (a part of ``Order``)."""

    if TYPE_CHECKING:  # what this part uses of Order
        id: UUID
        number: str
        lines: tuple[OrderLine, ...]
        link: OrderLink | None
        timeline: list[TimelineEntry]

        def _check(self, action: OrderAction) -> None: ...
        def _bump(self, at: datetime) -> None: ...
        def _record(self, record: records.Record | None) -> None: ...
    else:  # no state of its own (hidden from mypy, which would refuse assigning Order's fields)
        __slots__ = ()

    @property
    def return_status(self) -> OrderReturnStatus:
        """``none``, ``return_requested``, ``partially_returned`` or ``returned`` (see
        ``returning.return_status``)."""
        return returning.return_status(self.lines)

    def request_return_units(
        self, units: Mapping[UUID, int], *, rma: str | None, actor: str, at: datetime
    ) -> None:
        """Ask back delivered units (line id -> units) for a return request; refused beyond
        delivered - returned - asked back, per line."""
        self._check(OrderAction.REQUEST_RETURN)
        self.lines = returning.plan_return_step(self.number, self.lines, ReturnStep.REQUEST, units)
        self._bump(at)
        self._record(return_records.asked_back(self, units, rma, actor, at))

    def withdraw_return_units(self, units: Mapping[UUID, int], *, actor: str, at: datetime) -> None:
        """Units asked back are not coming (the request was declined or cancelled)."""
        self._check(OrderAction.WITHDRAW_RETURN)
        self.lines = returning.plan_return_step(self.number, self.lines, ReturnStep.WITHDRAW, units)
        self._bump(at)
        self._record(return_records.withdrawn(self, units, actor, at))

    def receive_returned_units(
        self, units: Mapping[UUID, int], *, actor: str, at: datetime
    ) -> None:
        """Units asked back arrived: no longer asked back, returned instead."""
        self._check(OrderAction.RECEIVE_RETURN)
        self.lines = returning.plan_return_step(self.number, self.lines, ReturnStep.RECEIVE, units)
        self._bump(at)
        self._record(return_records.received_back(self, units, actor, at))

    def link_order(
        self,
        *,
        order_id: UUID,
        number: str,
        link: OrderLink,
        totals: Totals,
        rma: str | None,
        actor: str,
        at: datetime,
    ) -> None:
        """Record that an exchange or reship order (``order_id``, ``number``) was placed for
        this one. Nothing of this order changes (the link is the new order's), so the version
        stays; the entry and the event tie the two for people and other contexts."""
        self._check(OrderAction.LINK_ORDER)
        if link.parent_order_id != self.id:
            raise ValueError(f"order {number} is linked to another order than {self.number}")
        self._record(return_records.linked(self, order_id, number, link, totals, rma, actor, at))
