"""Many writers on the same stock levels at once: nothing lost, nothing negative, no deadlock."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from uuid import UUID

import pytest
from sqlalchemy import Engine, select

from oms import inventory
from oms.inventory import tables
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.errors import Conflict
from tests import builders
from tests.integration.test_inventory_ledger import variant

pytestmark = pytest.mark.usefixtures("balanced_ledger")

THREADS = 20
OPERATIONS = 15
SKUS = ("TS-1", "TS-2")
LOCATIONS = ("wh-de", "wh-fr")
Key = tuple[UUID, UUID]


class Warehouse:
    """One thread's writer: random movements on two SKUs in two locations, in random orders."""

    def __init__(self, engine: Engine, ids: dict[str, UUID], seed: int) -> None:
        self.uow = UnitOfWork(engine)
        self.ids = ids
        self.random = random.Random(seed)
        self.moved: Counter[tuple[UUID, UUID, str]] = Counter()
        self.refused = 0
        self.posted = 0

    def lines(self) -> inventory.StockLines:
        picks = [(sku, loc) for sku in SKUS for loc in LOCATIONS]
        self.random.shuffle(picks)
        chosen = picks[: self.random.randint(1, len(picks))]
        return inventory.StockLines(
            lines=tuple(
                inventory.StockLine(
                    variant_id=self.ids[sku],
                    location_id=self.ids[loc],
                    quantity=self.random.randint(1, 4),
                )
                for sku, loc in chosen
            ),
            reference=f"SO-{self.random.randint(1, 10_000)}",
            actor="load",
        )

    def adjust(self) -> inventory.Posting:
        command = inventory.AdjustStock(
            sku=self.random.choice(SKUS),
            location=self.random.choice(LOCATIONS),
            delta=self.random.choice([-6, -3, -1, 1, 2, 5]),
            reason="load",
            actor="load",
        )
        return inventory.adjust_stock(command, uow=self.uow).posting

    def transfer(self) -> inventory.Posting:
        source, destination = self.random.sample(LOCATIONS, 2)
        command = inventory.TransferStock(
            sku=self.random.choice(SKUS),
            from_location=source,
            to_location=destination,
            quantity=self.random.randint(1, 6),
            actor="load",
        )
        return inventory.transfer_stock(command, uow=self.uow).posting

    def run(self) -> None:
        operations: list[Callable[[], inventory.Posting]] = [
            self.adjust,
            self.transfer,
            lambda: inventory.allocate(self.lines(), uow=self.uow),
            lambda: inventory.allocate(self.lines(), uow=self.uow),
            lambda: inventory.release(self.lines(), uow=self.uow),
            lambda: inventory.fulfil(self.lines(), uow=self.uow),
        ]
        for _ in range(OPERATIONS):
            try:
                posting = self.random.choice(operations)()
            except Conflict:
                self.refused += 1
                continue
            self.posted += 1
            for m in posting.movements:
                self.moved[(m.variant_id, m.location_id, "on_hand")] += m.delta.on_hand
                self.moved[(m.variant_id, m.location_id, "allocated")] += m.delta.allocated


def test_concurrent_movements_keep_every_level_whole(engine: Engine, uow: UnitOfWork) -> None:
    ids = {code: builders.location(uow, code, code[-2:].upper()).id for code in LOCATIONS}
    ids |= {sku: variant(uow, sku) for sku in SKUS}
    for sku in SKUS:
        for code in LOCATIONS:
            inventory.receive_stock(
                inventory.ReceiveStock(sku=sku, location=code, quantity=20, actor="setup"),
                uow=uow,
            )
    writers = [Warehouse(engine, ids, seed) for seed in range(THREADS)]
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(writer: Warehouse) -> None:
        try:
            start.wait()
            writer.run()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sum(w.refused for w in writers) > 0, "the load never ran out of stock"
    assert sum(w.posted for w in writers) > THREADS * OPERATIONS // 3
    moved: Counter[tuple[UUID, UUID, str]] = Counter()
    for writer in writers:
        moved.update(writer.moved)
    s = tables.stock_levels.c
    with engine.connect() as c:
        rows = c.execute(select(s.variant_id, s.location_id, s.on_hand, s.allocated)).all()
    for row in rows:
        assert row.on_hand == 20 + moved[(row.variant_id, row.location_id, "on_hand")]
        assert row.allocated == moved[(row.variant_id, row.location_id, "allocated")]
        assert 0 <= row.allocated <= row.on_hand
