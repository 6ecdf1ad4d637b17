"""The reorder page: empty before any forecast run, the list and a SKU's forecast chart after
one on the demo merchant (its guard, inventory:read, is walked by the access matrix)."""

from __future__ import annotations

from oms.app import demo
from oms.demand.services.runs import demand_from_database, run_forecasts
from oms.platform.unit_of_work import UnitOfWork
from tests.console.conftest import StaffFor


def test_the_reorder_page_renders_before_and_after_a_forecast_run(
    uow: UnitOfWork, demo_merchant: demo.Summary, staff_for: StaffFor
) -> None:
    manager = staff_for("admin")
    before = manager.client.get("/console/reorder")
    assert before.status_code == 200
    assert "no forecast has been run yet" in before.text
    summary = run_forecasts(uow)
    after = manager.client.get("/console/reorder")
    assert after.status_code == 200
    unknown = manager.client.get("/console/reorder", params={"sku": "NO-SUCH-SKU"})
    assert unknown.status_code == 200
    assert "no SKU" in unknown.text
    if summary.series:
        sku = demo_merchant_sku(uow)
        page = manager.client.get("/console/reorder", params={"sku": sku})
        assert 'data-chart="line"' in page.text


def demo_merchant_sku(uow: UnitOfWork) -> str:
    """A SKU the run forecast (the demo's orders name them)."""
    demand = demand_from_database(uow)
    return str(demand.units.index[0])
