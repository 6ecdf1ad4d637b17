"""What order capture needs to source lines: locked levels to plan from, and backorder settings.

Order placement locks the candidate levels with ``levels_for_update``, plans from them and then
allocates the plan in the same transaction; a second order for the same stock waits for the
first and plans from what it left, so the allocation it posts is never refused.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Collection
from uuid import UUID

import pytest
from sqlalchemy import Engine, select, text

from oms import inventory
from oms.inventory import tables
from oms.platform.outbox import outbox_table
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Invalid
from tests import builders
from tests.integration.test_inventory_ledger import lines, receive, variant

pytestmark = pytest.mark.usefixtures("balanced_ledger")

Key = tuple[UUID, UUID]


@pytest.fixture
def world(uow: UnitOfWork) -> dict[str, UUID]:
    """Two warehouses; TS-1 and TS-2 have 5 each in Germany and none ever came to France."""
    ids = {code: builders.location(uow, code, code[-2:].upper()).id for code in ("wh-de", "wh-fr")}
    for sku in ("TS-1", "TS-2"):
        ids[sku] = variant(uow, sku)
        receive(uow, sku, "wh-de", 5)
    return ids


def test_locked_levels_are_the_current_ones_and_missing_levels_are_left_out(
    uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    ts1, ts2, de, fr = world["TS-1"], world["TS-2"], world["wh-de"], world["wh-fr"]
    inventory.allocate(lines((ts1, de, 2)), uow=uow)
    with uow.begin():
        found = inventory.levels_for_update([(ts2, de), (ts1, fr), (ts1, de)], uow=uow)
        assert inventory.levels_for_update([], uow=uow) == {}
    assert {key: (lv.on_hand, lv.allocated, lv.available) for key, lv in found.items()} == {
        (ts1, de): (5, 2, 3),
        (ts2, de): (5, 0, 5),
    }


def test_levels_cannot_be_locked_inside_a_read_only_transaction(
    uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    with pytest.raises(RuntimeError), uow.read():
        inventory.levels_for_update([(world["TS-1"], world["wh-de"])], uow=uow)


def sourced(
    uow: UnitOfWork,
    keys: Collection[Key],
    wanted: int,
    while_locked: Callable[[], None] = lambda: None,
) -> dict[Key, int]:
    """Place one order as order capture does: lock, plan from the locked levels, allocate.

    Takes up to ``wanted`` units at each key; returns what each key had available when locked.
    """
    with uow.begin():
        found = inventory.levels_for_update(keys, uow=uow)
        while_locked()
        available = {key: level.available for key, level in found.items()}
        plan = [(v, loc, min(wanted, n)) for (v, loc), n in sorted(available.items()) if n > 0]
        if plan:
            inventory.allocate(lines(*plan), uow=uow)
    return available


def wait_until_waiting_for_a_lock(engine: Engine, pid: int) -> None:
    """Poll PostgreSQL until the backend ``pid`` is blocked on a lock (fail after a long while)."""
    query = text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
    for _ in range(1200):
        with engine.connect() as c:
            if c.execute(query, {"pid": pid}).scalar_one_or_none() == "Lock":
                return
        time.sleep(0.025)
    pytest.fail(f"backend {pid} never waited for the locked stock levels")


def allocated(engine: Engine) -> dict[Key, int]:
    s = tables.stock_levels.c
    with engine.connect() as c:
        rows = c.execute(select(s.variant_id, s.location_id, s.allocated)).all()
    return {(row.variant_id, row.location_id): row.allocated for row in rows}


class Background:
    """Runs one function in a thread and keeps what it returned or raised."""

    def __init__(self, work: Callable[[], dict[Key, int]]) -> None:
        self.result: dict[Key, int] | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(work,))

    def _run(self, work: Callable[[], dict[Key, int]]) -> None:
        try:
            self.result = work()
        except BaseException as error:
            self.error = error

    def __enter__(self) -> Background:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.thread.join()


def test_a_second_order_waits_for_the_first_and_plans_from_what_it_left(
    engine: Engine, world: dict[str, UUID]
) -> None:
    ts1, ts2, de, fr = world["TS-1"], world["TS-2"], world["wh-de"], world["wh-fr"]
    first_locked, second_started = threading.Event(), threading.Event()
    second_pid: list[int] = []

    def second_order() -> dict[Key, int]:
        """Names the same keys in the opposite order; must queue behind the first, not deadlock."""
        first_locked.wait()
        uow = UnitOfWork(engine)
        if engine.dialect.name == "sqlite":
            second_started.set()
            return sourced(uow, [(ts2, de), (ts1, fr), (ts1, de)], 4)
        with uow.begin() as tx:
            second_pid.append(tx.connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
            second_started.set()
            return sourced(uow, [(ts2, de), (ts1, fr), (ts1, de)], 4)

    def hold_until_the_second_order_waits() -> None:
        first_locked.set()
        second_started.wait()
        if engine.dialect.name == "postgresql":
            wait_until_waiting_for_a_lock(engine, second_pid[0])

    with Background(second_order) as second:
        first = sourced(
            UnitOfWork(engine),
            [(ts1, de), (ts1, fr), (ts2, de)],
            4,
            hold_until_the_second_order_waits,
        )

    assert second.error is None
    assert first == {(ts1, de): 5, (ts2, de): 5}
    assert second.result == {(ts1, de): 1, (ts2, de): 1}, (
        "the second order planned from stale levels"
    )
    assert allocated(engine) == {(ts1, de): 5, (ts2, de): 5}


ORDERS = 12
ROUNDS = 6


def test_orders_planned_from_locked_levels_are_never_refused_whatever_the_key_order(
    engine: Engine, uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    keys = [(world[sku], world[loc]) for sku in ("TS-1", "TS-2") for loc in ("wh-de", "wh-fr")]
    for sku in ("TS-1", "TS-2"):
        receive(uow, sku, "wh-de", 55)
    start = threading.Barrier(ORDERS)
    taken: list[int] = []

    def customer(seed: int) -> Callable[[], dict[Key, int]]:
        """Orders ROUNDS times, naming the keys in a new order each time."""

        def place() -> dict[Key, int]:
            rng, writer = random.Random(seed), UnitOfWork(engine)
            start.wait()
            for _ in range(ROUNDS):
                wanted = rng.randint(1, 3)
                available = sourced(writer, rng.sample(keys, len(keys)), wanted)
                taken.append(sum(min(wanted, n) for n in available.values() if n > 0))
            return {}

        return place

    customers = [Background(customer(seed)) for seed in range(ORDERS)]
    for background in customers:
        background.thread.start()
    for background in customers:
        background.thread.join()

    assert [c.error for c in customers if c.error is not None] == []
    assert sum(allocated(engine).values()) == sum(taken) == 120, "stock was left or oversold"


def test_stock_settings_say_which_skus_may_be_backordered(
    engine: Engine, uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    never_stocked = variant(uow, "TS-3")
    item = inventory.change_stock_settings(
        inventory.ChangeStockSettings(sku="ts-2", allows_backorders=True), uow=uow
    )
    assert (item.sku, item.allows_backorders, item.low_stock_threshold) == ("TS-2", True, 0)
    inventory.change_stock_settings(
        inventory.ChangeStockSettings(sku="TS-2", low_stock_threshold=3), uow=uow
    )
    settings = inventory.stock_settings([world["TS-1"], world["TS-2"], never_stocked], uow=uow)
    assert {vid: (s.allows_backorders, s.low_stock_threshold) for vid, s in settings.items()} == {
        world["TS-1"]: (False, 0),
        world["TS-2"]: (True, 3),
    }
    with engine.connect() as c:
        told = c.execute(
            select(outbox_table.c.payload)
            .where(outbox_table.c.event_type == "inventory.item_changed.v1")
            .order_by(outbox_table.c.position)
        ).scalars()
        assert [(p["allows_backorders"], p["low_stock_threshold"]) for p in told] == [
            (True, 0),
            (True, 3),
        ]


def test_settings_of_a_sku_never_stocked_create_its_item_with_the_defaults_for_the_rest(
    uow: UnitOfWork, world: dict[str, UUID]
) -> None:
    never_stocked = variant(uow, "TS-3")
    inventory.change_stock_settings(
        inventory.ChangeStockSettings(sku="TS-3", allows_backorders=True), uow=uow
    )
    item = inventory.stock_settings([never_stocked], uow=uow)[never_stocked]
    assert (item.sku, item.allows_backorders, item.low_stock_threshold) == ("TS-3", True, 0)
    assert inventory.get_stock("TS-3", uow=uow).allows_backorders is True


def test_a_settings_change_must_change_something(uow: UnitOfWork, world: dict[str, UUID]) -> None:
    with pytest.raises(Invalid) as nothing:
        inventory.change_stock_settings(inventory.ChangeStockSettings(sku="TS-1"), uow=uow)
    assert [p.field for p in nothing.value.problems] == [
        "low_stock_threshold",
        "allows_backorders",
        "preorder_release_on",
        "preorder_cap",
        "unit_cost",
    ]
    with pytest.raises(inventory.SkuNotFound):
        inventory.change_stock_settings(
            inventory.ChangeStockSettings(sku="NOPE", allows_backorders=True), uow=uow
        )
