"""The customer's pages at /track on SQLite and PostgreSQL: an order looked up by number and
email (a wrong pair answers alike, the lookup API's budgets run out into a 429 page), its page
behind a signed link only (status, items, parcels with their tracking, invoices as PDF), a
return asked for and followed, the policy's refusal, the page in German with money and dates
by Babel, and the channel's brand."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from oms import channels, orders
from oms.app import tasks
from oms.platform.unit_of_work import UnitOfWork
from oms.returns.services import customer
from oms.shared.clock import FixedClock
from tests.integration.test_fulfilment_shipping import open_shop, place
from tests.integration.test_fulfilment_tracking import DAY1, DAY2, event, shipped_order

EMAIL = "ada@example.com"
LINK = re.compile(r"^/track/(SO-\d+)\?t=([0-9a-f]{32}\.\d+\.[A-Za-z0-9_-]+)")


@pytest.fixture
def shopper(app: FastAPI) -> Iterator[TestClient]:
    """A customer's shopper: cookies kept, redirects read by the test."""
    with TestClient(
        app, base_url="https://testserver", follow_redirects=False, raise_server_exceptions=False
    ) as client:
        yield client


def delivered_order(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], **shop: Any
) -> orders.Order:
    """Two T-shirts paid, shipped in two parcels, both delivered with their tracking; the
    invoice issued on capture."""
    order, parcels = shipped_order(engine, uow, client, admin, paid=True)
    for parcel in parcels:
        assert event(client, admin, parcel, "in_transit", f"{DAY1}T18:00:00+01:00").is_success
        assert event(client, admin, parcel, "delivered", f"{DAY2}T10:00:00+01:00").is_success
    tasks.relay(engine).drain()
    return orders.get_order(order.id, uow=uow)


def look_up(shopper: TestClient, number: str, email: str = EMAIL, lang: str = "") -> Any:
    path = "/track" + (f"?lang={lang}" if lang else "")
    return shopper.post(path, data={"number": number, "email": email})


def open_order(
    shopper: TestClient, order: orders.Order, lang: str = "", **headers: Any
) -> tuple[str, str]:
    """Look the order up; the page's path with its signed link, and the page's HTML."""
    found = look_up(shopper, order.number.lower(), EMAIL.upper(), lang)
    assert found.status_code == 303, found.text
    link = found.headers["location"]
    assert LINK.match(link), link
    page = shopper.get(link, **headers)
    assert page.status_code == 200, page.text
    return link, page.text


def test_a_looked_up_order_shows_its_status_items_parcels_tracking_and_invoice(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], shopper: TestClient
) -> None:
    order = delivered_order(engine, uow, client, admin)
    form = shopper.get("/track")
    assert form.status_code == 200
    assert 'name="number"' in form.text
    assert 'name="email"' in form.text

    link, html = open_order(shopper, order)

    assert f"Order {order.number}" in html
    assert "Completed" in html
    assert "Delivered" in html
    assert "Channel web" in html  # no brand set: the channel's name
    line = order.lines[0]
    assert line.name in html
    assert line.sku in html
    assert "€40.00" in html  # 2 × €20.00, English money
    assert f"{order.number}-F1-1" in html
    assert f"{order.number}-F1-2" in html
    assert "Tracking history" in html
    assert "In transit" in html
    assert "Hamburg" in html
    invoice = re.search(r'href="(/track/[^"]+/invoices/[^"]+)"', html)
    assert invoice, "the page links the invoice"
    pdf = shopper.get(invoice.group(1).replace("&amp;", "&"))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    bare = shopper.get(f"/track/{order.number}")
    forged = shopper.get(link[:-3] + "abc")
    other = shopper.get(link.replace(order.number, "SO-99999"))
    for refused in (bare, forged, other):
        assert refused.status_code == 404
        assert "This link has expired" in refused.text
        assert line.name not in refused.text
    pdf_without = shopper.get(invoice.group(1).split("?")[0])
    assert pdf_without.status_code == 404


