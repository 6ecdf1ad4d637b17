"""The dashboard: this week's orders and revenue by channel (per currency, never added), open
holds by reason, payment failures, backorders, late fulfilment orders, open returns and low
stock, each a link to its filtered list, each shown only to roles that may read it.

The expected figures are counted here straight from the tables, independently of the
repositories that the page reads.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from babel.numbers import format_currency
from fastapi import FastAPI
from sqlalchemy import Engine, insert, text

from oms import orders
from oms.app import demo
from oms.console.pages.dashboard import week_start
from oms.payments.tables.ledger import payments
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.values import ReturnReason
from oms.returns.services.requests import RequestReturn, request_return
from oms.shared.ids import new_id
from oms.shared.money import Money
from tests.console.conftest import StaffFor


def rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(text(sql), params).all())


def money(minor: int, currency: str) -> str:
    return format_currency(Money.from_minor(minor, currency).amount, currency, locale="en")


def tile(page: str, name: str) -> str:
    """The HTML of one tile (``<article id="tile-...">``)."""
    found = re.search(rf'<article id="tile-{name}">(.*?)</article>', page, re.S)
    assert found, f"no {name} tile"
    return found.group(1)


def figure(page: str, name: str) -> tuple[str, str]:
    """The tile's headline figure: (its link, its text)."""
    found = re.search(r'class="figure" href="([^"]+)">([^<]+)<', tile(page, name))
    assert found, f"the {name} tile has no linked figure"
    return html.unescape(found.group(1)), found.group(2)


def week_sales(engine: Engine, now: datetime) -> dict[tuple[str, str], tuple[int, int]]:
    start = week_start(now)
    found = rows(
        engine,
        "SELECT channel_code, currency, placed_at, status, total_minor FROM orders",
    )
    sales: dict[tuple[str, str], tuple[int, int]] = {}
    for channel, currency, placed_at, status, total in found:
        at = placed_at if isinstance(placed_at, datetime) else datetime.fromisoformat(placed_at)
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        if not start <= at < start + timedelta(days=7):
            continue
        count, revenue = sales.get((channel, currency), (0, 0))
        sales[(channel, currency)] = (
            count + 1,
            revenue + (total if status != "cancelled" else 0),
        )
    return sales


