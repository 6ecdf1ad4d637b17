"""The reports' summary tables (ADR 0015) on SQLite and PostgreSQL: after live changes made
through the services (units cancelled, a whole order cancelled, a return declined, a
fulfilment order shipped in two parcels and delivered) a report
shows the change on its next read, equal to the same report on the operational tables; ranges
that cut a period and filters (the facts path) equal the operational SQL too; a refresh with
nothing to do writes nothing; two refreshers at once never double-count; a full refresh
rebuilds the same rows after the summaries were wiped.

The demo merchant is loaded once per backend for the module.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text

from oms.fulfilment.domain.shipments import Package, TrackingStatus
from oms.fulfilment.providers.carriers import Carrier, CarrierAccount
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.fulfilment.services import shipping, tracking
from oms.fulfilment.tables.orders import fulfilment_orders
from oms.orders.domain.commands import CancelOrder
from oms.orders.services.cancellation import cancel_order
from oms.orders.tables import order_lines, orders
from oms.platform.unit_of_work import UnitOfWork
from oms.reports.domain import Filters, Granularity, Report, ReportName, Value
from oms.reports.repository import SUMMARISED
from oms.reports.repository.refresh import Refreshed
from oms.reports.services import (
    refresh_summaries,
    run_plain_report,
    run_report,
    summary_keeper,
)
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.values import ReturnReason
from oms.returns.services.decisions import DecideReturn, cancel_return, decline_return
from oms.returns.services.requests import RequestReturn, request_return
from oms.shared.clock import SystemClock
from tests import demo_snapshot
from tests.conftest import empty

WIDE = Filters(start=date(2000, 1, 1), end=date.today() + timedelta(days=1))
SUMMARY_TABLES = (
    "report_orders", "report_sales_days", "report_product_days", "report_order_returns",
    "report_customer_days", "report_cohort_days", "report_customer_totals",
    "report_fulfilment_days",
)  # fmt: skip


@pytest.fixture(scope="module")
def merchant(database: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    empty(database)
    demo_snapshot.merchant(database, UnitOfWork(database), tmp_path_factory, drained=True)
    yield database
    empty(database)


def rows(report: Report) -> list[tuple[Value, ...]]:
    return sorted(report.rows, key=lambda row: tuple((v is None, str(v)) for v in row))


def assert_equal_to_the_operational_tables(engine: Engine, filters: Filters = WIDE) -> None:
    uow = UnitOfWork(engine)
    for name in sorted(SUMMARISED):
        assert rows(run_report(name, filters, uow=uow)) == rows(
            run_plain_report(name, filters, uow=uow)
        ), (name, filters)


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as c:
        return {
            table: sorted(tuple(map(str, r)) for r in c.execute(text(f"SELECT * FROM {table}")))
            for table in SUMMARY_TABLES
        }


def test_a_refresh_with_nothing_changed_does_nothing(merchant: Engine) -> None:
    uow = UnitOfWork(merchant)
    refresh_summaries(uow=uow)
    assert refresh_summaries(uow=uow) == Refreshed(orders=0, days=0, customers=0)
    with merchant.connect() as c:
        facts = c.execute(text("SELECT COUNT(*) FROM report_orders")).scalar_one()
        everyone = c.execute(select(orders.c.id)).all()
    assert facts == len(everyone) > 20


def test_ranges_that_cut_periods_and_filters_equal_the_operational_sql(merchant: Engine) -> None:
    with merchant.connect() as c:
        placed = sorted(p for (p,) in c.execute(select(orders.c.placed_at)).all())
    middle = placed[len(placed) // 2].date()
    for granularity in Granularity:
        for filters in (
            Filters(start=middle, end=WIDE.end, granularity=granularity),
            Filters(start=WIDE.start, end=middle, granularity=granularity),
            Filters(start=middle - timedelta(days=3), end=middle + timedelta(days=3),
                    granularity=granularity),
            Filters(start=WIDE.start, end=WIDE.end, channel="web", granularity=granularity),
            Filters(start=WIDE.start, end=WIDE.end, country="DE", granularity=granularity),
        ):  # fmt: skip
            assert_equal_to_the_operational_tables(merchant, filters)


def _sales_units(engine: Engine) -> int:
    found = run_report(ReportName.SALES, WIDE, uow=UnitOfWork(engine)).as_dicts()
    return sum(int(r["units"] or 0) for r in found)


def _cancelled_units(engine: Engine) -> int:
    found = run_report(ReportName.RETURNS, WIDE, uow=UnitOfWork(engine)).as_dicts()
    return sum(int(r["units"] or 0) for r in found if r["kind"] == "cancellation")


def test_cancelled_units_show_on_the_next_read(merchant: Engine) -> None:
    uow = UnitOfWork(merchant)
    refresh_summaries(uow=uow)
    before_sales, before_cancelled = _sales_units(merchant), _cancelled_units(merchant)
    with merchant.connect() as c:
        line = c.execute(
            select(order_lines.c.id, order_lines.c.order_id)
            .join(orders, orders.c.id == order_lines.c.order_id)
            .where(
                orders.c.status.in_(("open", "confirmed", "placed")),
                order_lines.c.quantity - order_lines.c.cancelled_quantity
                - order_lines.c.fulfilled_quantity >= 1,
            )
            .order_by(orders.c.placed_at)
            .limit(1)
        ).one()  # fmt: skip
    cancel_order(
        CancelOrder(order_id=line.order_id, reason="changed mind", actor="test",
                    lines={line.id: 1}),
        uow=uow,
    )  # fmt: skip
    assert _sales_units(merchant) == before_sales - 1
    assert _cancelled_units(merchant) == before_cancelled + 1
    assert_equal_to_the_operational_tables(merchant)


def test_a_whole_order_cancelled_leaves_sales_and_customers(merchant: Engine) -> None:
    uow = UnitOfWork(merchant)
    refresh_summaries(uow=uow)
    with merchant.connect() as c:
        order_id = c.execute(
            select(orders.c.id)
            .where(orders.c.status.in_(("open", "confirmed", "placed")))
            .where(
                ~select(order_lines.c.id)
                .where(order_lines.c.order_id == orders.c.id, order_lines.c.fulfilled_quantity > 0)
                .exists()
            )
            .order_by(orders.c.placed_at.desc())
            .limit(1)
        ).scalar_one()
    before = run_report(ReportName.SALES, WIDE, uow=uow).as_dicts()
    cancel_order(CancelOrder(order_id=order_id, reason="fraud", actor="test"), uow=uow)
    after = run_report(ReportName.SALES, WIDE, uow=uow).as_dicts()
    assert (
        sum(int(r["orders"] or 0) for r in after) == sum(int(r["orders"] or 0) for r in before) - 1
    )
    assert_equal_to_the_operational_tables(merchant)


def test_a_return_requested_then_declined_shows_on_the_next_reads(merchant: Engine) -> None:
    """A return changes without its order's row: its own ``updated_at`` is what is read."""
    uow = UnitOfWork(merchant)
    refresh_summaries(uow=uow)
    with merchant.connect() as c:
        line = c.execute(
            select(order_lines.c.id, order_lines.c.order_id)
            .where(
                order_lines.c.delivered_quantity - order_lines.c.returned_quantity
                - order_lines.c.return_requested_quantity >= 1
            )
            .limit(1)
        ).one()  # fmt: skip

    def returned() -> int:
        rows = run_report(ReportName.RETURNS, WIDE, uow=uow).as_dicts()
        return sum(int(r["units"] or 0) for r in rows if r["kind"] == "return")

    before = returned()
    request = request_return(
        RequestReturn(
            order_id=line.order_id,
            lines=(AskedLine(line_id=line.id, quantity=1, reason=ReturnReason.DAMAGED),),
            actor="test",
        ),
        uow=uow,
    )
    assert returned() == before + 1
    assert_equal_to_the_operational_tables(merchant)
    decision = DecideReturn(return_id=request.id, actor="test", reason="worn")
    if request.status == "requested":
        decline_return(decision, uow=uow)
    else:
        cancel_return(decision, uow=uow)
    assert returned() == before
    assert_equal_to_the_operational_tables(merchant)


