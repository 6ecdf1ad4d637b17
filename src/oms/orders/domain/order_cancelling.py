"""Cancelling an order, whole or some of its units.

``OrderCancelling`` is a part of ``Order`` (``order.Order`` inherits it), kept in its own module
because the aggregate outgrew one: the checks on what may be cancelled, the plan of what the
cancellation gives back (``model.plan_cancellation``, which an edit uses too), and the change
itself, repriced by the ``Reprice`` the service hands in when units remain. The attributes and
helpers of ``Order`` it uses are declared for the type checker only; at run time the class
holds no state of its own (empty ``__slots__``, so ``Order`` keeps no ``__dict__``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, cast
from uuid import UUID

from oms.orders.domain import records
from oms.orders.domain.errors import NothingToCancel
from oms.orders.domain.events import LineUnits
from oms.orders.domain.lifecycle import ORDER_LIFECYCLE, OrderAction, OrderStatus
from oms.orders.domain.model import Allocation, Cancellation, plan_cancellation
from oms.shared.errors import FieldProblem, IllegalTransition, Invalid

if TYPE_CHECKING:
    from oms.orders.domain.model import Buyer, OrderLine, Totals
    from oms.orders.domain.order import Order, Reprice
    from oms.shared.address import Address


class OrderCancelling:
    """Cancel an order or some of its units (a part of ``Order``)."""

    if TYPE_CHECKING:  # what this part uses of Order (and what ``records`` reads)
        id: UUID
        number: str
        channel: str
        buyer: Buyer
        status: OrderStatus
        version: int
        totals: Totals
        placed_at: datetime
        shipping_method: str
        pickup_location: str | None
        shipping_address: Address
        lines: tuple[OrderLine, ...]
        allocations: tuple[Allocation, ...]
        cancelled_at: datetime | None
        cancel_reason: str | None

        @property
        def on_hold(self) -> bool: ...
        def line(self, line_id: UUID) -> OrderLine: ...
        def _check(self, action: OrderAction) -> None: ...
        def _bump(self, at: datetime) -> None: ...
        def _record(self, record: records.Record | None) -> None: ...
    else:  # no state of its own (hidden from mypy, which would refuse assigning Order's fields)
        __slots__ = ()

    def cancel(self, *, reason: str, actor: str, at: datetime) -> tuple[Allocation, ...]:
        """Cancel every open unit; refused once anything has shipped. Returns the allocations
        given back, for the stock ledger."""
        if any(line.fulfilled_quantity for line in self.lines):
            raise IllegalTransition(
                f"order {self.number} has shipped units and cannot be cancelled",
                state=self.status.value,
                action=OrderAction.CANCEL.value,
            )
        self._check(OrderAction.CANCEL)
        units = {line.id: line.open_quantity for line in self.lines if line.open_quantity}
        if not units:
            raise NothingToCancel(self.number)
        return self._cancel(units, reason, actor, at, reprice=None)

    def cancel_units(
        self, units: Mapping[UUID, int], *, reason: str, actor: str, at: datetime, reprice: Reprice
    ) -> tuple[Allocation, ...]:
        """Cancel some units (line id -> units) and reprice what is left; cancelling the last
        open unit cancels the order. Returns the allocations given back."""
        self._check(OrderAction.CANCEL_UNITS)
        self._check_units(units)
        return self._cancel(dict(units), reason, actor, at, reprice=reprice)

    def _check_units(self, wanted: Mapping[UUID, int]) -> None:
        if not wanted:
            raise Invalid("name at least one line to cancel", field="lines")
        problems = []
        for index, (line_id, units) in enumerate(wanted.items()):
            line = self.line(line_id)
            if units <= 0:
                problems.append(FieldProblem(f"lines.{index}.quantity", "must be positive"))
            elif units > line.open_quantity:
                problems.append(
                    FieldProblem(
                        f"lines.{index}.quantity",
                        f"only {line.open_quantity} of {line.sku} can still be cancelled",
                    )
                )
        if problems:
            raise Invalid("the cancellation is not valid", problems=problems)

    def plan_cancellation(self, units: Mapping[UUID, int]) -> Cancellation:
        """What cancelling ``units`` (line id -> units, already checked) would do; nothing
        changes (an edit works out the units it cancels with it too)."""
        return plan_cancellation(self.lines, self.allocations, units)

    def _cancel(
        self,
        units: dict[UUID, int],
        reason: str,
        actor: str,
        at: datetime,
        *,
        reprice: Reprice | None,
    ) -> tuple[Allocation, ...]:
        outcome = self.plan_cancellation(units)
        before = records.Before(status=self.status, total=self.totals.total)
        whole = all(ln.open_quantity == 0 and ln.fulfilled_quantity == 0 for ln in outcome.lines)
        if whole:
            self.status = ORDER_LIFECYCLE.next(self.status, OrderAction.CANCEL)
            self.cancelled_at, self.cancel_reason = at, reason
            self.lines = outcome.lines
        else:
            assert reprice is not None, "a partial cancellation reprices the order"
            self.lines, self.totals = reprice(cast("Order", self), outcome.lines)
        self.allocations = outcome.remaining
        self._bump(at)
        cancelled = tuple(LineUnits(sku=self.line(i).sku, quantity=q) for i, q in units.items())
        self._record(records.cancelled(self, before, cancelled, reason, actor, at))
        return outcome.released
