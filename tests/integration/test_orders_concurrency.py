"""Many channels placing orders for the same stock at once: never oversold, never deadlocked.

Each placement runs in its own thread with its own unit of work, the way N API processes would.
A refusal must be ``InsufficientStock`` and nothing else: a deadlock, a lock timeout or SQLite's
"database is locked" fails the test.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

import pytest
from fastapi import Response
from sqlalchemy import Engine, func, select

from oms import inventory
from oms.channels import ChannelKind
from oms.inventory.tables import inventory_items, stock_levels
from oms.orders import (
    CancelOrder,
    CustomerDetails,
    NewLine,
    Order,
    OrderStatus,
    Placement,
    PlaceOrder,
    allocate_backorders,
    cancel_order,
    get_order,
    place_order,
)
from oms.orders.domain import InsufficientStock
from oms.orders.schemas import OrderOut
from oms.orders.tables import order_allocations, orders
from oms.platform.idempotency import IdempotentRequest, run_idempotent
from oms.platform.problems import HTTPProblem
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests import builders
from tests.invariants import (
    assert_holds_match_status,
    assert_ledger_balances,
    assert_lines_fully_sourced,
    assert_orders_match_stock,
)

pytestmark = pytest.mark.usefixtures("balanced_ledger")

WORKERS = 16
PLACEMENTS = 50
ROUNDS = 4
CHANNELS = ("web", "app", "phone")
KINDS = (ChannelKind.WEB, ChannelKind.MOBILE, ChannelKind.CALL_CENTRE)
T = TypeVar("T")


def shop(uow: UnitOfWork, locations: tuple[str, ...]) -> None:
    """Locations, three channels all served by every one of them, VAT and shipping."""
    for code in locations:
        builders.location(uow, code, code[-2:].upper())
    for code, kind in zip(CHANNELS, KINDS, strict=True):
        builders.channel(uow, code, kind=kind, locations=locations)
    builders.channel(uow, "mkt", kind=ChannelKind.MARKETPLACE, locations=locations)
    builders.pricing(uow)


def product(uow: UnitOfWork, sku: str, stock: dict[str, int]) -> None:
    builders.product(uow, sku, prices=dict.fromkeys(CHANNELS, "20.00"))
    for location, units in stock.items():
        if units:
            inventory.receive_stock(
                inventory.ReceiveStock(sku=sku, location=location, quantity=units, actor="setup"),
                uow=uow,
            )


def command(index: int, lines: Sequence[tuple[str, int]], **overrides: object) -> PlaceOrder:
    fields: dict[str, object] = {
        "channel": CHANNELS[index % len(CHANNELS)],
        "customer": CustomerDetails(email=f"buyer{index % 7}@example.com", name="Load Buyer"),
        "shipping_address": builders.ADDRESSES["DE"],
        "lines": tuple(NewLine(sku=sku, quantity=q) for sku, q in lines),
        "actor": f"load:{index}",
    }
    fields.update(overrides)
    return PlaceOrder(**fields)  # type: ignore[arg-type]


def all_at_once(work: Sequence[Callable[[], T]]) -> list[T | Exception]:
    """Run every call on a pool of threads; the first ``WORKERS`` start together."""
    start = threading.Barrier(min(WORKERS, len(work)))

    def run(index: int) -> T | Exception:
        if index < WORKERS:
            start.wait(timeout=60)
        try:
            return work[index]()
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, range(len(work))))


def place_concurrently(
    engine: Engine, commands: Sequence[PlaceOrder]
) -> list[Placement | Exception]:
    def placing(cmd: PlaceOrder) -> Callable[[], Placement]:
        return lambda: place_order(cmd, uow=UnitOfWork(engine))

    return all_at_once([placing(cmd) for cmd in commands])


def split(
    outcomes: Sequence[Placement | Exception],
) -> tuple[list[Placement], list[InsufficientStock]]:
    placed = [o for o in outcomes if isinstance(o, Placement)]
    refused = [o for o in outcomes if isinstance(o, InsufficientStock)]
    unexpected = [repr(o) for o in outcomes if not isinstance(o, Placement | InsufficientStock)]
    assert unexpected == [], "only insufficient stock may refuse a placement"
    return placed, refused


def available(engine: Engine) -> Counter[str]:
    """Units on hand, not allocated and not unavailable, per SKU over every location."""
    s, i = stock_levels.c, inventory_items.c
    with engine.connect() as c:
        rows = c.execute(
            select(i.sku, func.sum(s.on_hand - s.allocated - s.unavailable).label("free"))
            .join(inventory_items, i.variant_id == s.variant_id)
            .group_by(i.sku)
        )
        return Counter({row.sku: int(row.free) for row in rows})


def allocated(engine: Engine) -> Counter[str]:
    """Units orders hold per SKU (from the orders' own allocation rows)."""
    a, i = order_allocations.c, inventory_items.c
    with engine.connect() as c:
        rows = c.execute(
            select(i.sku, func.sum(a.quantity).label("units"))
            .join(inventory_items, i.variant_id == a.variant_id)
            .group_by(i.sku)
        )
        return Counter({row.sku: int(row.units) for row in rows})


def assert_invariants(engine: Engine) -> None:
    assert_ledger_balances(engine)
    assert_orders_match_stock(engine)
    assert_lines_fully_sourced(engine)
    assert_holds_match_status(engine)
    assert all(units >= 0 for units in available(engine).values())


def order_count(engine: Engine) -> int:
    with engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(orders)).scalar_one())