def test_a_wrong_number_or_email_answers_alike_and_the_lookup_budget_runs_out(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], shopper: TestClient
) -> None:
    order = delivered_order(engine, uow, client, admin)
    wrong_email = look_up(shopper, order.number, "eve@example.com")
    wrong_number = look_up(shopper, "SO-99999", EMAIL)
    for answer in (wrong_email, wrong_number):
        assert answer.status_code == 404
        assert "We could not find an order with that number and email" in answer.text
    assert 'value="eve@example.com"' in wrong_email.text  # what was typed stays
    blank = shopper.post("/track", data={"number": "", "email": EMAIL})
    assert blank.status_code == 422
    assert 'aria-invalid="true" aria-describedby="e-number"' in blank.text

    for _ in range(9):  # the number's budget is 10 per 10 minutes, shared with the API
        look_up(shopper, order.number, "eve@example.com")
    api = client.get("/v1/orders/lookup", params={"number": order.number, "email": EMAIL})
    throttled = look_up(shopper, order.number, EMAIL)

    assert api.status_code == 429  # the API's 11th try on this number
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.text
    assert int(throttled.headers["Retry-After"]) >= 1
    assert EMAIL not in throttled.headers.get("location", "")


def test_a_customer_asks_for_a_return_and_follows_its_progress(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], shopper: TestClient
) -> None:
    order = delivered_order(engine, uow, client, admin)
    link, html = open_order(shopper, order)
    number, token = LINK.match(link).groups()  # type: ignore[union-attr]
    assert f"/track/{number}/return?t={token}" in html
    line = order.lines[0]
    form = shopper.get(f"/track/{number}/return?t={token}")
    assert form.status_code == 200
    assert f'name="quantity.{line.id}"' in form.text
    assert "within 30 days of delivery" in form.text

    unreasoned = shopper.post(
        f"/track/{number}/return?t={token}",
        data={f"quantity.{line.id}": "1", f"reason.{line.id}": "", "resolution": "refund"},
    )
    assert unreasoned.status_code == 422
    assert "Choose why you return it." in unreasoned.text
    assert 'value="1" selected' in unreasoned.text
    nothing = shopper.post(f"/track/{number}/return?t={token}", data={"resolution": "refund"})
    assert nothing.status_code == 422
    assert "Choose at least one item to return." in nothing.text

    asked = shopper.post(
        f"/track/{number}/return?t={token}",
        data={
            f"quantity.{line.id}": "1",
            f"reason.{line.id}": "wrong_size",
            "resolution": "store_credit",
            "note": "Too small",
        },
    )

    assert asked.status_code == 303, asked.text
    assert asked.headers["location"].startswith(f"/track/{number}?t={token}&done=return")
    (made,) = customer.order_returns(order, uow=uow)
    assert (made.status.value, made.source.value, made.created_by) == (
        "requested",
        "customer",
        "customer",
    )
    assert [(x.sku, x.quantity, x.reason.value) for x in made.lines] == [
        (line.sku, 1, "wrong_size")
    ]
    assert made.note == "Customer prefers: store credit\nToo small"
    assert orders.get_order(order.id, uow=uow).lines[0].return_requested_quantity == 1
    followed = shopper.get(asked.headers["location"])
    assert "Your return request has been sent" in followed.text
    assert "Requested, waiting for approval" in followed.text
    assert 'aria-current="step"' in followed.text
    assert "Wrong size" in followed.text


def test_a_return_the_policy_does_not_allow_is_refused_with_the_policys_reason(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], shopper: TestClient
) -> None:
    order = delivered_order(engine, uow, client, admin)
    closed = client.put(
        "/v1/channels/web/return-policy",
        json={"products": {order.lines[0].sku: {"returnable": False}}},
        headers=admin,
    )
    assert closed.status_code == 200, closed.text
    link, html = open_order(shopper, order)
    number, token = LINK.match(link).groups()  # type: ignore[union-attr]
    assert "Nothing from this order can be returned at the moment." in html
    form = shopper.get(f"/track/{number}/return?t={token}")
    assert "Cannot be returned: TS-1 cannot be returned" in form.text
    line = order.lines[0]

    refused = shopper.post(
        f"/track/{number}/return?t={token}",
        data={f"quantity.{line.id}": "1", f"reason.{line.id}": "damaged", "resolution": "refund"},
    )

    assert refused.status_code == 422
    assert "TS-1 cannot be returned" in refused.text
    assert customer.order_returns(order, uow=uow) == []


def test_the_page_speaks_german_with_german_money_and_keeps_the_choice(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], shopper: TestClient
) -> None:
    order = delivered_order(engine, uow, client, admin)
    link, html = open_order(shopper, order, lang="de")
    assert 'lang="de"' in html
    assert "40,00\xa0€" in html
    assert "Bestellung" in html
    assert "Sendungsverlauf" in html
    assert f'name="t" value="{LINK.match(link).group(2)}"' in html  # type: ignore[union-attr]
    english = shopper.get(link + "&lang=en")
    assert "€40.00" in english.text
    assert 'lang="en"' in english.text
    kept = shopper.get(link)
    assert 'lang="en"' in kept.text  # the last choice stays (cookie on /track)


