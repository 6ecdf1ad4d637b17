"""The demo merchant is ready for returns, on SQLite and PostgreSQL: two web orders of one German
customer, paid and delivered from Hamburg, one a few days ago (inside the window), one long ago
(past it), each step of their history at its own time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from oms import orders
from oms.app import demo, tasks
from oms.app.demo import returns as demo_returns
from oms.fulfilment.repository.shipments import SHIPMENTS
from oms.platform.unit_of_work import UnitOfWork


@pytest.fixture
def summary(uow: UnitOfWork, engine: Engine, tmp_path: Path) -> demo.Summary:
    loaded = demo.load(uow, settlement_dir=tmp_path)
    tasks.relay(engine).drain()
    return loaded


def test_the_demo_has_a_recent_and_an_old_delivered_order_to_return(
    uow: UnitOfWork, summary: demo.Summary
) -> None:
    """Both delivered in full and paid, when their histories say; the summary names them."""
    assert [d.name for d in summary.delivered] == ["recent", "long ago"]
    now = uow.clock.now()
    for delivered, history in zip(summary.delivered, demo_returns.HISTORIES, strict=True):
        assert f"{delivered.number} delivered {delivered.name}" in summary.describe()
        order = orders.lookup_order(delivered.number, delivered.email, uow=uow)
        assert order.fulfilment_status is orders.FulfilmentStatus.DELIVERED
        assert order.balance_due.amount == 0
        assert order.status is orders.OrderStatus.COMPLETED
        assert [(line.sku, line.delivered_quantity) for line in order.lines] == list(history.lines)
        with uow.read() as tx:
            shipments = tx.repo(SHIPMENTS).for_order(order.id)
        assert shipments
        for shipment in shipments:
            assert shipment.delivered_at is not None
            ago = now - shipment.delivered_at
            assert timedelta(days=history.delivered) <= ago < timedelta(days=history.delivered + 1)
