"""The orders desk on SQLite and PostgreSQL: the list searched as you type (number, external id,
name, email, phone) with the API's filters and the dashboard's (on hold by reason, failed
payments, backorders) and keyset paging; the order page with every context's part of the
order; and the simple acts through the page (hold, release, cancel units, note), each with the
API's permission, the staff user as the timeline's actor, errors next to the fields and the
typed values kept."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from oms import invoicing, orders, payments
from oms.app import demo
from oms.fulfilment.services import queues, tracking
from oms.platform.settings import Settings
from oms.platform.unit_of_work import UnitOfWork
from tests.console.conftest import ConsoleClient, StaffFor

ROW = re.compile(r'<th scope="row"><a href="/console/orders/([A-Z0-9-]+)">')


def listed(html: str) -> list[str]:
    """The order numbers of the list's rows, in order."""
    return ROW.findall(html)


def every_order(uow: UnitOfWork) -> list[orders.Order]:
    return orders.list_orders(orders.OrderFilter(), uow=uow, after=None, limit=500)


def next_link(html: str) -> str:
    found = re.search(r'<a href="([^"]+)" rel="next"', html)
    assert found, "the page has no next link"
    return found.group(1).replace("&amp;", "&")


def timeline(uow: UnitOfWork, order: orders.Order) -> list[orders.TimelineEntry]:
    entries = orders.services.order_timeline(order.id, uow=uow, after=None, limit=1000)
    return [entry for _, entry in entries]


def test_the_list_finds_orders_as_you_type_newest_first_page_by_page(
    staff_for: StaffFor, demo_merchant: demo.Summary, uow: UnitOfWork
) -> None:
    everything = every_order(uow)
    csr = staff_for("csr")

    first = csr.get("/console/orders")
    assert first.status_code == 200
    assert listed(first.text) == [o.number for o in everything[:50]]
    second = csr.get(next_link(first.text))
    assert listed(second.text) == [o.number for o in everything[50:100]]
    assert 'rel="next"' not in second.text

    order = next(o for o in everything if o.buyer.phone)
    fragment = csr.htmx(f"/console/orders?q={order.number.lower()}")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert listed(fragment.text) == [order.number]

    by_email = [o.number for o in everything if o.buyer.email == order.buyer.email]
    assert listed(csr.htmx(f"/console/orders?q={order.buyer.email.upper()}").text) == by_email
    last_name = order.buyer.name.split()[-1]
    assert order.number in listed(csr.htmx("/console/orders", params={"q": last_name}).text)
    digits = order.buyer.phone[-7:] if order.buyer.phone else ""
    assert order.number in listed(csr.htmx("/console/orders", params={"q": digits}).text)

    marketplace = next(o for o in everything if o.external_id)
    found = csr.htmx("/console/orders", params={"q": marketplace.external_id})
    assert listed(found.text) == [marketplace.number]

    nothing = csr.htmx("/console/orders?q=nobody-at-all")
    assert listed(nothing.text) == []
    assert "No order matches." in nothing.text


def test_the_list_filters_as_the_api_and_as_the_dashboard_links(
    staff_for: StaffFor, demo_merchant: demo.Summary, uow: UnitOfWork
) -> None:
    everything = every_order(uow)
    csr = staff_for("csr")

    def numbers(query: str) -> list[str]:
        answer = csr.get("/console/orders?" + query)
        assert answer.status_code == 200, answer.text
        return listed(answer.text)

    held = [
        o.number for o in everything if any(h.reason.value == "fraud_review" for h in o.open_holds)
    ]
    assert held
    assert numbers("on_hold=true&hold_reason=fraud_review") == held
    assert numbers("hold_reason=address") == []
    assert numbers("on_hold=true") == [o.number for o in everything if o.on_hold]

    waiting = [o.number for o in everything if any(ln.backordered_quantity for ln in o.lines)]
    assert waiting
    assert numbers("backordered=true") == waiting
    assert numbers("backordered=false&status=cancelled") == [
        o.number
        for o in everything
        if o.status.value == "cancelled" and not any(ln.backordered_quantity for ln in o.lines)
    ]
    assert (
        numbers("payment=paid&channel=marketplace")
        == [
            o.number
            for o in everything
            if o.payment_status.value == "paid" and o.channel == "marketplace"
        ][:50]
    )
    day = everything[-1].placed_at.date().isoformat()
    assert (
        numbers(f"placed_from={day}&placed_to={day}")
        == [o.number for o in everything if o.placed_at.date().isoformat() == day][:50]
    )

    assert numbers("payment=failed") == []
    unpaid = next(
        o
        for o in everything
        if o.status.value != "cancelled" and o.payment_status.value == "unpaid"
    )
    providers = payments.build_providers(Settings(), uow)
    for waiting_tender in payments.list_payments(unpaid.id, uow=uow):
        payments.void_payment(waiting_tender.id, actor="test", uow=uow, providers=providers)
    refused = payments.add_tender(  # the buyer has no store credit: the tender fails
        payments.AddTender(
            order_id=unpaid.id, provider=payments.ProviderName.STORE_CREDIT, actor="test"
        ),
        uow=uow,
        providers=providers,
    )
    assert refused.status is payments.TenderStatus.FAILED
    assert numbers("payment=failed") == [unpaid.number]

    wrong = csr.get("/console/orders?q=anna&status=lost&placed_from=yesterday")
    assert wrong.status_code == 422
    assert re.search(r'id="f-status" name="status" aria-invalid="true"', wrong.text)
    assert 'id="e-status" class="error">status is not one of the choices' in wrong.text
    assert 'value="anna"' in wrong.text


