"""Reports on the demo merchant (orders of every channel placed, paid, cancelled, shipped,
delivered and returned through the services, a Stripe settlement file reconciled), on SQLite
and PostgreSQL: figures recomputed here in Python from the rows, every report equal to DuckDB's
answer over the Parquet export, the API (JSON, CSV, 422, 404, permissions) and the CLI.

The merchant is loaded once per backend for the module (the reports only read).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from oms import auth, catalog, inventory
from oms.app.http import create_app
from oms.orders.tables import order_lines, orders
from oms.payments.settlements import services as settlements
from oms.payments.settlements.domain import StatementFormat
from oms.payments.tables.ledger import payment_transactions
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.reports.domain import Filters, Granularity, Report, ReportName, Value
from oms.reports.repository import export, parquet_sql
from oms.reports.services import run_report
from oms.shared.errors import Invalid
from tests import demo_snapshot
from tests.conftest import empty

WIDE = Filters(start=date(2000, 1, 1), end=date.today() + timedelta(days=1))


@pytest.fixture(scope="module")
def merchant(database: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    empty(database)
    uow = UnitOfWork(database)
    summary = demo_snapshot.merchant(database, uow, tmp_path_factory, drained=True)
    assert summary.settlement_file is not None
    settlements.reconcile_file(
        settlements.ReconcileFile(
            format=StatementFormat("stripe"),
            content=summary.settlement_file.read_bytes(),
            file_name=summary.settlement_file.name,
            actor="test",
        ),
        uow=uow,
    )
    yield database
    empty(database)


@pytest.fixture(scope="module")
def parquet(merchant: Engine, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parquet")
    export.write_parquet(merchant, folder)
    return folder


def report(engine: Engine, name: ReportName, filters: Filters = WIDE) -> Report:
    return run_report(name, filters, uow=UnitOfWork(engine))


def canonical(rows: list[tuple[Value, ...]]) -> list[tuple[Value, ...]]:
    return sorted(rows, key=lambda row: tuple((v is None, str(v)) for v in row))


# -- figures recomputed from the rows -------------------------------------------------------------


def test_sales_add_up_to_the_orders_not_cancelled(merchant: Engine) -> None:
    with merchant.connect() as c:
        found = c.execute(select(orders).where(orders.c.status != "cancelled")).all()
        lines = c.execute(select(order_lines)).all()
    units: Counter[object] = Counter()
    for line in lines:
        units[line.order_id] += line.quantity - line.cancelled_quantity
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for o in found:
        figures = expected[o.currency]
        figures[0] += 1
        figures[1] += units[o.id]
        figures[2] += o.subtotal_minor
        figures[3] += o.total_minor - o.tax_minor
    got: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in report(merchant, ReportName.SALES).as_dicts():
        figures = got[str(row["currency"])]
        for i, name in enumerate(("orders", "units", "gross_minor", "net_minor")):
            figures[i] += int(row[name] or 0)
        assert row["average_order_minor"] == int(row["net_minor"] or 0) // int(row["orders"] or 1)
    assert got == expected
    assert sum(f[0] for f in got.values()) > 20


def test_categories_hold_every_line_under_its_products_category(merchant: Engine) -> None:
    category_of = {
        sku: product.category
        for product in catalog.list_products(uow=UnitOfWork(merchant), after=None, limit=500)
        for sku in (v.sku for v in product.variants)
    }
    with merchant.connect() as c:
        lines = c.execute(
            select(order_lines.c.sku, order_lines.c.total_minor, order_lines.c.tax_minor,
                   orders.c.currency)
            .join(orders, orders.c.id == order_lines.c.order_id)
            .where(orders.c.status != "cancelled")
        ).all()  # fmt: skip
    expected: Counter[tuple[str, str]] = Counter()
    for line in lines:
        expected[(category_of[line.sku] or "", line.currency)] += line.total_minor - line.tax_minor
    rows = report(merchant, ReportName.CATEGORIES).as_dicts()
    assert {(str(r["category"]), str(r["currency"])): r["net_minor"] for r in rows} == expected
    assert "Apparel > Tops" in {r["category"] for r in rows}
    for currency in {r["currency"] for r in rows}:
        nets = [r["net_minor"] for r in rows if r["currency"] == currency]
        assert nets == sorted(nets, reverse=True)  # type: ignore[type-var]


def test_sales_by_day_week_and_month_hold_the_same_totals(merchant: Engine) -> None:
    totals = []
    for granularity in Granularity:
        rows = report(
            merchant,
            ReportName.SALES,
            Filters(start=WIDE.start, end=WIDE.end, granularity=granularity),
        ).as_dicts()
        totals.append(
            (sum(int(r["orders"] or 0) for r in rows), sum(int(r["net_minor"] or 0) for r in rows))
        )
        periods = {str(r["period"]) for r in rows}
        if granularity is Granularity.WEEK:
            assert all(date.fromisoformat(p).weekday() == 0 for p in periods)
        if granularity is Granularity.MONTH:
            assert all(len(p) == 7 for p in periods)
    assert len(set(totals)) == 1


def test_a_channel_filter_keeps_only_that_channels_orders(merchant: Engine) -> None:
    rows = report(
        merchant, ReportName.SALES, Filters(start=WIDE.start, end=WIDE.end, channel="web")
    ).as_dicts()
    with merchant.connect() as c:
        count = c.execute(
            select(orders.c.id).where(
                orders.c.channel_code == "web", orders.c.status != "cancelled"
            )
        ).all()
    assert {r["channel"] for r in rows} == {"web"}
    assert sum(int(r["orders"] or 0) for r in rows) == len(count)


def test_payments_captured_equal_the_succeeded_captures(merchant: Engine) -> None:
    with merchant.connect() as c:
        captures = c.execute(
            select(payment_transactions).where(
                payment_transactions.c.kind == "capture",
                payment_transactions.c.status == "succeeded",
            )
        ).all()
    expected: Counter[str] = Counter()
    for t in captures:
        expected[t.currency] += t.amount_minor
    got: Counter[str] = Counter()
    for row in report(merchant, ReportName.PAYMENTS).as_dicts():
        got[str(row["currency"])] += int(row["captured_minor"] or 0)
    assert got == expected
    assert expected


def test_the_reconciled_settlement_file_shows_its_fees(merchant: Engine) -> None:
    rows = report(merchant, ReportName.SETTLEMENTS).as_dicts()
    assert rows
    assert all(
        int(r["gross_minor"] or 0) - int(r["fees_minor"] or 0) == r["net_minor"] for r in rows
    )


def test_cancelled_units_are_in_the_returns_report_at_their_price(merchant: Engine) -> None:
    with merchant.connect() as c:
        cancelled = c.execute(
            select(order_lines.c.cancelled_quantity, order_lines.c.unit_price_minor).where(
                order_lines.c.cancelled_quantity > 0
            )
        ).all()
    rows = [
        r for r in report(merchant, ReportName.RETURNS).as_dicts() if r["kind"] == "cancellation"
    ]
    assert sum(int(r["units"] or 0) for r in rows) == sum(q for q, _ in cancelled) > 0
    assert sum(int(r["value_minor"] or 0) for r in rows) == sum(q * p for q, p in cancelled)
    for r in rows:
        assert r["rate_bp"] == int(r["units"] or 0) * 10_000 // int(r["ordered_units"] or 1)


def test_stock_is_valued_at_each_skus_unit_cost(merchant: Engine) -> None:
    rows = report(merchant, ReportName.INVENTORY).as_dicts()
    costed = [row for row in rows if row["value_at_cost_minor"] is not None]
    assert costed, "the demo costs its stocked SKUs"
    uow = UnitOfWork(merchant)
    for row in costed[:25]:
        stock = inventory.get_stock(str(row["sku"]), uow=uow)
        assert stock.unit_cost is not None
        assert row["currency"] == stock.unit_cost.currency
        on_hand = sum(level.on_hand for level in stock.locations)
        assert (row["on_hand"], row["value_at_cost_minor"]) == (
            on_hand,
            on_hand * stock.unit_cost.minor,
        )


def test_every_customer_who_ordered_is_new_once(merchant: Engine) -> None:
    """New in the month of their first order, in each currency they paid in that month; one
    cohort each; scored in RFM once per currency."""
    with merchant.connect() as c:
        bought = c.execute(
            select(orders.c.customer_id, orders.c.currency, orders.c.placed_at).where(
                orders.c.status != "cancelled"
            )
        ).all()
    first = {}
    for customer, _, at in bought:
        first[customer] = min(first.get(customer, at), at)
    month = "{0.year}-{0.month}".format
    new = {(c, cur) for c, cur, at in bought if month(at) == month(first[c])}
    rows = report(merchant, ReportName.CUSTOMERS).as_dicts()
    assert sum(int(r["new_customers"] or 0) for r in rows) == len(new)
    cohorts = report(merchant, ReportName.COHORTS).as_dicts()
    assert sum(int(r["active_customers"] or 0) for r in cohorts if r["months_after"] == 0) == len(
        first
    )
    rfm = report(merchant, ReportName.RFM).as_dicts()
    assert sum(int(r["customers"] or 0) for r in rfm) == len({(c, cur) for c, cur, _ in bought})


# -- DuckDB over the Parquet export equals the database, to the cent ---------------------------


@pytest.mark.parametrize("name", list(ReportName))
def test_every_report_equals_duckdb_over_the_parquet_export(
    merchant: Engine, parquet: Path, name: ReportName
) -> None:
    db = parquet_sql.connect(parquet)
    variants = [Filters(start=WIDE.start, end=WIDE.end, granularity=g) for g in Granularity]
    if name is not ReportName.SETTLEMENTS:
        variants += [
            Filters(start=WIDE.start, end=WIDE.end, channel="web", granularity=Granularity.WEEK),
            Filters(start=WIDE.start, end=WIDE.end, country="DE", granularity=Granularity.DAY),
        ]
    for filters in variants:
        ours = report(merchant, name, filters).rows
        assert canonical(ours) == canonical(parquet_sql.run(db, name, filters)), filters
    assert report(merchant, name).rows or name in {ReportName.FULFILMENT}


def test_the_export_is_partitioned_by_month(parquet: Path) -> None:
    months = sorted(p.name for p in (parquet / "orders").iterdir())
    assert months
    assert all(m.startswith("month=") and len(m) == len("month=2026-12") for m in months)
    assert (parquet / "stock_levels" / "part-0.parquet").exists()


# -- HTTP ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(merchant: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), engine=merchant, run_relay=False)) as c:
        yield c


def key(engine: Engine, role: str, channel: str | None = None) -> dict[str, str]:
    issued = auth.create_api_key(
        auth.CreateApiKey(name=f"reports {role}", role=auth.Role(role), channel_code=channel),
        uow=UnitOfWork(engine),
    )
    return {"Authorization": f"Bearer {issued.secret}"}


def test_the_api_answers_a_report_as_json_and_as_csv(merchant: Engine, client: TestClient) -> None:
    headers = key(merchant, "admin")
    query = {"from": "2000-01-01", "to": WIDE.end.isoformat(), "granularity": "week"}
    answer = client.get("/v1/reports/sales", params=query, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["filters"]["granularity"] == "week"
    assert [c["name"] for c in body["columns"]][:4] == ["period", "channel", "country", "currency"]
    expected = report(
        merchant,
        ReportName.SALES,
        Filters(start=WIDE.start, end=WIDE.end, granularity=Granularity.WEEK),
    )
    assert body["rows"] == expected.as_dicts()
    answer = client.get("/v1/reports/sales", params={**query, "format": "csv"}, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(answer.text)))
    assert lines[0] == [c["name"] for c in body["columns"]]
    assert len(lines) == len(body["rows"]) + 1


def test_bad_filters_are_422_and_an_unknown_report_404(
    merchant: Engine, client: TestClient
) -> None:
    headers = key(merchant, "admin")
    bad = client.get(
        "/v1/reports/sales", params={"from": "2026-02-30", "country": "D1"}, headers=headers
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in bad.json()["errors"]} >= {"from", "country"}
    assert (
        client.get("/v1/reports/sales", params={"granularity": "year"}, headers=headers).status_code
        == 422
    )
    backwards = client.get(
        "/v1/reports/sales", params={"from": "2026-02-01", "to": "2026-01-01"}, headers=headers
    )
    assert backwards.status_code == 422
    missing = client.get("/v1/reports/weather", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_reports_need_the_permission(merchant: Engine, client: TestClient) -> None:
    """Finance and marketing read reports; a warehouse or channel key does not (the channel
    role has no ``reports:read``)."""
    assert client.get("/v1/reports/sales").status_code == 401
    assert client.get("/v1/reports/sales", headers=key(merchant, "warehouse")).status_code == 403
    web = key(merchant, "channel", channel="web")
    assert client.get("/v1/reports/sales", headers=web).status_code == 403
    for role in ("finance", "marketing"):
        answer = client.get("/v1/reports/rfm", headers=key(merchant, role))
        assert answer.status_code == 200


def test_a_caller_bound_to_a_channel_sees_only_that_channel(merchant: Engine) -> None:
    uow = UnitOfWork(merchant)
    mine = run_report(ReportName.SALES, WIDE, uow=uow, visible_to="web")
    assert mine.rows
    assert {r["channel"] for r in mine.as_dicts()} == {"web"}
    assert (
        mine.rows
        == report(
            merchant, ReportName.SALES, Filters(start=WIDE.start, end=WIDE.end, channel="web")
        ).rows
    )
    asked = Filters(start=WIDE.start, end=WIDE.end, channel="app")
    with pytest.raises(Invalid):
        run_report(ReportName.SALES, asked, uow=uow, visible_to="web")
    with pytest.raises(Invalid):
        run_report(ReportName.SETTLEMENTS, WIDE, uow=uow, visible_to="web")
