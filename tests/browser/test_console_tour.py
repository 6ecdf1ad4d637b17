"""A tour of every console page (GET only, nothing submitted), screenshotted and checked with
axe: as admin in English, then the pages a German-speaking csr sees, in German.

The pages come from the app's own routes; the ids in them are real ones found through the
services. Records: the tour delivers and returns its own order (a T-shirt for the demo's German
buyer, placed, paid, shipped and delivered through ``oms.app.demo.returns``' helpers, then a
return asked for through the returns service) and only looks at demo records otherwise.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import APIRouter
from playwright.sync_api import Page, expect

from oms import auth, customers, orders
from oms.app import tasks
from oms.app.demo import CUSTOMER_COUNT, people
from oms.app.demo import returns as demo_returns
from oms.fulfilment.repository.fulfilment_orders import FULFILMENT_ORDERS
from oms.notifications.services.webhooks.endpoints import list_webhooks
from oms.orders.pricing.services.configuration import list_shipping_zones
from oms.payments.settlements.services.runs import list_reconciliations
from oms.returns.domain.eligibility import AskedLine
from oms.returns.domain.errors import ReturnRefused
from oms.returns.domain.returns import ReturnReason
from oms.returns.services import requests
from oms.shared.clock import FixedClock, SystemClock
from tests.browser.conftest import PASSWORD, Live, Shots, log_in

NOT_PAGES = {
    "/console/login": "the session's own test shows it; a logged-in user is sent on",
    "/console/orders/{number}/invoices/{invoice_id}.pdf": "a PDF",
    "/console/customers/{customer_id}/export": "a JSON download",
    "/console/returns/{return_id}/label": "a PDF",
}


def console_routes() -> list[str]:
    """Every GET path of the console, as the app mounts it."""
    from oms.console.pages import ROUTERS

    def walk(router: APIRouter, prefix: str = "") -> Iterator[str]:
        for route in router.routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                yield from walk(inner, prefix + route.include_context.prefix)  # type: ignore[attr-defined]
            elif "GET" in (getattr(route, "methods", None) or ()):
                yield prefix + route.path  # type: ignore[attr-defined]

    paths = [path for router in ROUTERS for path in walk(router)]
    return [path for path in dict.fromkeys(paths) if path.startswith("/console")]


@dataclass(frozen=True)
class Records:
    number: str
    open_number: str
    email: str
    customer_id: uuid.UUID
    fo_id: uuid.UUID
    location: str
    return_id: uuid.UUID
    zone: str
    run_id: uuid.UUID | None
    webhook_id: uuid.UUID | None


_made: dict[str, Records] = {}


def tour_records(live: Live) -> Records:
    """The tour's own delivered order with a return (made once per served database)."""
    if live.backend in _made:
        return _made[live.backend]
    engine = live.engine
    buyer = demo_returns.buyer_of(people.customers(CUSTOMER_COUNT, 42))
    now = SystemClock().now()
    placed = now - timedelta(days=4)
    order = demo_returns._place_and_pay(engine, buyer, (("NW-TSH-BLA-S", 1),), at=placed)
    tasks.relay(engine, FixedClock(placed)).drain()
    for _ in range(300):  # the server's relay may be the one handing it to fulfilment
        with live.uow().read() as tx:
            if any(fo.open_units for fo in tx.repo(FULFILMENT_ORDERS).for_order(order.id)):
                break
        time.sleep(0.2)
    shipped = demo_returns._ship(engine, order, at=now - timedelta(days=3))
    demo_returns._deliver(engine, shipped, at=now - timedelta(days=2))
    tasks.relay(engine).drain()
    uow = live.uow()
    order = orders.get_order(order.id, uow=uow)
    asked = requests.RequestCustomerReturn(
        number=order.number,
        email=buyer.email,
        lines=(AskedLine(line_id=order.lines[0].id, quantity=1, reason=ReturnReason.WRONG_SIZE),),
    )
    # the server's own relay may be the one carrying the delivery to the returns, behind the
    # demo's backlog on a fresh server: wait for it (up to three minutes)
    for attempt in range(900):
        try:
            made = requests.request_customer_return(asked, uow=uow)
            break
        except ReturnRefused:
            if attempt == 899:
                raise
            time.sleep(0.2)
    # an order still open, for the edit page (a delivered one may no longer be edited)
    open_order = demo_returns._place_and_pay(engine, buyer, (("NW-CAP-BLA", 1),), at=now)
    with uow.read() as tx:
        (fo,) = tx.repo(FULFILMENT_ORDERS).for_order(order.id)
    (customer,) = customers.list_customers(uow=uow, email=buyer.email, limit=1)
    runs = list_reconciliations(uow=uow, limit=1)
    hooks = list_webhooks(uow=uow, after=None, limit=1)
    records = Records(
        number=order.number,
        open_number=open_order.number,
        email=buyer.email,
        customer_id=customer.id,
        fo_id=fo.id,
        location=fo.location,
        return_id=made.id,
        zone=list_shipping_zones(uow=uow, limit=1)[0].code,
        run_id=runs[0].id if runs else None,
        webhook_id=hooks[0].id if hooks else None,
    )
    _made[live.backend] = records
    return records


