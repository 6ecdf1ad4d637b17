"""The fulfilment, returns and finance desks in a real browser: a warehouse user picks and ships
a fulfilment order from their queue, a return is approved and received with a disposition, and
finance reconciles the demo's settlement file (and is told when a file is not one).

Independence: the fulfilment and returns flows place their own orders (a fresh customer email
per flow and backend, a Hamburg address so wh-de ships them) through the services; the finance
flow is the only browser flow that uploads the demo's settlement file.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from oms import orders
from oms.app import tasks
from oms.app.demo import returns as demo_returns
from oms.app.demo.people import DemoCustomer
from oms.fulfilment.domain.lifecycle import FulfilmentOrderStatus
from oms.fulfilment.services import queues, workbench
from oms.payments.settlements import services as settlements
from oms.payments.settlements.domain.matching import ExceptionKind
from oms.payments.settlements.services.runs import list_reconciliations
from oms.returns import ReturnStatus, get_return
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.returns import Disposition, ReturnReason
from oms.returns.services.requests import RequestReturn, request_return
from oms.shared.address import Address
from tests.browser.conftest import Live, Shots, log_in
from tests.e2e.conftest import wait_for


def _buyer(flow: str) -> DemoCustomer:
    """A customer of this flow alone, living in Hamburg (wh-de is nearest)."""
    tag = uuid.uuid4().hex[:8]
    return DemoCustomer(
        email=f"{flow}-{tag}@browser.example",
        name=f"Desk {flow.title()} {tag}",
        phone=None,
        locale="de",
        marketing_consent=False,
        tags=(),
        notes="",
        addresses=(
            Address(
                name=f"Desk {flow.title()}",
                line1="Mönckebergstraße 7",
                city="Hamburg",
                postal_code="20095",
                country="DE",
            ),
        ),
    )


def _handed_to_fulfilment(live: Live, order: orders.Order) -> None:
    """Wait for the relay (ours, or the server's running beside it) to make the order's FOs."""

    def made() -> bool:
        tasks.relay(live.engine).drain()
        return bool(queues.order_fulfilment_orders(order.id, uow=live.uow()))

    assert wait_for(made, seconds=30), f"{order.number} got no fulfilment order"


def _paid_order(
    live: Live, flow: str, lines: tuple[tuple[str, int], ...], *, at: datetime | None = None
) -> orders.Order:
    """A fresh web order, paid and released, handed to fulfilment by the relay."""
    buyer = _buyer(flow)
    order = demo_returns._place_and_pay(live.engine, buyer, lines, at=at or live.uow().clock.now())
    _handed_to_fulfilment(live, order)
    return order


def test_the_warehouse_picks_and_ships_from_its_queue(
    page: Page, live: Live, shots: Shots, csp_errors: list[str]
) -> None:
    order = _paid_order(live, "ship", (("NW-TSH-WHI-L", 2),))
    found = queues.order_fulfilment_orders(order.id, uow=live.uow())
    assert [fo.location for fo in found] == ["wh-de"]
    fo = found[0]
    assert fo.status is FulfilmentOrderStatus.OPEN

    log_in(page, live, "warehouse")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Fulfilment").click()
    expect(page).to_have_url(re.compile(r"/console/fulfilment/wh-de$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fulfilment queue: Hamburg Distribution Centre"
    )
    shots("queue of wh-de")

    page.get_by_role("button", name="Pick list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pick list: Hamburg Distribution Centre"
    )
    expect(page.get_by_role("link", name=fo.number)).to_be_visible()
    shots("pick list")
    page.get_by_role("button", name="Back to the queue").click()

    page.get_by_label("Order number (pickup counter)").fill(order.number)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name=fo.number)).to_be_visible()
    shots("queue by order number")
    page.get_by_role("link", name=fo.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(fo.number)
    expect(page.get_by_text("Nothing shipped yet.")).to_be_visible()
    shots("fulfilment order open")

    page.get_by_role("button", name="Start picking").click()
    expect(page.get_by_role("status")).to_have_text("Picking started.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("in progress")
    shots("picking started")

    tracking_number = f"TRK{order.number.replace('-', '')}"
    page.get_by_role("combobox", name=re.compile(r"^Carrier")).select_option("generic")
    page.get_by_label("Weight (g)").fill("450")
    expect(page.get_by_label("NW-TSH-WHI-L: units (2 open)")).to_have_value("2")
    page.get_by_label("Tracking number (only when the label was made elsewhere").fill(
        tracking_number
    )
    page.get_by_role("button", name="Ship", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Shipped.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("shipped")
    shipments = page.get_by_role("region", name="Shipments")
    expect(shipments.get_by_text(tracking_number)).to_be_visible()
    expect(shipments.get_by_text("NW-TSH-WHI-L × 2")).to_be_visible()
    shots("shipped with tracking")

    shipped = queues.get_fulfilment_order(fo.id, uow=live.uow())
    assert shipped.status is FulfilmentOrderStatus.SHIPPED
    assert all(line.open == 0 and line.shipped == line.quantity for line in shipped.lines)
    sheet = workbench.fulfilment_order_sheet(fo.id, uow=live.uow(), location_scope=None)
    assert [(t.shipment.carrier, t.shipment.tracking_number) for t in sheet.shipments] == [
        ("generic", tracking_number)
    ]

    page.goto(f"{live.url}/console/fulfilment/wh-us")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^40[34] · "))
    shots("another location's queue")


def test_a_return_is_approved_then_received_and_restocked(
    page: Page, live: Live, shots: Shots, csp_errors: list[str]
) -> None:
    now = live.uow().clock.now()
    # delivered three days ago as the demo delivers its own (demo.returns' helpers)
    placed = _paid_order(live, "return", (("NW-HOD-GRE-L", 1),), at=now - timedelta(days=6))
    shipped = demo_returns._ship(live.engine, placed, at=now - timedelta(days=5))
    assert shipped, f"{placed.number} was not shipped"
    demo_returns._deliver(live.engine, shipped, at=now - timedelta(days=3))

    def delivered() -> bool:
        tasks.relay(live.engine).drain()
        found = orders.get_order(placed.id, uow=live.uow())
        return found.lines[0].delivered_quantity == 1

    assert wait_for(delivered, seconds=30), f"{placed.number} was not delivered"
    order = orders.get_order(placed.id, uow=live.uow())
    # "other" is the one reason the demo's web policy does not approve by itself
    asked = request_return(
        RequestReturn(
            order_id=order.id,
            lines=(AskedLine(line_id=order.lines[0].id, quantity=1, reason=ReturnReason.OTHER),),
            note="does not fit the style",
            actor="csr@browser.example",
        ),
        uow=live.uow(),
    )
    assert asked.status is ReturnStatus.REQUESTED

    log_in(page, live, "csr")
    page.goto(f"{live.url}/console/returns/{asked.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    shots("request to decide")
    page.get_by_role("button", name="Approve the return").click()
    expect(page.get_by_role("status")).to_contain_text("The return is approved")
    expect(page.get_by_role("heading", level=1)).to_contain_text("approved")
    shots("approved")

    approved = get_return(asked.id, uow=live.uow())
    assert approved.status is ReturnStatus.APPROVED
    assert approved.number
    expect(page.get_by_role("status")).to_contain_text(approved.number)
    receiver = "warehouse" if approved.receiving_location == "wh-de" else "admin"

    page.context.clear_cookies()
    log_in(page, live, receiver)
    page.goto(f"{live.url}/console/returns/{asked.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(approved.number)
    expect(page.get_by_label("Units of NW-HOD-GRE-L arriving now")).to_have_value("1")
    page.get_by_label("What becomes of NW-HOD-GRE-L").select_option("restock")
    shots("receipt form")
    page.get_by_role("button", name="Record the receipt").click()
    expect(page.get_by_role("status")).to_have_text(
        "Received and inspected: the stock moved by each line's disposition."
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("inspected")
    row = page.get_by_role("region", name="Lines").get_by_role("row", name=re.compile("NW-HOD"))
    expect(row).to_contain_text("Good: restock")
    shots("received and inspected")

    done = get_return(asked.id, uow=live.uow())
    assert done.status is ReturnStatus.INSPECTED
    assert [(x.received, x.inspected, x.disposition) for x in done.lines] == [
        (1, 1, Disposition.RESTOCK)
    ]


def test_finance_reconciles_the_settlement_file(
    page: Page, live: Live, shots: Shots, csp_errors: list[str], tmp_path
) -> None:
    assert live.summary.settlement_file is not None
    log_in(page, live, "finance")
    page.goto(f"{live.url}/console/finance")
    shots("finance")
    page.get_by_role("button", name="Reconcile a settlement file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reconciliation")
    shots("upload form")

    bad = tmp_path / "not-a-settlement.csv"
    bad.write_text("name,colour\nhoodie,grey\n")
    page.get_by_label("Settlement file (CSV)").set_input_files(bad)
    page.get_by_role("button", name="Reconcile the file").click()
    file_field = page.get_by_label("Settlement file (CSV)")
    expect(file_field).to_have_attribute("aria-invalid", "true")
    expect(
        page.get_by_text(re.compile(r"lacks the required columns .* — choose the file again"))
    ).to_be_visible()
    assert bad.name not in [run.file_name for run in list_reconciliations(uow=live.uow())]
    shots("not a settlement file")

    page.get_by_label("Settlement file (CSV)").set_input_files(live.summary.settlement_file)
    page.get_by_role("button", name="Reconcile the file").click()
    expect(page.get_by_role("status")).to_have_text("The file is reconciled.")
    mismatch = page.get_by_role("row").filter(has=page.get_by_text("amount mismatch", exact=True))
    expect(mismatch).to_have_count(1)
    link = mismatch.get_by_role("link")
    number = link.inner_text()
    shots("reconciled")

    run_id = uuid.UUID(re.search(r"/reconciliation/([0-9a-f-]{36})", page.url).group(1))
    found = settlements.list_exceptions(run_id, uow=live.uow(), after=None, limit=500)
    planted = [d for _, d in found if d.kind is ExceptionKind.AMOUNT_MISMATCH]
    assert len(planted) == 1
    assert planted[0].order_id is not None
    assert orders.get_order(planted[0].order_id, uow=live.uow()).number == number

    link.click()
    expect(page).to_have_url(re.compile(rf"/console/orders/{number}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    shots("the mismatched order")