def add_failed_payment(engine: Engine, now: datetime) -> None:
    """A declined card on an order that no other tender pays (the demo has none)."""
    order_id, channel, currency = rows(
        engine,
        "SELECT o.id, o.channel_code, o.currency FROM orders o WHERE NOT EXISTS "
        "(SELECT 1 FROM payments p WHERE p.order_id = o.id) ORDER BY o.number LIMIT 1",
    )[0]
    with engine.begin() as connection:
        connection.execute(
            insert(payments).values(
                id=new_id(),
                order_id=UUID(str(order_id)),
                channel_code=channel,
                provider="stripe",
                status="failed",
                currency=currency,
                amount_minor=1000,
                capture_at_once=False,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )


def test_the_dashboard_shows_the_weeks_sales_and_what_needs_attention_as_links(
    app: FastAPI,
    engine: Engine,
    uow: UnitOfWork,
    staff_for: StaffFor,
    demo_merchant: demo.Summary,
) -> None:
    add_failed_payment(engine, app.state.clock.now())
    recent = demo_merchant.delivered[0]
    bought = orders.lookup_order(recent.number, recent.email, uow=uow)
    line = bought.lines[0]
    request_return(
        RequestReturn(
            order_id=bought.id,
            lines=(AskedLine(line_id=line.id, quantity=1, reason=ReturnReason.WRONG_SIZE),),
            actor="staff:test",
        ),
        uow=uow,
    )
    admin = staff_for("admin")

    answer = admin.get("/console")

    assert answer.status_code == 200, answer.text
    page = answer.text
    now = app.state.clock.now()
    sales = week_sales(engine, now)
    assert sales, "the demo places this week's orders"
    table = re.search(r'<table class="striped" id="sales-table">(.*?)</table>', page, re.S)
    assert table
    for (channel, currency), (count, revenue) in sales.items():
        row = re.search(
            rf">{channel}</a></th>\s*<td>{currency}</td>(.*?)</tr>", table.group(1), re.S
        )
        assert row, f"no row for {channel} in {currency}"
        counted = f"{count} order" if count == 1 else f"{count} orders"
        assert f"<strong>{counted}</strong><br><small>{money(revenue, currency)}</small>" in (
            row.group(1)
        )
    currencies = {currency for _, currency in sales}
    assert len(currencies) > 1, "the demo sells in more than one currency"
    for currency in currencies:
        week_total = sum(r for (_, c), (_, r) in sales.items() if c == currency)
        assert money(week_total, currency) in page
        assert f'id="chart-revenue-{currency}"' in page
    chart = re.search(r'id="chart-orders" data-chart="bar" data-chart-data="([^"]+)"', page)
    assert chart
    data = json.loads(html.unescape(chart.group(1)))
    assert data["stacked"] is True
    assert len(data["labels"]) == 7
    assert sum(sum(d["data"]) for d in data["datasets"]) == sum(c for c, _ in sales.values())

    holds = rows(
        engine,
        "SELECT reason, COUNT(DISTINCT order_id) FROM order_holds WHERE released_at IS NULL "
        "GROUP BY reason",
    )
    assert holds, "the demo holds orders for review"
    link, shown = figure(page, "holds")
    assert (link, shown) == ("/console/orders?on_hold=true", str(sum(n for _, n in holds)))
    for reason, count in holds:
        assert f'href="/console/orders?on_hold=true&amp;hold_reason={reason}"' in page
        assert re.search(rf"hold_reason={reason}\"><span[^>]*>[^<]*</span> {count}<", page)

    backordered = rows(
        engine, "SELECT COUNT(DISTINCT order_id) FROM order_lines WHERE backordered_quantity > 0"
    )[0][0]
    assert backordered > 0
    assert figure(page, "backorders") == ("/console/orders?backordered=true", str(backordered))
    assert figure(page, "payments") == ("/console/orders?payment=failed", "1")

    late = rows(
        engine,
        "SELECT location_code, COUNT(*) FROM fulfilment_orders "
        "WHERE status IN ('open', 'in_progress', 'on_hold') AND ship_by < :now "
        "GROUP BY location_code",
        now=now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now,
    )
    assert figure(page, "late") == ("/console/fulfilment?late=true", str(sum(n for _, n in late)))
    for code, count in late:
        assert f'href="/console/fulfilment/{code}?late=true">{code}: {count}<' in page

    low = rows(
        engine,
        "SELECT COUNT(*) FROM stock_levels s JOIN inventory_items i ON i.variant_id = s.variant_id "
        "WHERE s.on_hand - s.allocated - s.unavailable <= i.low_stock_threshold",
    )[0][0]
    assert figure(page, "stock") == ("/console/inventory?low=true", str(low))
    opened = rows(
        engine,
        "SELECT COUNT(*) FROM returns WHERE status IN "
        "('requested', 'approved', 'in_transit', 'received', 'inspected')",
    )[0][0]
    assert opened >= 1
    assert figure(page, "returns") == ("/console/returns", str(opened))
    for status in ("requested", "approved", "in_transit", "received", "inspected"):
        assert f'href="/console/returns?status={status}"' in tile(page, "returns")


def test_each_role_sees_only_the_tiles_it_may_read(
    engine: Engine, staff_for: StaffFor, demo_merchant: demo.Summary
) -> None:
    def tiles(client_role: str, **kwargs: Any) -> set[str]:
        answer = staff_for(client_role, **kwargs).get("/console")
        assert answer.status_code == 200, answer.text
        return set(re.findall(r'<article id="tile-([a-z]+)">', answer.text))

    everything = {"holds", "payments", "backorders", "late", "returns", "stock"}
    assert tiles("admin") == everything
    assert tiles("csr") == everything
    assert tiles("finance") == everything
    assert tiles("warehouse") == {"holds", "backorders", "late", "returns", "stock"}
    marketing = staff_for("marketing").get("/console")
    assert marketing.status_code == 200
    assert "tile-" not in marketing.text
    assert 'id="sales-table"' not in marketing.text
    assert 'href="/console/customers"' in marketing.text

    location, count = rows(
        engine,
        "SELECT location_code, COUNT(*) FROM fulfilment_orders WHERE status = 'open' "
        "GROUP BY location_code ORDER BY location_code LIMIT 1",
    )[0]
    bound = staff_for("warehouse", location=location).get("/console").text
    assert figure(bound, "late") == (f"/console/fulfilment/{location}?late=true", str(count))
    links = re.findall(r'href="/console/fulfilment/([^/?"]+)\?late=true"', tile(bound, "late"))
    assert set(links) == {location}


def test_a_new_merchant_sees_an_empty_week_and_zeroes(staff_for: StaffFor) -> None:
    page = staff_for("csr", locale="de").get("/console")

    assert page.status_code == 200
    assert 'id="chart-orders"' not in page.text
    assert figure(page.text, "backorders") == ("/console/orders?backordered=true", "0")
    assert figure(page.text, "stock") == ("/console/inventory?low=true", "0")
    assert '<html lang="de">' in page.text


def test_the_dashboard_needs_a_session(client: Any) -> None:
    answer = client.get("/console", follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/console/login")
