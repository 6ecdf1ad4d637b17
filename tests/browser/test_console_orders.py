"""Customer service on an order in a real browser: find it by the buyer's email as you type, hold
and release it, edit it through the money preview, and give a goodwill refund within the csr's
limit (and be refused above it).

Independence: every flow places its own order through the services (a fresh buyer email per
flow and backend, paid by card on the shop's terminal and released, as the demo's returnable
orders are) and touches nothing else: no demo order, no other flow's order.
"""

from __future__ import annotations

import re
import uuid

from babel.numbers import format_currency
from playwright.sync_api import Locator, Page, expect

from oms import orders, payments
from oms.app.demo import returns as demo_returns
from oms.app.demo.people import DemoCustomer
from oms.shared.address import Address
from oms.shared.money import Money
from tests.browser.conftest import Live, Shots, log_in


def _fresh_order(live: Live, flow: str, lines: tuple[tuple[str, int], ...]) -> orders.Order:
    """A web order of a buyer of this flow alone, paid (captured) and with no open hold."""
    tag = uuid.uuid4().hex[:8]
    buyer = DemoCustomer(
        email=f"csr-{flow}-{tag}@browser.example",
        name=f"Csr {flow.title()} {tag}",
        phone=None,
        locale="en",
        marketing_consent=False,
        tags=(),
        notes="",
        addresses=(
            Address(
                name=f"Csr {flow.title()}",
                line1="Unter den Linden 5",
                city="Berlin",
                postal_code="10117",
                country="DE",
            ),
        ),
    )
    order = demo_returns._place_and_pay(live.engine, buyer, lines, at=live.uow().clock.now())
    assert not order.on_hold
    return order


def _euros(money: Money) -> str:
    """A figure as the console shows it to an English-speaking staff user."""
    return format_currency(money.amount, money.currency, locale="en")


def _row(within: Page | Locator, name: str) -> Locator:
    """The table row whose header cell reads ``name``."""
    page = within if isinstance(within, Page) else within.page
    return within.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=name, exact=True)
    )


def _order_head(page: Page) -> Locator:
    """The order page's head: its number and its status badges (the order's own, not those of
    its fulfilment orders further down)."""
    return page.locator("header").filter(has=page.get_by_role("heading", level=1))