def test_without_contact_rights_no_email_or_phone_is_shown_or_searched(
    staff_for: StaffFor, demo_merchant: demo.Summary, uow: UnitOfWork
) -> None:
    order = next(o for o in every_order(uow) if o.buyer.phone)
    warehouse = staff_for("warehouse")
    assert listed(warehouse.get("/console/orders", params={"q": order.buyer.email}).text) == []
    digits = order.buyer.phone[-7:] if order.buyer.phone else ""
    assert order.number not in listed(warehouse.get("/console/orders", params={"q": digits}).text)
    by_name = warehouse.get("/console/orders", params={"q": order.buyer.name})
    assert order.number in listed(by_name.text)
    assert order.buyer.email not in by_name.text
    page = warehouse.get(f"/console/orders/{order.number}")
    assert page.status_code == 200
    assert order.buyer.name in page.text
    assert order.buyer.email not in page.text
    assert "Payments" not in page.text  # warehouse staff lack payments:read
    assert 'action="/console/orders/' not in page.text  # and every act of the desk

    assert staff_for("marketing").get("/console/orders").status_code == 403


def the_richest(uow: UnitOfWork) -> orders.Order:
    """A delivered order with a shipment, an invoice and mail (the demo's returnable ones)."""
    return next(o for o in every_order(uow) if o.fulfilment_status.value == "delivered")


def test_the_order_page_shows_every_part_of_the_order(
    staff_for: StaffFor, demo_merchant: demo.Summary, uow: UnitOfWork
) -> None:
    order = the_richest(uow)
    csr = staff_for("csr")
    page = csr.get(f"/console/orders/{order.number.lower()}")
    assert page.status_code == 200
    html = page.text
    assert f"<h1>Order {order.number}</h1>" in html
    assert order.buyer.email in html
    for line in order.lines:
        assert f'<th scope="row">{line.sku}</th>' in html
    assert "€" in html
    assert "Balance due" in html

    paid = payments.list_payments(order.id, uow=uow)
    for payment in paid:
        for transaction in payment.transactions:
            assert transaction.kind.value in html
    for fo in queues.order_fulfilment_orders(order.id, uow=uow):
        assert f'href="/console/fulfilment/orders/{fo.id}"' in html
    for shipment in tracking.order_shipments(order.id, uow=uow):
        assert shipment.tracking_number is None or shipment.tracking_number in html
    decisions = orders.sourcing_decisions(order.id, uow=uow)
    assert decisions
    assert decisions[0].summary in html

    documents = invoicing.order_documents(order.id, uow=uow)
    assert documents
    link = f"/console/orders/{order.number}/invoices/{documents[0].id}.pdf"
    assert f'href="{link}"' in html
    pdf = csr.get(link)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    other = next(o for o in every_order(uow) if o.id != order.id)
    assert (
        csr.get(f"/console/orders/{other.number}/invoices/{documents[0].id}.pdf").status_code == 404
    )

    assert "/notifications/" in html
    assert "/resend" in html
    assert f'href="/console/orders/{order.number}/edit"' in html
    assert f'href="/console/orders/{order.number}/refund"' in html
    assert f'href="/console/orders/{order.number}/return"' in html
    for entry in timeline(uow, order):
        assert entry.kind.replace("_", " ") in html

    by_id = csr.get(f"/console/orders/{order.id}")
    assert by_id.status_code == 200
    assert f"<h1>Order {order.number}</h1>" in by_id.text
    missing = csr.get("/console/orders/SO-99999")
    assert missing.status_code == 404
    assert "SO-99999" in missing.text

    finance = staff_for("finance")  # reads orders, holds them; no edit, no return, no resend
    seen = finance.get(f"/console/orders/{order.number}").text
    assert "/hold" in seen or order.status.value in ("completed", "cancelled")
    base = f"/console/orders/{order.number}"
    assert f"{base}/edit" not in seen
    assert f"{base}/return" not in seen
    assert "/resend" not in seen
    assert f"{base}/refund" in seen  # finance refunds


