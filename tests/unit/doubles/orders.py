"""Doubles of the orders ports, and orders built without a database."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from oms.orders.domain import (
    Allocation,
    Buyer,
    HoldRule,
    HoldRuleSetting,
    Order,
    OrderLine,
    OrderNotFound,
    OrderStatus,
    StaleOrderVersion,
    TimelineEntry,
    Totals,
)
from oms.orders.domain.changes import ChangeNotPending, ChangeStatus, OrderChange
from oms.orders.repository import (
    CHANGES,
    HOLD_RULES,
    ORDERS,
    TIMELINE,
    Changes,
    HoldRules,
    OrderFilter,
    Orders,
    Timeline,
)
from oms.orders.repository.orders import WaitingOrder
from oms.shared.address import Address
from oms.shared.money import Money

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
HOME = Address(line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE")


def a_line(no: int = 1, quantity: int = 2, price: str = "20", **changes: Any) -> OrderLine:
    unit = Money.of(price, "EUR")
    made = OrderLine(
        id=uuid4(),
        line_no=no,
        variant_id=uuid4(),
        sku=f"TS-{no}",
        name="T-shirt",
        tax_category="standard",
        quantity=quantity,
        unit_price=unit,
        subtotal=unit * quantity,
        discount=Money.zero("EUR"),
        tax_rate=Decimal("0.19"),
        tax=Money.zero("EUR"),
        total=unit * quantity,
    )
    return replace(made, **changes)


def an_allocation(
    line: OrderLine, location: UUID, quantity: int, code: str = "wh-de"
) -> Allocation:
    return Allocation(
        line_id=line.id,
        variant_id=line.variant_id,
        location_id=location,
        location=code,
        quantity=quantity,
    )


def an_order(*lines: OrderLine, **changes: Any) -> Order:
    """A stored order as a repository would load it (nothing recorded on it)."""
    lines = lines or (a_line(),)
    total = Money.zero("EUR")
    for line in lines:
        total = total + line.total
    nothing = Money.zero("EUR")
    made = Order(
        id=uuid4(),
        number="SO-10001",
        channel="web",
        external_id=None,
        buyer=Buyer(
            customer_id=uuid4(), email="ada@example.com", name="Ada", phone=None, locale="de"
        ),
        status=OrderStatus.CONFIRMED,
        version=1,
        currency="EUR",
        prices_include_tax=True,
        shipping_method="standard",
        pickup_location=None,
        shipping_address=HOME,
        billing_address=None,
        address_validated=True,
        notes="",
        totals=Totals(
            subtotal=total,
            shipping=nothing,
            shipping_tax=nothing,
            discount=nothing,
            tax=nothing,
            total=total,
        ),
        placed_at=NOW,
        updated_at=NOW,
        lines=lines,
    )
    return replace(made, **changes)


def _stored(order: Order) -> Order:
    """A copy as a database would keep it: values only, nothing waiting to be recorded."""
    return replace(order, events=[], timeline=[])


class InMemoryOrders:
    """``Orders`` over a dict; ``save`` refuses an order whose stored version moved on."""

    def __init__(self, *orders: Order) -> None:
        self.stored: dict[UUID, Order] = {o.id: _stored(o) for o in orders}
        self.entries: dict[UUID, list[TimelineEntry]] = {o.id: [] for o in orders}
        self.loaded: dict[UUID, int] = {}
        self.numbers = itertools.count(10001)
        self.saved: list[UUID] = []

    def _load(self, order: Order | None) -> Order | None:
        if order is None:
            return None
        self.loaded[order.id] = order.version
        return _stored(order)

    def get(self, order_id: UUID, *, lock: bool = False, visible_to: str | None = None) -> Order:
        order = self._load(self.stored.get(order_id))
        if order is None or (visible_to is not None and order.channel != visible_to):
            raise OrderNotFound(str(order_id))
        return order

    def find_by_number(self, number: str, *, buyer_email: str | None = None) -> Order | None:
        return self._load(
            next(
                (
                    o
                    for o in self.stored.values()
                    if o.number == number and buyer_email in (None, o.buyer.email)
                ),
                None,
            )
        )

    def find_by_external_id(self, channel: str, external_id: str) -> Order | None:
        return self._load(
            next(
                (
                    o
                    for o in self.stored.values()
                    if (o.channel, o.external_id) == (channel, external_id)
                ),
                None,
            )
        )

    def add(self, order: Order) -> Order:
        if order.external_id is not None:
            existing = self.find_by_external_id(order.channel, order.external_id)
            if existing is not None:
                return existing
        self.stored[order.id] = _stored(order)
        self.entries[order.id] = order.drain_timeline()
        self.loaded[order.id] = order.version
        return order

    def save(self, order: Order) -> None:
        if order.id not in self.loaded:
            raise LookupError(f"order {order.number} was not loaded")
        current = self.stored[order.id].version
        if current != self.loaded[order.id]:
            raise StaleOrderVersion(order.number, self.loaded[order.id], current)
        self.stored[order.id] = _stored(order)
        self.entries[order.id].extend(order.drain_timeline())
        self.loaded[order.id] = order.version
        self.saved.append(order.id)

    def append_note(self, order_id: UUID, entry: TimelineEntry) -> None:
        if order_id not in self.stored:
            raise LookupError(f"no order {order_id}")
        self.entries[order_id].append(entry)

    def next_number(self) -> str:
        return f"SO-{next(self.numbers)}"

    def has_orders_of(self, customer_id: UUID) -> bool:
        return any(o.buyer.customer_id == customer_id for o in self.stored.values())

    def search(
        self, filters: OrderFilter, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Order]:
        found = [
            o
            for o in self.stored.values()
            if filters.channel in (None, o.channel) and filters.status in (None, o.status)
        ]
        found.sort(key=lambda o: (o.placed_at, o.id), reverse=True)
        if after is not None:
            found = [o for o in found if (o.placed_at, o.id) < after]
        return [_stored(o) for o in found[:limit]]

    def waiting_for(
        self, variant_id: UUID, *, after: tuple[datetime, str] | None = None, limit: int
    ) -> list[WaitingOrder]:
        live = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS)
        waiting = [
            WaitingOrder(
                order_id=o.id,
                placed_at=o.placed_at,
                number=o.number,
                channel=o.channel,
                pickup_location=o.pickup_location,
                units=sum(ln.backordered_quantity for ln in o.lines if ln.variant_id == variant_id),
            )
            for o in self.stored.values()
            if o.status in live
        ]
        waiting = sorted((w for w in waiting if w.units), key=lambda w: w.order_time)
        if after is not None:
            waiting = [w for w in waiting if w.order_time > after]
        return waiting[:limit]

    def lock_backorders_of(self, variant_id: UUID) -> None:
        """One thread of work: nothing to queue behind."""

    def due_holds(self, now: datetime, *, limit: int) -> list[tuple[UUID, UUID]]:
        due = [
            (h.auto_release_at, o.id, h.id)
            for o in self.stored.values()
            for h in o.open_holds
            if h.auto_release_at is not None and h.auto_release_at <= now
        ]
        return [(order_id, hold_id) for _, order_id, hold_id in sorted(due)[:limit]]


class InMemoryTimeline:
    """``Timeline`` reading what ``InMemoryOrders`` stored."""

    def __init__(self, orders: InMemoryOrders) -> None:
        self.orders = orders

    def entries(
        self, order_id: UUID, *, after: int | None, limit: int
    ) -> list[tuple[int, TimelineEntry]]:
        numbered = list(enumerate(self.orders.entries.get(order_id, []), start=1))
        return [(n, e) for n, e in numbered if after is None or n > after][:limit]

    def of_kind(self, order_id: UUID, kind: str) -> list[TimelineEntry]:
        return [e for e in self.orders.entries.get(order_id, []) if e.kind == kind]


class InMemoryChanges:
    """``Changes`` over a dict."""

    def __init__(self) -> None:
        self.stored: dict[UUID, OrderChange] = {}

    def add(self, change: OrderChange) -> None:
        self.stored[change.id] = change

    def get(self, order_id: UUID, change_id: UUID) -> OrderChange | None:
        change = self.stored.get(change_id)
        return change if change is not None and change.order_id == order_id else None

    def page(
        self, order_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[OrderChange]:
        found = sorted(
            (c for c in self.stored.values() if c.order_id == order_id),
            key=lambda c: (c.created_at, c.id),
            reverse=True,
        )
        if after is not None:
            found = [c for c in found if (c.created_at, c.id) < after]
        return found[:limit]

    def save_confirmed(self, change: OrderChange) -> None:
        if self.stored[change.id].status is not ChangeStatus.PREVIEWED:
            raise ChangeNotPending(str(change.id), ChangeStatus.CONFIRMED)
        self.stored[change.id] = change


class InMemoryHoldRules:
    """``HoldRules`` over a dict."""

    def __init__(self) -> None:
        self.stored: dict[HoldRule, HoldRuleSetting] = {}

    def overrides(self) -> dict[HoldRule, HoldRuleSetting]:
        return dict(self.stored)

    def save(self, setting: HoldRuleSetting, now: datetime) -> None:
        self.stored[setting.rule] = setting


def order_doubles(*orders: Order) -> dict[str, Any]:
    """Doubles of every orders port, by port name, holding ``orders``."""
    stored = InMemoryOrders(*orders)
    doubles: tuple[tuple[str, Any], ...] = (
        (ORDERS.name, stored),
        (TIMELINE.name, InMemoryTimeline(stored)),
        (CHANGES.name, InMemoryChanges()),
        (HOLD_RULES.name, InMemoryHoldRules()),
    )
    return dict(doubles)


def _typed() -> None:
    """mypy proves each double implements its port's protocol (never called)."""
    stored = InMemoryOrders()
    checks: tuple[Orders, Timeline, Changes, HoldRules] = (
        stored,
        InMemoryTimeline(stored),
        InMemoryChanges(),
        InMemoryHoldRules(),
    )
    del checks
