"""Reference data cached per process and invalidated exactly, on SQLite and PostgreSQL.

The rule (docs/decisions/0008-reference-data-cache.md): every change to a reference table moves
``reference_version`` in the changing transaction, by trigger; a placement reads that version
once and trusts its process's cache only at that version. Proven here across processes: a
change made by another process (a real ``python -c`` on the same database) is used by the very
next order this process places, though this process had everything cached.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text

from oms import catalog, channels, inventory, orders, sourcing
from oms.app.http import create_app
from oms.app.schema import metadata
from oms.orders.domain import HoldRule, InvalidOrder
from oms.orders.services import SetHoldRule, set_hold_rule
from oms.platform.reference import REFERENCE_TABLES, read_version, trigger_names
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from oms.shared.money import Money
from tests import builders

pytestmark = pytest.mark.usefixtures("balanced_ledger")

LIVE_TABLES = {
    "api_keys",
    "customer_counters",
    "customers",
    "customer_addresses",
    "customer_tags",
    "customer_consents",
    "customer_notes",
    "stock_levels",
    "stock_movements",
    "orders",
    "order_lines",
    "order_allocations",
    "order_holds",
    "order_timeline",
    "order_counters",
    "order_changes",
    "idempotency_keys",
    "outbox",
    "event_deliveries",
    "handled_events",
    "payments",
    "payment_transactions",
    "provider_notifications",
    "store_credit_accounts",
    "store_credit_entries",
    "goodwill_refunds",
    "location_daily_load",
    "fulfilment_orders",
    "fulfilment_order_lines",
    "location_fulfilment",
    "shipments",
    "shipment_lines",
    "tracking_events",
    "return_policies",
    "returns",
    "return_lines",
    "return_counters",
    "return_refunds",
    "return_replacements",
    "goodwill_refund_parts",
    "refund_reasons",
    "refund_limits",
    "invoice_counters",
    "invoices",
    "invoice_lines",
    "reconciliation_runs",
    "reconciliation_payouts",
    "reconciliation_exceptions",
    "settled_transactions",
    "channel_mail_settings",  # read by the mail loop per message, off the hot path: not cached
    "notification_messages",
    "mail_suppressions",
    "webhook_endpoints",  # read once per relay fan-out batch, not cached
    "webhook_deliveries",
    "webhook_attempts",
    "staff_users",  # read per login and session, by key: not cached
    "staff_sessions",
    "order_charges",
    "jobs",
    "job_files",
    "history_imports",
    "history_documents",
    "history_credits",
    "forecast_runs",
    "demand_forecasts",
    "reorder_settings",  # read per forecast page and run, off the hot path: not cached
    "customer_value_runs",
    "customer_values",
    # the reports' summaries (ADR 0015): derived from orders by the refresh
    "report_refresh",
    "report_pending",
    "report_pending_days",
    "report_pending_customers",
    "report_orders",
    "report_order_returns",
    "report_sales_days",
    "report_product_days",
    "report_customer_days",
    "report_customer_totals",
    "report_cohort_days",
    "report_fulfilment_days",
}
"""Tables that are NOT reference data: what orders change, and the platform's own. A new table
must be put here or in REFERENCE_TABLES (with its triggers): the first test insists."""

ADDRESS = Address(
    name="Ada Lovelace", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
)


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    builders.location(uow, "wh-de")
    builders.channel(uow, "web", locations=("wh-de",))
    builders.pricing(uow)
    builders.product(uow, "BG-1", prices={"web": "10.00"})
    inventory.receive_stock(
        inventory.ReceiveStock(sku="BG-1", location="wh-de", quantity=100, actor="test"), uow=uow
    )


def place(uow: UnitOfWork, sku: str = "BG-1") -> orders.Order:
    return orders.place_order(
        orders.PlaceOrder(
            channel="web",
            customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
            shipping_address=ADDRESS,
            lines=(orders.NewLine(sku=sku, quantity=1),),
            actor="test",
        ),
        uow=uow,
    ).order


VALUE_CHANGES = {"inventory_items": "low_stock_threshold = low_stock_threshold + 1"}
"""Tables whose triggers move the version only when a cached value changes: an inventory item's
``backordered`` (live, moved by every backorder) and ``updated_at`` leave it alone, so the test
changes a setting there."""

LOCK_STATEMENT = "JOIN inventory_items AS i ON i.variant_id = s.variant_id"
"""The stock levels' lock statement joins each SKU's ``inventory_items`` row for one live column,
``backordered`` (the units older orders wait for, kept by triggers; ADR 0011): not a read of
reference data, and no statement of its own."""


def reads_reference(sql: str, tables: Collection[str]) -> bool:
    return any(f" {t}" in sql for t in tables) and LOCK_STATEMENT not in sql


def in_another_process(engine: Engine, code: str) -> None:
    """Run ``code`` in a new Python process on the same database, with ``uow`` its own."""
    url = engine.url.render_as_string(hide_password=False)
    script = textwrap.dedent(
        f"""
        from decimal import Decimal
        from oms import catalog, channels
        from oms.app import schema
        from oms.orders import pricing, services as orders
        from oms.orders.domain import HoldRule
        from oms.platform.database import create_database_engine
        from oms.platform.unit_of_work import UnitOfWork
        from oms.shared.money import Money
        uow = UnitOfWork(create_database_engine({url!r}))
        """
    ) + textwrap.dedent(code)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any, **_: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def version(engine: Engine) -> int | None:
    with engine.connect() as conn:
        return read_version(conn)


def test_every_table_is_either_reference_data_or_live_data() -> None:
    reference = set(REFERENCE_TABLES)
    assert not reference & LIVE_TABLES
    assert set(metadata.tables) == reference | LIVE_TABLES | {"reference_version"}


def test_every_reference_table_has_its_version_triggers(engine: Engine) -> None:
    dialect = engine.dialect.name
    with engine.connect() as conn:
        for table in REFERENCE_TABLES:
            if dialect == "sqlite":
                found = conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                    {"t": table},
                ).scalars()
            else:
                found = conn.execute(
                    text(
                        "SELECT tgname FROM pg_trigger "
                        "WHERE tgrelid = CAST(:t AS regclass) AND NOT tgisinternal"
                    ),
                    {"t": table},
                ).scalars()
            missing = set(trigger_names(table, dialect)) - set(found)
            assert not missing, f"{table} lacks {sorted(missing)}"


@pytest.mark.usefixtures("shop")
def test_any_change_to_any_reference_table_moves_the_version(engine: Engine) -> None:
    set_hold_rule(
        SetHoldRule(rule=HoldRule.COUNTRY_MISMATCH, enabled=True, thresholds={}),
        uow=UnitOfWork(engine),
    )
    sourcing.put_rules(
        sourcing.PutRules(channel="web", document={}, actor="test"), uow=UnitOfWork(engine)
    )
    for table in REFERENCE_TABLES:
        column = next(iter(metadata.tables[table].primary_key.columns)).name
        change = VALUE_CHANGES.get(table, f"{column} = {column}")
        before = version(engine)
        with engine.begin() as conn:
            changed = conn.execute(text(f"UPDATE {table} SET {change}")).rowcount
        assert changed > 0, f"the shop has no {table}"
        assert version(engine) != before, f"a change to {table} left the version"


@pytest.mark.usefixtures("shop")
def test_a_statement_that_changes_no_row_leaves_the_version(
    engine: Engine, uow: UnitOfWork
) -> None:
    before = version(engine)
    # a second receipt finds the SKU's inventory item there already (INSERT ... DO NOTHING)
    inventory.receive_stock(
        inventory.ReceiveStock(sku="BG-1", location="wh-de", quantity=1, actor="test"), uow=uow
    )
    with engine.begin() as conn:
        conn.execute(text("UPDATE tax_rates SET rate_millionths = 0 WHERE country = 'XX'"))
        conn.execute(text("DELETE FROM variant_prices WHERE channel_code = 'nowhere'"))
    assert version(engine) == before


@pytest.mark.usefixtures("shop")
def test_a_placement_with_reference_data_cached_reads_only_the_version(
    engine: Engine, uow: UnitOfWork
) -> None:
    place(uow)
    with statements(engine) as seen:
        place(uow)
    reads = [sql for sql in seen if reads_reference(sql, REFERENCE_TABLES)]
    assert reads == []
    assert sum("FROM reference_version" in sql for sql in seen) == 1


@pytest.mark.usefixtures("shop")
def test_a_price_change_in_another_process_is_used_by_the_next_order(
    engine: Engine, uow: UnitOfWork
) -> None:
    place(uow)
    assert place(uow).lines[0].unit_price == Money.of("10.00", "EUR")  # from the cache
    in_another_process(
        engine,
        """
        catalog.set_price(
            catalog.SetPrice(sku="BG-1", channel="web", amount=Decimal("12.50"), currency="EUR"),
            uow=uow,
        )
        """,
    )
    assert place(uow).lines[0].unit_price == Money.of("12.50", "EUR")


@pytest.mark.usefixtures("shop")
def test_a_tax_rate_change_in_another_process_is_used_by_the_next_order(
    engine: Engine, uow: UnitOfWork
) -> None:
    place(uow)
    assert place(uow).lines[0].tax_rate == Decimal("0.19")
    in_another_process(
        engine,
        """
        pricing.set_tax_rate(
            pricing.SetTaxRate(country="DE", tax_category="standard", rate=Decimal("0.25")),
            uow=uow,
        )
        """,
    )
    assert place(uow).lines[0].tax_rate == Decimal("0.25")


@pytest.mark.usefixtures("shop")
def test_a_channel_deactivated_in_another_process_refuses_the_next_order(
    engine: Engine, uow: UnitOfWork
) -> None:
    place(uow)
    in_another_process(
        engine, 'channels.update_channel(channels.UpdateChannel(code="web", active=False), uow=uow)'
    )
    with pytest.raises(InvalidOrder, match="not active"):
        place(uow)


@pytest.mark.usefixtures("shop")
def test_a_hold_rule_enabled_in_another_process_holds_the_next_order(
    engine: Engine, uow: UnitOfWork
) -> None:
    assert not place(uow).on_hold
    in_another_process(
        engine,
        """
        orders.set_hold_rule(
            orders.SetHoldRule(
                rule=HoldRule.TOTAL_ABOVE,
                enabled=True,
                thresholds={"EUR": Money.of("5", "EUR")},
            ),
            uow=uow,
        )
        """,
    )
    assert place(uow).on_hold


@pytest.mark.usefixtures("shop")
def test_a_change_in_this_process_is_used_at_once(engine: Engine, uow: UnitOfWork) -> None:
    place(uow)
    catalog.set_price(
        catalog.SetPrice(sku="BG-1", channel="web", amount=Decimal("11.00"), currency="EUR"),
        uow=UnitOfWork(engine),
    )
    channels.update_channel(
        channels.UpdateChannel(code="web", prices_include_tax=False), uow=UnitOfWork(engine)
    )
    order = place(uow)
    assert order.lines[0].unit_price == Money.of("11.00", "EUR")
    assert not order.prices_include_tax


def stocked_product(uow: UnitOfWork, sku: str, price: str) -> None:
    builders.product(uow, sku, prices={"web": price})
    inventory.receive_stock(
        inventory.ReceiveStock(sku=sku, location="wh-de", quantity=10, actor="test"), uow=uow
    )


PER_SKU_TABLES = ("product_variants", "variant_prices", "inventory_items")


@pytest.mark.usefixtures("shop")
def test_after_one_placement_other_never_seen_skus_need_no_variant_price_or_settings_read(
    engine: Engine, uow: UnitOfWork
) -> None:
    stocked_product(uow, "OT-1", "7.00")
    stocked_product(uow, "OT-2", "8.00")
    place(uow)  # the first miss of each kind loads the whole (small) set
    with statements(engine) as seen:
        order = orders.place_order(
            orders.PlaceOrder(
                channel="web",
                customer=orders.CustomerDetails(email="ada@example.com", name="Ada Lovelace"),
                shipping_address=ADDRESS,
                lines=(
                    orders.NewLine(sku="OT-1", quantity=1),
                    orders.NewLine(sku="ot-2", quantity=2),
                ),
                actor="test",
            ),
            uow=uow,
        ).order
    assert [line.unit_price for line in order.lines] == [
        Money.of("7.00", "EUR"),
        Money.of("8.00", "EUR"),
    ]
    reads = [sql for sql in seen if reads_reference(sql, PER_SKU_TABLES)]
    assert reads == []
    with pytest.raises(InvalidOrder):  # a SKU the complete set lacks does not exist
        place(uow, "NOPE-1")

    stocked_product(uow, "NEW-1", "9.00")  # moves the version: the next placement reloads
    assert place(uow, "NEW-1").lines[0].unit_price == Money.of("9.00", "EUR")


@pytest.mark.usefixtures("shop")
def test_a_server_loads_the_catalogue_before_it_reports_ready(
    engine: Engine, uow: UnitOfWork, app: FastAPI
) -> None:
    stocked_product(uow, "OT-1", "7.00")
    uow.reference.clear()
    with TestClient(app) as client:  # the lifespan has run: the server is ready
        assert client.get("/health").status_code == 200
        current = version(engine)
        for kind in ("catalog.variant", "catalog.price:web", "inventory.settings"):
            assert uow.reference.is_complete(current, kind), kind
        with statements(engine) as seen:
            assert place(uow, "OT-1").lines[0].unit_price == Money.of("7.00", "EUR")
        assert [sql for sql in seen if reads_reference(sql, PER_SKU_TABLES)] == []


def test_a_server_on_an_empty_database_starts_without_preloading(
    engine: Engine, uow: UnitOfWork
) -> None:
    metadata.drop_all(engine)
    try:
        uow.reference.clear()
        with TestClient(create_app(Settings(), engine=engine, run_relay=False)) as client:
            assert client.get("/health").status_code == 200
        assert len(uow.reference) == 0
    finally:
        metadata.create_all(engine)