def pending_order(uow: UnitOfWork) -> orders.Order:
    return next(
        o
        for o in every_order(uow)
        if o.status.value in ("pending", "confirmed")
        and not o.on_hold
        and sum(line.open_quantity for line in o.lines) >= 2
    )


def acts(client: ConsoleClient, order: orders.Order, what: str, data: dict[str, str]) -> str:
    answer = client.post(f"/console/orders/{order.number}/{what}", data)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_holding_releasing_cancelling_and_noting_through_the_page(
    staff_for: StaffFor, demo_merchant: demo.Summary, uow: UnitOfWork
) -> None:
    order = pending_order(uow)
    csr = staff_for("csr")
    actor = f"staff:{csr.user.id}"

    refused = csr.post(f"/console/orders/{order.number}/hold", {"hold_note": "called twice"})
    assert refused.status_code == 422
    assert 'id="e-reason" class="error">choose why the order is held' in refused.text
    assert "called twice</textarea>" in refused.text

    where = acts(csr, order, "hold", {"reason": "customer_request", "hold_note": "on holiday"})
    assert urlsplit(where).path == f"/console/orders/{order.number}"
    assert parse_qs(urlsplit(where).query) == {"done": ["held"]}
    assert "The order is on hold." in csr.get(where).text
    held = orders.get_order(order.id, uow=uow)
    (hold,) = held.open_holds
    assert (hold.reason.value, hold.note, hold.placed_by) == (
        "customer_request",
        "on holiday",
        actor,
    )
    assert csr.get("/console/orders?on_hold=true&hold_reason=customer_request").text.count(
        order.number
    )

    acts(csr, order, "release", {"hold_id": str(hold.id), "release_note": "back home"})
    released = orders.get_order(order.id, uow=uow)
    assert not released.on_hold
    assert released.holds[-1].released_by == actor

    line = next(line for line in released.lines if line.open_quantity)
    too_many = csr.post(
        f"/console/orders/{order.number}/cancel",
        {f"qty-{line.id}": str(line.open_quantity + 1), "cancel_reason": "asked by phone"},
    )
    assert too_many.status_code == 422
    assert f'id="e-qty-{line.id}" class="error">between 0 and {line.open_quantity}' in too_many.text
    assert f'value="{line.open_quantity + 1}"' in too_many.text
    assert 'value="asked by phone"' in too_many.text
    nothing = csr.post(f"/console/orders/{order.number}/cancel", {"cancel_reason": "oops"})
    assert nothing.status_code == 422
    assert 'id="e-whole" class="error">' in nothing.text

    acts(csr, order, "cancel", {f"qty-{line.id}": "1", "cancel_reason": "asked by phone"})
    cancelled = orders.get_order(order.id, uow=uow)
    assert cancelled.line(line.id).cancelled_quantity == line.cancelled_quantity + 1
    last = timeline(uow, order)[-1]
    assert (last.kind, last.actor) == ("lines_cancelled", actor)
    assert last.summary.endswith(": asked by phone")

    empty = csr.post(f"/console/orders/{order.number}/notes", {"note": "  "})
    assert empty.status_code == 422
    assert 'id="e-note" class="error">write the note' in empty.text
    acts(csr, order, "notes", {"note": "Promised a call back on Monday"})
    note = timeline(uow, order)[-1]
    assert (note.kind, note.summary, note.actor) == (
        "note",
        "Promised a call back on Monday",
        actor,
    )
    page = csr.get(f"/console/orders/{order.number}").text
    assert "Promised a call back on Monday" in page
    name = csr.user.name or csr.user.email
    assert f"note · {name}</small>" in page, "the timeline names the staff user"
    assert actor not in page

    acts(csr, order, "cancel", {"whole": "yes", "cancel_reason": "customer changed their mind"})
    assert orders.get_order(order.id, uow=uow).status.value == "cancelled"

    finance = staff_for("finance")
    assert (
        finance.post(f"/console/orders/{order.number}/cancel", {"whole": "yes"}).status_code == 403
    )
    assert finance.post(f"/console/orders/{order.number}/notes", {"note": "x"}).status_code == 403
    warehouse = staff_for("warehouse")
    assert (
        warehouse.post(f"/console/orders/{order.number}/hold", {"reason": "manual"}).status_code
        == 403
    )
    assert (
        csr.post(
            f"/console/orders/{order.number}/hold", {"reason": "manual"}, csrf=False
        ).status_code
        == 403
    )
    assert csr.post("/console/orders/SO-99999/notes", {"note": "x"}).status_code == 404
