"""Random histories of orders and stock, with every invariant checked after every step.

Hypothesis drives the service layer: place orders (sometimes more than is in stock), cancel them
whole or a few units at a time, hold and release them, receive and adjust stock, edit orders
(preview, then confirm, sometimes from a stale preview) and allocate backorders; pay orders at
the till, ship their fulfilment orders' units in packages and have the carrier deliver them (the
relay hands orders' events to fulfilment as in production). After each step the stock ledger
balances, orders hold exactly what the levels say is allocated, every open unit is allocated or
backordered, holds and status agree, versions only go up, no line has more delivered than
shipped, and no tender has more refunded than captured.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, func, select

from oms import inventory, payments
from oms.app import tasks
from oms.channels import ChannelKind
from oms.fulfilment.domain.shipments import Package, TrackingStatus
from oms.fulfilment.providers.carriers import Carrier, CarrierAccount
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.repository.shipments import SHIPMENTS
from oms.fulfilment.services import shipping, tracking
from oms.inventory.tables import inventory_items, stock_levels
from oms.orders import (
    AddLine,
    CancelOrder,
    ChangeQuantity,
    ConfirmChange,
    CustomerDetails,
    NewLine,
    Operation,
    Order,
    OrderStatus,
    PlaceHold,
    PlaceOrder,
    PreviewChange,
    ReleaseHold,
    RemoveLine,
    allocate_backorders,
    cancel_order,
    confirm_change,
    get_order,
    place_hold,
    place_order,
    preview_change,
    release_hold,
)
from oms.orders.domain import (
    DEFAULT_RULES,
    HoldNotFound,
    HoldReason,
    InsufficientStock,
    NotEditable,
    PlacementFacts,
    StaleOrderVersion,
    triggered,
)
from oms.orders.domain.changes import ChangeNotPending, InvalidChange
from oms.orders.repository import OrderFilter
from oms.orders.services import list_orders
from oms.orders.tables import order_lines
from oms.payments.domain import NothingToPay
from oms.payments.tables.ledger import payment_transactions
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Conflict, IllegalTransition, Invalid
from tests import builders
from tests.conftest import empty
from tests.invariants import (
    assert_holds_match_status,
    assert_ledger_balances,
    assert_lines_fully_sourced,
    assert_orders_match_stock,
)

PRICES = {"SM-A": "20.00", "SM-B": "45.00", "SM-C": "120.00"}
SKUS = tuple(PRICES)
LOCATIONS = ("wh-de", "wh-fr")
START_STOCK = {
    ("SM-A", "wh-de"): 12,
    ("SM-A", "wh-fr"): 6,
    ("SM-B", "wh-de"): 4,
    ("SM-B", "wh-fr"): 5,
    ("SM-C", "wh-fr"): 2,
}
WEB, APP = "web", "app"
"""``web`` refuses what is not in stock; ``app`` backorders it."""
EMAILS = ("ada@example.com", "bob@example.com", "cy@example.com")
ACTOR = "machine"

SETTINGS = settings(
    max_examples=15,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

CLOSED = (OrderStatus.CANCELLED, OrderStatus.COMPLETED)
"""An order in either takes no more cancellations or holds."""


def shipped_any(order: Order) -> bool:
    return any(line.fulfilled_quantity for line in order.lines)


def editable(order: Order) -> bool:
    """Only an order not yet started, with nothing shipped, takes edits."""
    return order.status in (OrderStatus.PENDING, OrderStatus.CONFIRMED) and not shipped_any(order)


def no_carrier(account: CarrierAccount) -> Carrier:
    """Every package here comes with its tracking number: no label is ever bought."""
    raise AssertionError(f"a label was asked of {account.carrier}")


lines_strategy = st.lists(
    st.tuples(st.sampled_from(SKUS), st.integers(1, 6)), min_size=1, max_size=3
)


class OrderHistory(RuleBasedStateMachine):
    """One shop, two locations, a refusing and a backordering channel; every step checked."""

    engine: ClassVar[Engine]
    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        empty(self.engine)
        self.uow = UnitOfWork(self.engine)
        locations = {
            code: builders.location(self.uow, code, code[-2:].upper()) for code in LOCATIONS
        }
        self.location_ids = {code: loc.id for code, loc in locations.items()}
        builders.channel(self.uow, WEB, locations=LOCATIONS)
        builders.channel(
            self.uow, APP, kind=ChannelKind.MOBILE, locations=LOCATIONS, allows_backorders=True
        )
        builders.pricing(self.uow)
        self.variants = {
            sku: builders.product(self.uow, sku, prices={WEB: price, APP: price}).variants[0].id
            for sku, price in PRICES.items()
        }
        for (sku, location), units in START_STOCK.items():
            self.receive(sku, location, units)
        self.versions: dict[UUID, int] = {}
        self.buyers: set[str] = set()
        self.providers = payments.build_providers(Settings(), self.uow)
        self.previews: list[tuple[UUID, UUID, int]] = []
        """(order id, change id, version the preview was made from), not yet confirmed."""

    # -- reading the state -------------------------------------------------------------

    def order(self, order_id: UUID) -> Order:
        return get_order(order_id, uow=self.uow)

    def free(self) -> Counter[tuple[str, str]]:
        """Available units per (SKU, location)."""
        sku_of = {vid: sku for sku, vid in self.variants.items()}
        code_of = {lid: code for code, lid in self.location_ids.items()}
        s = stock_levels.c
        with self.engine.connect() as c:
            rows = c.execute(
                select(s.variant_id, s.location_id, s.on_hand, s.allocated, s.unavailable)
            )
            return Counter(
                {
                    (sku_of[r.variant_id], code_of[r.location_id]): r.on_hand
                    - r.allocated
                    - r.unavailable
                    for r in rows
                }
            )

    def free_by_sku(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for (sku, _), units in self.free().items():
            total[sku] += units
        return total

    def waiting_by_sku(self) -> Counter[str]:
        """Units older orders wait for, per SKU (a new order leaves them alone: FIFO)."""
        i = inventory_items.c
        with self.engine.connect() as c:
            return Counter({r.sku: r.backordered for r in c.execute(select(i.sku, i.backordered))})

    def changed(self, before: Order, after: Order) -> None:
        """A change to one order bumps its version by exactly one."""
        assert after.version == before.version + 1
        self.versions[after.id] = after.version

    def receive(self, sku: str, location: str, units: int) -> None:
        inventory.receive_stock(
            inventory.ReceiveStock(sku=sku, location=location, quantity=units, actor=ACTOR),
            uow=self.uow,
        )

    # -- orders ------------------------------------------------------------------------

    @initialize(target=orders)
    def first_order(self) -> UUID:
        order = place_order(
            PlaceOrder(
                channel=APP,
                customer=CustomerDetails(email=EMAILS[0], name="First Buyer"),
                shipping_address=builders.ADDRESSES["DE"],
                lines=(NewLine(sku="SM-A", quantity=2), NewLine(sku="SM-C", quantity=3)),
                actor=ACTOR,
            ),
            uow=self.uow,
        ).order
        assert [line.backordered_quantity for line in order.lines] == [0, 1]
        self.buyers.add(EMAILS[0])
        self.versions[order.id] = order.version
        return order.id

    @rule(
        target=orders,
        channel=st.sampled_from([WEB, APP]),
        lines=lines_strategy,
        email=st.sampled_from(EMAILS),
        bills_abroad=st.booleans(),
    )
    def place(
        self, channel: str, lines: list[tuple[str, int]], email: str, bills_abroad: bool
    ) -> Any:
        asked: Counter[str] = Counter()
        for sku, units in lines:
            asked[sku] += units
        free = self.free_by_sku() - self.waiting_by_sku()
        short = {sku for sku in asked if asked[sku] > free[sku]}
        command = PlaceOrder(
            channel=channel,
            customer=CustomerDetails(email=email, name="Random Buyer"),
            shipping_address=builders.ADDRESSES["DE"],
            billing_address=builders.ADDRESSES["FR"] if bills_abroad else None,
            lines=tuple(NewLine(sku=sku, quantity=units) for sku, units in lines),
            actor=ACTOR,
        )
        if channel == WEB and short:
            with pytest.raises(InsufficientStock) as refused:
                place_order(command, uow=self.uow)
            assert {s["sku"] for s in refused.value.facts["shortfalls"]} == short
            return multiple()
        order = place_order(command, uow=self.uow).order
        assert order.version == 1
        backordered: Counter[str] = Counter()
        for line in order.lines:
            backordered[line.sku] += line.backordered_quantity
        assert backordered == Counter({sku: asked[sku] - free[sku] for sku in short})
        facts = PlacementFacts(
            total=order.totals.total,
            shipping_country="DE",
            billing_country="FR" if bills_abroad else None,
            first_order=email not in self.buyers,
            address_validated=True,
        )
        rules = [rule.value for rule, _ in triggered(DEFAULT_RULES, facts)]
        assert [hold.rule for hold in order.holds] == rules
        assert order.status is (OrderStatus.PENDING if rules else OrderStatus.CONFIRMED)
        self.buyers.add(email)
        self.versions[order.id] = order.version
        return order.id

    @rule(order_id=orders)
    def cancel(self, order_id: UUID) -> None:
        before = self.order(order_id)
        command = CancelOrder(order_id=order_id, reason="customer asked", actor=ACTOR)
        if before.status is OrderStatus.CANCELLED or shipped_any(before):
            with pytest.raises(IllegalTransition):
                cancel_order(command, uow=self.uow)
            return
        after = cancel_order(command, uow=self.uow)
        assert after.status is OrderStatus.CANCELLED
        assert after.allocations == ()
        self.changed(before, after)

    @rule(order_id=orders, pick=st.integers(0, 3), units=st.integers(1, 6))
    def cancel_units(self, order_id: UUID, pick: int, units: int) -> None:
        before = self.order(order_id)
        line = before.lines[pick % len(before.lines)]
        command = CancelOrder(
            order_id=order_id, reason="fewer please", actor=ACTOR, lines={line.id: units}
        )
        if before.status in CLOSED:
            with pytest.raises(IllegalTransition):
                cancel_order(command, uow=self.uow)
            return
        if units > line.open_quantity:
            with pytest.raises(Invalid):
                cancel_order(command, uow=self.uow)
            return
        after = cancel_order(command, uow=self.uow)
        assert after.line(line.id).cancelled_quantity == line.cancelled_quantity + units
        left = sum(candidate.open_quantity for candidate in after.lines)
        whole = left == 0 and not shipped_any(before)
        assert after.status is (OrderStatus.CANCELLED if whole else before.status)
        self.changed(before, after)

    # -- holds -------------------------------------------------------------------------

    @rule(order_id=orders, reason=st.sampled_from(HoldReason))
    def hold(self, order_id: UUID, reason: HoldReason) -> None:
        before = self.order(order_id)
        command = PlaceHold(order_id=order_id, reason=reason, actor=ACTOR, note="look")
        if before.status in CLOSED:
            with pytest.raises(IllegalTransition):
                place_hold(command, uow=self.uow)
            return
        after = place_hold(command, uow=self.uow)
        assert after.on_hold
        assert after.status is before.status
        self.changed(before, after)

    @rule(order_id=orders, pick=st.integers(0, 3))
    def release(self, order_id: UUID, pick: int) -> None:
        before = self.order(order_id)
        if not before.open_holds:
            with pytest.raises(HoldNotFound):
                release_hold(
                    ReleaseHold(order_id=order_id, hold_id=uuid4(), actor=ACTOR), uow=self.uow
                )
            return
        hold = before.open_holds[pick % len(before.open_holds)]
        after = release_hold(
            ReleaseHold(order_id=order_id, hold_id=hold.id, actor=ACTOR), uow=self.uow
        )
        last = len(before.open_holds) == 1
        assert after.on_hold is not last
        confirms = last and before.status is OrderStatus.PENDING
        assert after.status is (OrderStatus.CONFIRMED if confirms else before.status)
        self.changed(before, after)

    # -- stock -------------------------------------------------------------------------

    @rule(sku=st.sampled_from(SKUS), location=st.sampled_from(LOCATIONS), units=st.integers(1, 8))
    def receive_stock(self, sku: str, location: str, units: int) -> None:
        self.receive(sku, location, units)

    @rule(
        sku=st.sampled_from(SKUS),
        location=st.sampled_from(LOCATIONS),
        delta=st.integers(-5, 5).filter(bool),
    )
    def adjust_stock(self, sku: str, location: str, delta: int) -> None:
        command = inventory.AdjustStock(
            sku=sku, location=location, delta=delta, reason="recount", actor=ACTOR
        )
        if delta < 0 and self.free()[(sku, location)] < -delta:
            with pytest.raises(Conflict):
                inventory.adjust_stock(command, uow=self.uow)
            return
        inventory.adjust_stock(command, uow=self.uow)

    @rule(sku=st.sampled_from(SKUS))
    def allocate_backorders(self, sku: str) -> None:
        allocate_backorders(self.variants[sku], uow=self.uow)
        waiting = [
            line
            for order in self.live_orders()
            for line in order.lines
            if line.sku == sku and line.backordered_quantity
        ]
        assert waiting == [] or self.free_by_sku()[sku] == 0, "stock left while orders wait"

    # -- edits -------------------------------------------------------------------------

    def operation(self, order: Order, kind: str, pick: int, sku: str, units: int) -> Operation:
        line = order.lines[pick % len(order.lines)]
        if kind == "add":
            return AddLine(sku=sku, quantity=units)
        if kind == "remove":
            return RemoveLine(line_id=line.id)
        return ChangeQuantity(line_id=line.id, quantity=units)

    @staticmethod
    def invalid(order: Order, op: Operation) -> bool:
        """Whether the edit rules refuse ``op`` on ``order`` (a 422)."""
        if isinstance(op, AddLine):
            return False
        assert isinstance(op, RemoveLine | ChangeQuantity)
        line = order.line(op.line_id)
        if line.open_quantity == 0:
            return True
        if isinstance(op, ChangeQuantity):
            return op.quantity == line.quantity - line.cancelled_quantity
        return all(other.open_quantity == 0 for other in order.lines if other.id != line.id)

    @rule(
        order_id=orders,
        kind=st.sampled_from(["add", "remove", "quantity"]),
        pick=st.integers(0, 3),
        sku=st.sampled_from(SKUS),
        units=st.integers(1, 5),
        confirm=st.booleans(),
    )
    def edit(
        self, order_id: UUID, kind: str, pick: int, sku: str, units: int, confirm: bool
    ) -> None:
        before = self.order(order_id)
        op = self.operation(before, kind, pick, sku, units)
        preview = PreviewChange(order_id=order_id, operations=(op,), actor=ACTOR)
        if not editable(before):
            with pytest.raises(NotEditable):
                preview_change(preview, uow=self.uow)
            return
        if self.invalid(before, op):
            with pytest.raises(InvalidChange):
                preview_change(preview, uow=self.uow)
            return
        change = preview_change(preview, uow=self.uow)
        assert change.base_version == before.version
        assert self.order(order_id).version == before.version, "a preview changes nothing"
        if not confirm:
            self.previews.append((order_id, change.id, before.version))
            return
        command = ConfirmChange(
            order_id=order_id, change_id=change.id, if_match=f'"{before.version}"', actor=ACTOR
        )
        if any(check.short for check in change.preview.stock):
            with pytest.raises(InsufficientStock):
                confirm_change(command, uow=self.uow)
            return
        after = confirm_change(command, uow=self.uow)
        assert after.totals == change.preview.new_totals
        self.changed(before, after)

    @rule(data=st.data())
    def confirm_an_earlier_preview(self, data: st.DataObject) -> None:
        if not self.previews:
            return
        order_id, change_id, version = data.draw(st.sampled_from(self.previews))
        before = self.order(order_id)
        command = ConfirmChange(
            order_id=order_id, change_id=change_id, if_match=f'"{version}"', actor=ACTOR
        )
        if not editable(before):
            with pytest.raises(NotEditable):
                confirm_change(command, uow=self.uow)
            return
        if before.version != version:
            with pytest.raises(StaleOrderVersion):
                confirm_change(command, uow=self.uow)
            return
        try:
            after = confirm_change(command, uow=self.uow)
        except InsufficientStock:
            return
        self.previews.remove((order_id, change_id, version))
        self.changed(before, after)
        with pytest.raises(ChangeNotPending):
            confirm_change(
                ConfirmChange(
                    order_id=order_id,
                    change_id=change_id,
                    if_match=f'"{after.version}"',
                    actor=ACTOR,
                ),
                uow=self.uow,
            )

    # -- payment, shipping, delivery --------------------------------------------------------

    @rule(order_id=orders)
    def pay_at_the_till(self, order_id: UUID) -> None:
        """What the order still lacks, captured at once at the till."""
        before = self.order(order_id)
        command = payments.AddTender(
            order_id=order_id, provider=payments.ProviderName.POS, capture=True, actor=ACTOR
        )
        if before.status is OrderStatus.CANCELLED or before.balance_due.amount <= 0:
            with pytest.raises(NothingToPay):
                payments.add_tender(command, uow=self.uow, providers=self.providers)
            return
        paid = payments.add_tender(command, uow=self.uow, providers=self.providers)
        event("paid")
        assert paid.amount == before.balance_due
        assert self.order(order_id).balance_due.amount == 0

    def relay(self) -> None:
        """Deliver the outbox, as the worker does: fulfilment's consumers follow the orders."""
        tasks.relay(self.engine).drain()

    @rule(pick=st.integers(0, 20), share=st.integers(1, 3))
    def ship(self, pick: int, share: int) -> None:
        """One package from any fulfilment order with units open: all of them (share 1) or
        about a half or a third of each line's; refused while its order is held or pending."""
        self.relay()
        with self.uow.read() as tx:
            repo = tx.repo(FULFILMENT_ORDERS)
            fos = [fo for order_id in self.versions for fo in repo.for_order(order_id)]
        fos = [fo for fo in fos if fo.open_units]
        if not fos:
            return
        fo = fos[pick % len(fos)]
        units = {line: -(-open_ // share) for line, open_ in fo.open_units.items()}
        before = self.order(fo.order_id)
        command = shipping.ShipPackages(
            fulfilment_order_id=fo.id,
            packages=(Package(weight_grams=500, lines=units),),
            tracking_numbers=(f"T{uuid4().hex[:12].upper()}",),
            carrier="dpd",
            actor=ACTOR,
        )
        if before.on_hold or before.status not in (OrderStatus.CONFIRMED, OrderStatus.IN_PROGRESS):
            with pytest.raises(Conflict):
                shipping.ship_packages(command, uow=self.uow, carriers=no_carrier)
            return
        shipping.ship_packages(command, uow=self.uow, carriers=no_carrier)
        event("shipped")
        after = self.order(fo.order_id)
        assert after.status is OrderStatus.IN_PROGRESS
        for line_id, shipped in units.items():
            was = before.line(line_id).fulfilled_quantity
            assert after.line(line_id).fulfilled_quantity == was + shipped
        self.changed(before, after)

    @rule(pick=st.integers(0, 20))
    def deliver(self, pick: int) -> None:
        """The carrier reports a package delivered (twice: only the first counts)."""
        with self.uow.read() as tx:
            repo = tx.repo(SHIPMENTS)
            waiting = [s for order_id in self.versions for s in repo.for_order(order_id)]
        waiting = [s for s in waiting if not s.delivered]
        if not waiting:
            return
        shipment = waiting[pick % len(waiting)]
        order_id = shipment.order_id
        before = self.order(order_id)
        command = tracking.ReportEvent(
            shipment=shipment.id,
            status=TrackingStatus.DELIVERED,
            occurred_at=self.uow.clock.now(),
            actor=ACTOR,
        )
        assert tracking.report_event(command, uow=self.uow).recorded
        assert not tracking.report_event(command, uow=self.uow).recorded
        after = self.order(order_id)
        for line_id, units in shipment.units().items():
            assert (
                after.line(line_id).delivered_quantity
                == before.line(line_id).delivered_quantity + units
            )
        paid = after.balance_due.amount <= 0
        done = all(
            line.delivered_quantity == line.quantity - line.cancelled_quantity
            for line in after.lines
        )
        if done and paid:
            assert after.status is OrderStatus.COMPLETED
            event("completed")

    # -- invariants --------------------------------------------------------------------

    def live_orders(self) -> list[Order]:
        return [o for o in self.all_orders() if o.status is not OrderStatus.CANCELLED]

    def all_orders(self) -> list[Order]:
        return list_orders(OrderFilter(), uow=self.uow, after=None, limit=200)

    @invariant()
    def stock_and_orders_agree(self) -> None:
        assert_ledger_balances(self.engine)
        assert_orders_match_stock(self.engine)
        assert_lines_fully_sourced(self.engine)
        assert_holds_match_status(self.engine)

    @invariant()
    def orders_are_consistent_and_versions_only_go_up(self) -> None:
        found = self.all_orders()
        assert {o.id for o in found} == set(self.versions)
        for order in found:
            assert order.version >= self.versions[order.id]
            self.versions[order.id] = order.version
            if order.status is OrderStatus.CANCELLED:
                assert order.cancelled_at is not None
                assert order.allocations == ()
                assert all(line.open_quantity == 0 for line in order.lines)
            else:
                assert any(line.open_quantity or line.fulfilled_quantity for line in order.lines)
            if order.channel == WEB:
                assert all(line.backordered_quantity == 0 for line in order.lines)

    @invariant()
    def no_line_delivers_more_than_shipped_and_no_tender_refunds_more_than_captured(self) -> None:
        line = order_lines.c
        with self.engine.connect() as c:
            for row in c.execute(
                select(
                    line.sku,
                    line.quantity,
                    line.cancelled_quantity,
                    line.fulfilled_quantity,
                    line.delivered_quantity,
                )
            ):
                assert 0 <= row.delivered_quantity <= row.fulfilled_quantity, row
                assert row.fulfilled_quantity <= row.quantity - row.cancelled_quantity, row
            t = payment_transactions.c
            sums = c.execute(
                select(t.payment_id, t.kind, func.sum(t.amount_minor).label("minor"))
                .where(t.status == "succeeded")
                .group_by(t.payment_id, t.kind)
            ).all()
        moved: dict[UUID, Counter[str]] = {}
        for row in sums:
            moved.setdefault(row.payment_id, Counter())[row.kind] = int(row.minor)
        for payment_id, kinds in moved.items():
            assert kinds["refund"] <= kinds["capture"], f"tender {payment_id}: {dict(kinds)}"


def test_random_histories_of_orders_and_stock_keep_every_invariant(engine: Engine) -> None:
    machine = type(
        f"OrderHistoryOn{engine.dialect.name.title()}", (OrderHistory,), {"engine": engine}
    )
    run_state_machine_as_test(machine, settings=SETTINGS)