@pytest.mark.parametrize(
    "stock",
    [{"wh-de": 10}, {"wh-de": 6, "wh-fr": 4}],
    ids=["one-location", "two-locations"],
)
def test_fifty_buyers_racing_for_ten_units_get_exactly_ten_orders(
    engine: Engine, uow: UnitOfWork, stock: dict[str, int]
) -> None:
    shop(uow, tuple(stock))
    for round_no in range(ROUNDS):
        sku = f"HOT-{round_no}"
        product(uow, sku, stock)
        outcomes = place_concurrently(engine, [command(i, [(sku, 1)]) for i in range(PLACEMENTS)])
        placed, refused = split(outcomes)
        assert len(placed) == 10
        assert len(refused) == PLACEMENTS - 10
        assert all(p.created for p in placed)
        assert len({p.order.number for p in placed}) == 10
        assert {p.order.channel for p in placed} <= set(CHANNELS)
        for error in refused:
            assert error.code == "insufficient-stock"
            (shortfall,) = error.facts["shortfalls"]
            assert shortfall == {"sku": sku, "requested": 1, "available": 0}
        assert allocated(engine)[sku] == 10
        assert available(engine)[sku] == 0
        assert_invariants(engine)
    assert order_count(engine) == 10 * ROUNDS


MULTI_STOCK = {
    "MIX-A": {"wh-de": 6, "wh-fr": 4},
    "MIX-B": {"wh-de": 3, "wh-fr": 5},
    "MIX-C": {"wh-fr": 7},
}


def mixed_orders(seed: int) -> list[list[tuple[str, int]]]:
    """Orders of 2-4 lines over three SKUs in random order, some SKUs on two lines."""
    rng = random.Random(seed)
    skus = list(MULTI_STOCK)
    return [
        [(rng.choice(skus), rng.randint(1, 3)) for _ in range(rng.randint(2, 4))]
        for _ in range(PLACEMENTS)
    ]


def demand(lines: Sequence[tuple[str, int]]) -> Counter[str]:
    wanted: Counter[str] = Counter()
    for sku, units in lines:
        wanted[sku] += units
    return wanted


def restock(uow: UnitOfWork) -> None:
    for sku, at in MULTI_STOCK.items():
        for location, units in at.items():
            inventory.receive_stock(
                inventory.ReceiveStock(sku=sku, location=location, quantity=units, actor="setup"),
                uow=uow,
            )


def assert_refusals_are_real(
    outcomes: Sequence[Placement | Exception],
    wanted: Sequence[Sequence[tuple[str, int]]],
    free: Counter[str],
) -> None:
    """Each refusal names what the order asked of each short SKU, and the order would still not
    fit in the stock left at the end (stock only shrank during the round)."""
    for outcome, lines in zip(outcomes, wanted, strict=True):
        if not isinstance(outcome, InsufficientStock):
            continue
        asked = demand(lines)
        short = {s["sku"]: s for s in outcome.facts["shortfalls"]}
        assert short, "a refusal names what is short"
        for sku, shortfall in short.items():
            assert shortfall["requested"] == asked[sku]
            assert shortfall["requested"] > shortfall["available"]
        assert any(asked[sku] > free[sku] for sku in asked), (
            "an order was refused although the stock left at the end covers it"
        )


def test_multi_line_orders_sharing_skus_across_two_locations_never_oversell_or_deadlock(
    engine: Engine, uow: UnitOfWork
) -> None:
    shop(uow, ("wh-de", "wh-fr"))
    for sku in MULTI_STOCK:
        builders.product(uow, sku, prices=dict.fromkeys(CHANNELS, "20.00"))
    for round_no in range(ROUNDS):
        restock(uow)
        wanted = mixed_orders(round_no)
        before, stocked = allocated(engine), available(engine)
        outcomes = place_concurrently(engine, [command(i, lines) for i, lines in enumerate(wanted)])
        placed, refused = split(outcomes)
        assert placed, "no order of the round was placed"
        assert refused, "the round never ran out of stock"
        sold: Counter[str] = Counter()
        for outcome, lines in zip(outcomes, wanted, strict=True):
            if isinstance(outcome, Placement):
                sold += demand(lines)
                assert all(line.backordered_quantity == 0 for line in outcome.order.lines)
        assert allocated(engine) - before == sold
        assert all(sold[sku] <= stocked[sku] for sku in sold)
        assert_refusals_are_real(outcomes, wanted, available(engine))
        assert_invariants(engine)