def test_an_order_of_a_german_channel_reads_german_and_shows_when_it_will_leave(
    engine: Engine, uow: UnitOfWork, shopper: TestClient
) -> None:
    open_shop(uow, default_locale="de-DE")
    order = place(uow, ("TS-1", 1))
    tasks.relay(engine).drain()  # fulfilment takes the order: its promise is known

    _, html = open_order(shopper, order, headers={"Accept-Language": "en-GB"})

    assert 'lang="de"' in html
    assert "Bestellung" in html
    assert "Wartet auf Bearbeitung" in html
    assert "Voraussichtlicher Versand: bis" in html
    assert "20,00\xa0€" in html
    assert "Unterwegs zu Ihnen" not in html  # nothing shipped yet


def test_the_channels_brand_names_and_colours_the_page(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], shopper: TestClient
) -> None:
    order = delivered_order(engine, uow, client, admin)
    channels.set_brand(
        channels.SetBrand(
            code="web",
            name="Nordlicht",
            logo_url="https://cdn.example/logo.svg",
            primary_colour="#0a7d5a",
            accent_colour="#ffcc00",
        ),
        uow=uow,
    )
    _, html = open_order(shopper, order)
    assert '<img src="https://cdn.example/logo.svg" alt="Nordlicht" class="logo">' in html
    assert "--pico-primary: #0a7d5a" in html
    assert "--brand-accent: #ffcc00" in html
    assert "· Nordlicht</title>" in html


def test_a_return_the_policy_approves_at_once_shows_its_rma_and_label(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], shopper: TestClient
) -> None:
    order = delivered_order(engine, uow, client, admin)
    policy = {"auto_approve": True, "return_shipping_paid_by": "merchant"}
    assert client.put("/v1/channels/web/return-policy", json=policy, headers=admin).is_success
    link, _ = open_order(shopper, order)
    number, token = LINK.match(link).groups()  # type: ignore[union-attr]
    line = order.lines[0]

    asked = shopper.post(
        f"/track/{number}/return?t={token}",
        data={f"quantity.{line.id}": "2", f"reason.{line.id}": "damaged", "resolution": "refund"},
    )

    assert asked.status_code == 303, asked.text
    (made,) = customer.order_returns(order, uow=uow)
    assert made.status.value == "approved"
    assert made.number
    html = shopper.get(asked.headers["location"]).text
    assert f"Return {made.number}" in html
    assert "Approved: please send the items back" in html
    assert "Return shipping is paid by us." in html
    label = re.search(r'href="(/track/[^"]+/returns/[^"]+/label\?[^"]+)"', html)
    assert label, "the page links the return's label"
    pdf = shopper.get(label.group(1).replace("&amp;", "&"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert "Nothing from this order can be returned" not in html
    assert f"/track/{number}/return?" not in html  # both units are asked back now


def test_a_link_ends_after_its_hours(
    app: FastAPI,
    engine: Engine,
    uow: UnitOfWork,
    client: TestClient,
    admin: dict[str, str],
    shopper: TestClient,
) -> None:
    order = delivered_order(engine, uow, client, admin)
    link, _ = open_order(shopper, order)
    real = app.state.clock
    app.state.clock = FixedClock(real.now() + timedelta(hours=23))
    assert shopper.get(link).status_code == 200
    app.state.clock = FixedClock(real.now() + timedelta(hours=25))
    expired = shopper.get(link)
    app.state.clock = real

    assert expired.status_code == 404
    assert "This link has expired" in expired.text
    assert "Look up an order" in expired.text


def test_a_link_ends_when_the_buyer_is_erased(
    engine: Engine, uow: UnitOfWork, client: TestClient, admin: dict[str, str], shopper: TestClient
) -> None:
    order = delivered_order(engine, uow, client, admin)
    link, _ = open_order(shopper, order)
    erased = client.post(f"/v1/customers/{order.buyer.customer_id}/erase", headers=admin)
    assert erased.status_code == 200, erased.text
    tasks.relay(engine).drain()

    gone = shopper.get(link)

    assert gone.status_code == 404
    assert order.lines[0].name not in gone.text
    assert look_up(shopper, order.number).status_code == 404