def test_a_csr_finds_an_order_by_email_holds_and_releases_it(
    page: Page, live: Live, shots: Shots, csp_errors: list[str]
) -> None:
    order = _fresh_order(live, "hold", (("NW-TSH-BLA-M", 1),))
    log_in(page, live, "csr")
    page.goto(f"{live.url}/console/orders")
    shots("orders")
    search = page.get_by_role("searchbox", name="Search orders")
    search.press_sequentially(order.buyer.email, delay=20)  # no Enter: the list follows the typing
    expect(page).to_have_url(re.compile(r"[?&]q=csr-hold-"))
    results = page.get_by_role("table", name="Orders, newest first")
    expect(results.get_by_role("link")).to_have_count(1)
    expect(results.get_by_role("link", name=order.number)).to_be_visible()
    expect(results.get_by_text(order.buyer.email)).to_be_visible()
    shots("found by email")
    results.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    head = _order_head(page)
    expect(head.get_by_text("on hold", exact=True)).to_have_count(0)
    shots("order")

    page.get_by_text("Put on hold", exact=True).first.click()  # the disclosure's summary
    page.get_by_role("combobox", name="Reason").select_option(label="customer request")
    page.get_by_role("textbox", name="Note", exact=True).fill("Customer asked to wait for payday")
    shots("hold form")
    page.get_by_role("button", name="Put on hold", exact=True).last.click()
    expect(page.get_by_role("status")).to_have_text("The order is on hold.")
    expect(head.get_by_text("on hold", exact=True)).to_be_visible()
    holds = page.get_by_role("table", name="Holds on the order")
    expect(holds.get_by_text("Customer asked to wait for payday")).to_be_visible()
    shots("on hold")
    held = orders.get_order(order.id, uow=live.uow())
    assert held.on_hold
    assert [h.reason for h in held.open_holds] == [orders.HoldReason.CUSTOMER_REQUEST]
    assert held.open_holds[0].note == "Customer asked to wait for payday"

    page.get_by_role("textbox", name="Release note").fill("Paid, go ahead")
    page.get_by_role("button", name="Release hold").click()
    expect(page.get_by_role("status")).to_have_text("The hold is released.")
    expect(head.get_by_text("on hold", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Release hold")).to_have_count(0)
    shots("released")
    released = orders.get_order(order.id, uow=live.uow())
    assert not released.on_hold
    assert released.open_holds == ()


def test_a_csr_edits_an_order_through_the_money_preview(
    page: Page, live: Live, shots: Shots, csp_errors: list[str]
) -> None:
    order = _fresh_order(live, "edit", (("NW-TSH-BLA-M", 3), ("NW-CAP-BLA", 1)))
    tshirt = next(line for line in order.lines if line.sku == "NW-TSH-BLA-M")
    log_in(page, live, "csr")
    page.goto(f"{live.url}/console/orders/{order.number}")
    shots("order")
    page.get_by_role("button", name="Edit order").click()
    expect(page.get_by_role("heading", name=f"Edit order · {order.number}")).to_be_visible()
    quantity = page.get_by_label("New quantity of NW-TSH-BLA-M")
    expect(quantity).to_have_value("3")
    shots("edit form")

    # refused: an unknown SKU to add; the message sits next to it and the typed value stays
    unknown = page.get_by_label("SKU to add (row 1)")
    unknown.fill("NW-NO-SUCH-SKU")
    page.get_by_role("button", name="Preview the change").click()
    expect(unknown).to_have_value("NW-NO-SUCH-SKU")
    expect(unknown).to_have_attribute("aria-invalid", "true")
    expect(unknown).to_have_accessible_description(re.compile(r"NW-NO-SUCH-SKU|unknown|not"))
    expect(page.get_by_role("button", name="Confirm the change")).to_have_count(0)
    shots("unknown sku refused")
    assert orders.get_order(order.id, uow=live.uow()).version == order.version

    unknown.fill("")
    quantity.fill("1")
    page.get_by_role("button", name="Preview the change").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_role("status")).to_contain_text("The order would cost")
    expect(preview.get_by_role("status")).to_contain_text("less")
    totals = preview.get_by_role("table", name="Totals")
    after_total = _row(totals, "Total")
    expect(after_total).to_contain_text(_euros(order.totals.total))  # the "Now" column
    difference = _row(totals, "Difference")
    expect(difference).to_contain_text("-€")
    lines_after = preview.get_by_role("table", name="Lines after the change")
    expect(_row(lines_after, "NW-TSH-BLA-M").get_by_role("cell")).to_have_text(
        [re.compile("^Organic Cotton T-Shirt"), "3", "1", "€24.95", re.compile(r"€24\.95")]
    )
    shots("preview")
    shown_after = after_total.inner_text()
    shown_difference = difference.inner_text()

    preview.get_by_role("button", name="Confirm the change").click()
    expect(page).to_have_url(re.compile(rf"/console/orders/{order.number}\?done=edited$"))
    expect(page.get_by_role("status")).to_have_text("The change is confirmed.")
    shots("edited")
    edited = orders.get_order(order.id, uow=live.uow())
    assert next(li for li in edited.lines if li.id == tshirt.id).billed_quantity == 1
    assert edited.totals.total.amount < order.totals.total.amount
    assert _euros(edited.totals.total) in shown_after
    change = edited.totals.total - order.totals.total
    assert _euros(change) in shown_difference
    expect(_row(page.get_by_role("table", name="Order totals"), "Total")).to_contain_text(
        _euros(edited.totals.total)
    )


def test_a_csr_refunds_part_of_a_paid_order_within_their_limit(
    page: Page, live: Live, shots: Shots, csp_errors: list[str]
) -> None:
    order = _fresh_order(live, "refund", (("NW-HOD-NAV-M", 2),))
    total = order.totals.total
    assert total.amount > 80  # room for a refund above the csr's 50.00 limit
    figures = payments.order_payments(order.id, uow=live.uow())
    assert figures.captured == total
    assert figures.refunded.amount == 0
    log_in(page, live, "csr")
    page.goto(f"{live.url}/console/orders/{order.number}")
    shots("order")
    page.get_by_role("button", name="Goodwill refund").click()
    expect(page.get_by_role("heading", name=f"Goodwill refund · {order.number}")).to_be_visible()
    expect(_row(page, "Captured").first).to_contain_text(_euros(total))
    expect(_row(page, "Your limit per refund")).to_contain_text("€50.00")
    shots("refund form")

    amount = page.get_by_label("Amount (EUR)")
    amount.fill("12.50")
    page.get_by_role("combobox", name="Reason").select_option(label="The parcel arrived late")
    page.get_by_label("Note for the team (not sent to the customer)").fill("Late by a week")
    page.get_by_role("button", name="Refund this amount").click()
    expect(page.get_by_role("status")).to_have_text("The refund is done.")
    expect(_row(page, "Refunded already")).to_contain_text("€12.50")
    refunds = page.get_by_role("region", name="Goodwill refunds of this order")
    expect(refunds.get_by_role("row").filter(has_text="€12.50")).to_contain_text("late")
    shots("refunded")
    after = payments.order_payments(order.id, uow=live.uow())
    assert after.refunded == Money.of("12.50", "EUR")
    assert after.conceded == Money.of("12.50", "EUR")

    amount = page.get_by_label("Amount (EUR)")
    amount.fill("60.00")
    page.get_by_role("combobox", name="Reason").select_option(label="A gesture of goodwill")
    page.get_by_role("button", name="Refund this amount").click()
    expect(amount).to_have_value("60.00")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_accessible_description(
        "a csr may refund up to 50.00 EUR at once; 60.00 EUR needs finance or an admin"
    )
    shots("above the limit refused")
    refused = payments.order_payments(order.id, uow=live.uow())
    assert refused.refunded == Money.of("12.50", "EUR")