def test_concurrent_replays_of_one_idempotency_key_place_exactly_one_order(
    engine: Engine, uow: UnitOfWork
) -> None:
    shop(uow, ("wh-de",))
    product(uow, "KEY-1", {"wh-de": 100})
    cmd = command(0, [("KEY-1", 2)])
    request = IdempotentRequest(key="same-key", owner="load-test", request_hash="one-body")

    def replaying() -> Response:
        replay_uow = UnitOfWork(engine)
        return run_idempotent(
            replay_uow,
            request,
            lambda: place_order(cmd, uow=replay_uow),
            lambda placed: OrderOut.of(placed.order),
            status_code=lambda placed: 201 if placed.created else 200,
        )

    outcomes = all_at_once([replaying] * 24)
    responses = [o for o in outcomes if isinstance(o, Response)]
    in_flight = [o for o in outcomes if isinstance(o, HTTPProblem)]
    assert len(responses) + len(in_flight) == len(outcomes), [repr(o) for o in outcomes]
    assert all(p.status == 409 and p.code == "idempotency-key-in-flight" for p in in_flight)
    first = [r for r in responses if "Idempotent-Replayed" not in r.headers]
    assert len(first) == 1
    assert all(r.status_code == 201 and r.body == first[0].body for r in responses)
    assert replaying().body == first[0].body
    assert order_count(engine) == 1
    assert allocated(engine)["KEY-1"] == 2
    assert_invariants(engine)


@pytest.mark.parametrize("units", [100, 3], ids=["plenty-of-stock", "stock-for-one-order"])
def test_a_marketplace_order_delivered_many_times_at_once_is_placed_once(
    engine: Engine, uow: UnitOfWork, units: int
) -> None:
    shop(uow, ("wh-de",))
    product(uow, "MKT-1", {"wh-de": units})
    price = Money(Decimal("21.50"), "EUR")
    line = NewLine(sku="MKT-1", quantity=3, unit_price=price)
    cmd = replace(command(0, [], channel="mkt", external_id="AMZ-42"), lines=(line,))
    outcomes = place_concurrently(engine, [cmd] * 20)
    placed, refused = split(outcomes)
    assert refused == [], "a duplicate of a placed order is answered with that order"
    assert [p.created for p in placed].count(True) == 1
    assert len({p.order.id for p in placed}) == 1
    assert order_count(engine) == 1
    assert allocated(engine)["MKT-1"] == 3
    assert_invariants(engine)


def test_backorders_filled_while_their_orders_are_cancelled_neither_deadlock_nor_leak(
    engine: Engine, uow: UnitOfWork
) -> None:
    """The stock consumer fills many orders in one transaction while staff cancel them."""
    builders.location(uow, "wh-de")
    builders.channel(
        uow, "app", kind=ChannelKind.MOBILE, locations=("wh-de",), allows_backorders=True
    )
    builders.pricing(uow)
    variant = builders.product(uow, "BO-1", prices={"app": "20.00"}).variants[0].id
    waiting = []
    for index in range(20):
        inventory.receive_stock(
            inventory.ReceiveStock(sku="BO-1", location="wh-de", quantity=2, actor="t"), uow=uow
        )
        placed = place_order(command(index, [("BO-1", 3)], channel="app"), uow=uow).order
        # first come, first served: a new order leaves arriving units to the older waiting ones
        assert placed.lines[0].backordered_quantity >= 1
        waiting.append(placed.id)
    inventory.receive_stock(
        inventory.ReceiveStock(sku="BO-1", location="wh-de", quantity=20, actor="t"), uow=uow
    )
    doomed = random.Random(7).sample(waiting, 10)

    def filling() -> int:
        return allocate_backorders(variant, uow=UnitOfWork(engine))

    def cancelling(order_id: UUID) -> Callable[[], Order]:
        return lambda: cancel_order(
            CancelOrder(order_id=order_id, reason="changed mind", actor="csr"),
            uow=UnitOfWork(engine),
        )

    outcomes = all_at_once([filling, filling, *(cancelling(o) for o in doomed)])
    assert [repr(o) for o in outcomes if isinstance(o, Exception)] == []
    allocate_backorders(variant, uow=uow)
    assert_invariants(engine)
    for order_id in waiting:
        order = get_order(order_id, uow=uow)
        if order_id in doomed:
            assert order.status is OrderStatus.CANCELLED
        else:
            assert [line.backordered_quantity for line in order.lines] == [0]
            assert sum(a.quantity for a in order.allocations) == 3
    assert allocated(engine)["BO-1"] == 30