def concrete(route: str, records: Records) -> str | None:
    """The route with real ids; None when the database holds no record for it."""
    values = {
        "number": records.open_number if route.endswith("/edit") else records.number,
        "customer_id": records.customer_id,
        "sku": "NW-TSH-BLA-S",
        "fo_id": records.fo_id,
        "location": records.location,
        "return_id": records.return_id,
        "run_id": records.run_id,
        "code": records.zone if "shipping-zones" in route else "web",
        "webhook_id": records.webhook_id,
    }
    needed = {name for name in values if "{" + name + "}" in route}
    if any(values[name] is None for name in needed):
        return None
    return route.format(**{name: values[name] for name in needed})


def visit(page: Page, shots: Shots, path: str, what: str, live: Live) -> None:
    response = page.goto(live.url + path)
    assert response is not None
    assert response.status < 400, f"{path} answered {response.status}"
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    shots(what)


def test_every_console_page_as_admin(
    page: Page, live: Live, shots: Shots, csp_errors: list[str]
) -> None:
    records = tour_records(live)
    routes = console_routes()
    tour: list[tuple[str, str]] = []
    for route in routes:
        if route in NOT_PAGES:
            continue
        path = concrete(route, records)
        if path is None:
            continue  # no such record in the demo (a reconciliation run, a webhook)
        what = route.removeprefix("/console").strip("/") or "dashboard"
        tour.append((path, what.replace("{", "").replace("}", "")))
        if route == "/console/inventory":
            tour.append((path + "?low=true", "inventory low stock"))
        if route == "/console/customers":
            tour.append((path + "?q=" + records.email.split("@")[0], "customers search"))
            tour.append((path + "?clv_min=100&churn_min=0", "customers by value and churn"))
    shown = {route for route in routes if route not in NOT_PAGES}
    assert len(tour) >= len(shown) - 2, "a console page has no real record to show"
    log_in(page, live, "admin")
    for path, what in tour:
        visit(page, shots, path, what, live)
    # the erase page asks; the tour leaves it unconfirmed
    page.goto(live.url + f"/console/customers/{records.customer_id}/erase")
    expect(page.get_by_role("button", name="Erase personal data")).to_be_visible()


@pytest.fixture
def german_csr(live: Live) -> str:
    email = f"csr-de-{uuid.uuid4().hex[:8]}@browser.example"
    auth.create_staff_user(
        auth.CreateStaffUser(email=email, role=auth.Role.CSR, password=PASSWORD, locale="de"),
        uow=live.uow(),
    )
    return email


def test_the_console_in_german_for_a_csr(
    page: Page, live: Live, shots: Shots, csp_errors: list[str], german_csr: str
) -> None:
    records = tour_records(live)
    live.emails["csr-de"] = german_csr
    log_in(page, live, "csr-de")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.wait_for_load_state("load")
    links = page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link")
    expect(links.first).to_be_visible()
    desks = [
        href
        for href in (link.get_attribute("href") or "" for link in links.all())
        if href.startswith("/console")
    ]
    assert len(desks) >= 5, desks
    tour = [
        *((path, "de " + (path.removeprefix("/console").strip("/") or "start")) for path in desks),
        (f"/console/orders/{records.number}", "de order"),
        (f"/console/orders/{records.open_number}/edit", "de order edit"),
        (f"/console/customers/{records.customer_id}", "de customer"),
        (f"/console/returns/{records.return_id}", "de return"),
        ("/console/password", "de password"),
    ]
    for path, what in dict.fromkeys(tour):
        visit(page, shots, path, what, live)
        expect(page.locator("html")).to_have_attribute("lang", "de")
    page.goto(live.url + f"/console/orders/{records.number}")
    expect(page.get_by_role("heading", name=f"Bestellung {records.number}")).to_be_visible()