def _fulfilled(engine: Engine) -> dict[str, int]:
    found = run_report(ReportName.FULFILMENT, WIDE, uow=UnitOfWork(engine)).as_dicts()
    return {
        name: sum(int(r[name] or 0) for r in found)
        for name in ("orders", "split_orders", "fulfilment_orders", "shipped", "delivered")
    }


def _no_label(account: CarrierAccount) -> Carrier:
    raise AssertionError(f"tracking numbers are given; no label from {account.carrier}")


def test_a_fulfilment_order_shipped_in_two_parcels_then_delivered_shows_on_the_next_reads(
    merchant: Engine,
) -> None:
    uow = UnitOfWork(merchant)
    refresh_summaries(uow=uow)
    with merchant.connect() as c:
        candidates = c.execute(
            select(fulfilment_orders.c.id)
            .where(fulfilment_orders.c.status == "open", fulfilment_orders.c.delivery == "ship")
            .order_by(fulfilment_orders.c.number)
        ).scalars().all()  # fmt: skip
        with uow.read() as tx:
            repo = tx.repo(FULFILMENT_ORDERS)
            fo = next(
                fo
                for fo in (repo.get(fo_id) for fo_id in candidates)
                if sum(fo.open_units.values()) >= 2 and len(repo.for_order(fo.order_id)) == 1
            )
    units = [line for line, count in fo.open_units.items() for _ in range(count)]
    halves = (units[: len(units) // 2], units[len(units) // 2 :])
    before = _fulfilled(merchant)

    made = shipping.ship_packages(
        shipping.ShipPackages(
            fulfilment_order_id=fo.id,
            packages=tuple(
                Package(weight_grams=500, lines={line: half.count(line) for line in set(half)})
                for half in halves
            ),
            tracking_numbers=("REPORTS1", "REPORTS2"),
            actor="test",
        ),
        uow=uow,
        carriers=_no_label,
    )
    shipped = _fulfilled(merchant)
    assert shipped["shipped"] == before["shipped"] + 1
    assert shipped["split_orders"] == before["split_orders"] + 1
    assert shipped["delivered"] == before["delivered"]
    assert_equal_to_the_operational_tables(merchant)

    for shipment in made.shipments:
        tracking.report_event(
            tracking.ReportEvent(
                shipment=shipment.id, status=TrackingStatus.DELIVERED,
                occurred_at=datetime.now(UTC), actor="carrier",
            ),
            uow=uow,
        )  # fmt: skip
    assert _fulfilled(merchant)["delivered"] == before["delivered"] + 1
    assert_equal_to_the_operational_tables(merchant)


def test_a_fulfilment_order_changed_without_its_order_shows_on_the_next_read(
    merchant: Engine,
) -> None:
    """Only the fulfilment order's ``updated_at`` tells: a shipped one's promise moved to the
    other side of its shipping (late becomes on time, or the reverse), the order's row
    untouched."""
    uow = UnitOfWork(merchant)
    refresh_summaries(uow=uow)
    before = run_report(ReportName.FULFILMENT, WIDE, uow=uow).as_dicts()
    with merchant.begin() as c:
        fo = c.execute(
            select(
                fulfilment_orders.c.id, fulfilment_orders.c.shipped_at, fulfilment_orders.c.ship_by
            )
            .where(fulfilment_orders.c.status.in_(("shipped", "delivered")))
            .order_by(fulfilment_orders.c.number)
            .limit(1)
        ).one()
        was_late = fo.shipped_at > fo.ship_by
        c.execute(
            fulfilment_orders.update()
            .where(fulfilment_orders.c.id == fo.id)
            .values(
                ship_by=fo.shipped_at + timedelta(days=1 if was_late else -1),
                updated_at=datetime.now(UTC),
            )
        )
    after = run_report(ReportName.FULFILMENT, WIDE, uow=uow).as_dicts()
    late = [sum(int(r["late"] or 0) for r in found) for found in (before, after)]
    assert late[1] == late[0] + (-1 if was_late else 1)
    assert_equal_to_the_operational_tables(merchant)


def test_concurrent_refreshers_derive_each_change_once(merchant: Engine) -> None:
    uow = UnitOfWork(merchant)
    refresh_summaries(uow=uow)
    settled = snapshot(merchant)
    with merchant.begin() as c:  # every order's facts stale at once, as after an import
        c.execute(text("UPDATE report_orders SET source_version = 0"))
    found: list[Refreshed] = []
    errors: list[BaseException] = []

    def refresher() -> None:
        try:
            found.append(refresh_summaries(uow=UnitOfWork(merchant), full=True))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=refresher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(r.orders for r in found) == [0, len(settled["report_orders"])]
    assert snapshot(merchant) == settled
    assert_equal_to_the_operational_tables(merchant)


def test_a_full_refresh_rebuilds_wiped_summaries(merchant: Engine) -> None:
    uow = UnitOfWork(merchant)
    refresh_summaries(uow=uow)
    settled = snapshot(merchant)
    with merchant.begin() as c:
        for table in SUMMARY_TABLES:
            c.execute(text(f"DELETE FROM {table}"))
    done = refresh_summaries(uow=uow, full=True)
    assert done.orders == len(settled["report_orders"])
    assert snapshot(merchant) == settled


def test_the_workers_keeper_refreshes_fully_first_then_the_changes(merchant: Engine) -> None:
    keep = summary_keeper(merchant, SystemClock())
    with merchant.begin() as c:  # stale facts no watermark shows (a write outside the services)
        c.execute(text("UPDATE report_orders SET source_version = 0"))
        facts = c.execute(text("SELECT COUNT(*) FROM report_orders")).scalar_one()
    assert keep().orders == facts
    assert keep().orders == 0
    assert_equal_to_the_operational_tables(merchant)
