"""Customers in the console: search as you type with keyset paging, the customer 360 (profile,
addresses, consent, orders in every channel, buying figures, store credit, notes), notes,
the GDPR export and the confirmed erasure, each with the API's permission."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from babel.numbers import format_currency
from sqlalchemy import Engine, text

from oms import customers, payments
from oms.app import demo
from oms.console.pages import customers as customer_pages
from oms.orders.domain.insight import CurrencyFigures, CustomerFigures
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.address import Address
from oms.shared.money import Money
from tests.console.conftest import StaffFor

HOME = Address(
    name="Anna Beispiel", line1="Hauptstraße 1", city="Berlin", postal_code="10115", country="DE"
)


def money(minor: int, currency: str) -> str:
    return format_currency(Money.from_minor(minor, currency).amount, currency, locale="en")


def rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(text(sql), params).all())


def register(uow: UnitOfWork, n: int, **overrides: Any) -> customers.Customer:
    fields: dict[str, Any] = {
        "email": f"anna{n}@example.com",
        "name": f"Anna Beispiel {n}",
        "phone": f"+4930123456{n:02d}",
        "addresses": (customers.NewAddress(address=HOME, label="home"),),
    }
    fields.update(overrides)
    return customers.create_customer(customers.CreateCustomer(**fields), uow=uow)


def section(page: str, ident: str) -> str:
    found = re.search(rf'id="{ident}"(.*?)</(?:section|div|dl|p)>', page, re.S)
    assert found, f"no {ident} on the page"
    return found.group(1)


def test_searching_as_you_type_pages_by_keyset_and_hides_contacts_from_marketing(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    for n in range(30):
        register(uow, n, marketing_consent=n == 3)
    register(uow, 99, email="zoe@example.org", name="Zoë Quell", phone="+4940999999")
    csr = staff_for("csr")

    first = csr.get("/console/customers?q=anna")
    assert first.status_code == 200
    numbers = re.findall(
        r'<th scope="row"><a href="/console/customers/[^"]+">(C-\d+)</a>', first.text
    )
    assert len(numbers) == 25
    more = re.search(r'<a href="([^"]+)" rel="next"', first.text)
    assert more
    second = csr.get(html.unescape(more.group(1)))
    rest = re.findall(r'<a href="/console/customers/[^"]+">(C-\d+)</a>', second.text)
    assert len(rest) == 5
    assert not set(numbers) & set(rest)
    assert 'rel="next"' not in second.text

    fragment = csr.htmx("/console/customers?q=quell")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "zoe@example.org" in fragment.text
    assert "+4940999999" in fragment.text
    assert "Anna" not in fragment.text
    by_phone = csr.htmx("/console/customers?q=040 999999")
    assert "Zoë Quell" in by_phone.text
    nothing = csr.get("/console/customers?q=nobody-at-all")
    assert "No customer matches" in nothing.text

    marketing = staff_for("marketing")
    assert "Zoë Quell" not in marketing.htmx("/console/customers?q=zoe@example").text
    shown = marketing.htmx("/console/customers?q=anna3@example.com").text
    assert "anna3@example.com" in shown
    assert "+49" not in marketing.htmx("/console/customers?q=anna").text
    assert staff_for("warehouse").get("/console/customers").status_code == 403
    assert csr.get("/console/customers?after=not-a-cursor").status_code == 422


def test_the_customer_360_shows_orders_in_every_channel_figures_and_store_credit(
    uow: UnitOfWork,
    engine: Engine,
    staff_for: StaffFor,
    demo_merchant: demo.Summary,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw_id, count = rows(
        engine,
        "SELECT customer_id, COUNT(*) FROM orders GROUP BY customer_id "
        "ORDER BY COUNT(*) DESC, customer_id LIMIT 1",
    )[0]
    customer_id = UUID(str(raw_id))
    assert count > 1
    payments.adjust_store_credit(
        payments.AdjustStoreCredit(
            customer_id=customer_id,
            kind=payments.CreditEntryKind.ISSUE,
            amount=Money(Decimal("12.50"), "EUR"),
            reason="late delivery",
            actor="staff:test",
        ),
        uow=uow,
    )
    customer = customers.get_customer(customer_id, uow=uow)

    page = staff_for("csr").get(f"/console/customers/{customer_id}")

    assert page.status_code == 200, page.text
    assert customer.email in section(page.text, "profile")
    for (number,) in rows(engine, "SELECT number FROM orders WHERE customer_id = :c", c=raw_id):
        assert f'<a href="/console/orders/{number}">{number}</a>' in page.text
    figures = rows(
        engine,
        "SELECT currency, COUNT(*), SUM(total_minor), SUM(amount_refunded_minor) FROM orders "
        "WHERE customer_id = :c AND status <> 'cancelled' GROUP BY currency",
        c=raw_id,
    )
    shown = section(page.text, "figures")
    for currency, orders, total, refunded in figures:
        assert money(total - refunded, currency) in shown
        assert money((2 * total + orders) // (2 * orders), currency) in shown
    assert f'<span class="figure">{count}</span>' in shown
    assert "€12.50" in section(page.text, "store-credit")
    assert "late delivery" in page.text
    for saved in customer.addresses:
        assert saved.address.line1 in page.text

    marketing = staff_for("marketing").get(f"/console/customers/{customer_id}")
    assert marketing.status_code == 200
    assert customer.name in marketing.text
    assert 'id="addresses"' not in marketing.text
    assert 'id="customer-orders"' not in marketing.text
    assert 'id="notes"' not in marketing.text
    if not customer.marketing_consent:
        assert customer.email not in marketing.text

    monkeypatch.setattr(customer_pages, "ORDERS_PAGE", count - 1)
    csr = staff_for("csr")
    first = csr.get(f"/console/customers/{customer_id}").text
    older = re.search(r'<a href="([^"]+)" rel="next" role="button" class="secondary" hx-get', first)
    assert older
    newest = re.findall(r'<a href="/console/orders/(SO-\d+)">', first)
    rest = csr.htmx(html.unescape(older.group(1)))
    assert rest.status_code == 200
    assert "<html" not in rest.text
    oldest = re.findall(r'<a href="/console/orders/(SO-\d+)">', rest.text)
    assert len(newest) == count - 1
    assert len(oldest) == 1
    assert 'rel="next"' not in rest.text
    placed = rows(
        engine,
        "SELECT number FROM orders WHERE customer_id = :c ORDER BY placed_at DESC, id DESC",
        c=raw_id,
    )
    assert [*newest, *oldest] == [number for (number,) in placed]


def test_a_note_is_saved_with_its_author_and_announced_and_bad_input_keeps_what_was_typed(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = register(uow, 1)
    csr = staff_for("csr")
    path = f"/console/customers/{customer.id}"

    saved = csr.post(f"{path}/notes", {"body": "  Called about the late parcel.  "})

    assert saved.status_code == 303
    assert saved.headers["location"] == f"{path}?done=noted#notes"
    notes = customers.list_customer_notes(customer.id, uow=uow)
    assert [n.body for n in notes] == ["Called about the late parcel."]
    assert notes[0].author == f"staff:{csr.user.id}"
    page = csr.get(f"{path}?done=noted").text
    assert "The note is saved." in page
    assert "Called about the late parcel." in section(page, "note-list")
    events = rows(
        engine,
        "SELECT aggregate_id FROM outbox WHERE event_type = 'customers.customer_note_added.v1'",
    )
    assert [UUID(str(e[0])) for e in events] == [customer.id]

    too_long = "x" * 2001
    refused = csr.post(f"{path}/notes", {"body": too_long})
    assert refused.status_code == 422
    assert re.search(
        r'<small id="e-body" class="error">at most 2000 characters</small>', refused.text
    )
    assert f">{too_long}</textarea>" in refused.text
    empty = csr.post(f"{path}/notes", {"body": "   "})
    assert empty.status_code == 422
    assert 'aria-invalid="true"' in empty.text
    assert len(customers.list_customer_notes(customer.id, uow=uow)) == 1

    assert staff_for("finance").post(f"{path}/notes", {"body": "x"}).status_code == 403
    assert staff_for("marketing").post(f"{path}/notes", {"body": "x"}).status_code == 403
    assert csr.post(f"{path}/notes", {"body": "x"}, csrf=False).status_code == 403
    unknown = csr.post(
        "/console/customers/00000000-0000-0000-0000-000000000001/notes", {"body": "x"}
    )
    assert unknown.status_code == 404

    monkeypatch.setattr(customer_pages, "NOTES_PAGE", 1)
    assert csr.post(f"{path}/notes", {"body": "Second call: parcel found."}).status_code == 303
    newest = csr.get(path).text
    assert "Second call: parcel found." in section(newest, "note-list")
    assert "Called about the late parcel." not in newest
    older = re.search(
        r'<a href="([^"]+)" rel="next" role="button" class="secondary" id="notes', newest
    )
    assert older
    page_two = csr.get(html.unescape(older.group(1))).text
    assert "Called about the late parcel." in section(page_two, "note-list")
    assert 'id="notes-next"' not in page_two


def test_the_gdpr_export_is_the_apis_and_needs_the_export_permission(
    uow: UnitOfWork, engine: Engine, staff_for: StaffFor
) -> None:
    customer = register(uow, 2, marketing_consent=True)
    customers.add_customer_note(
        customers.AddCustomerNote(customer_id=customer.id, body="Prefers phone calls", author="x"),
        uow=uow,
    )

    answer = staff_for("csr").get(f"/console/customers/{customer.id}/export")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="customer-{customer.number}.json"'
    )
    data = json.loads(answer.text)
    assert data["customer"]["email"] == customer.email
    assert data["customer"]["addresses"][0]["line1"] == HOME.line1
    assert [r["granted"] for r in data["marketing_consent_history"]] == [True]
    assert [n["body"] for n in data["staff_notes"]] == ["Prefers phone calls"]
    assert rows(
        engine, "SELECT COUNT(*) FROM outbox WHERE event_type = 'customers.customer_exported.v1'"
    ) == [(1,)]
    assert staff_for("marketing").get(f"/console/customers/{customer.id}/export").status_code == 403
    assert staff_for("csr").get("/console/customers/nope/export").status_code == 404


def test_erasure_is_for_admins_and_needs_the_customers_email_typed(
    uow: UnitOfWork, staff_for: StaffFor
) -> None:
    customer = register(uow, 3)
    customers.add_customer_note(
        customers.AddCustomerNote(customer_id=customer.id, body="Lives alone", author="x"),
        uow=uow,
    )
    path = f"/console/customers/{customer.id}/erase"
    csr = staff_for("csr")
    assert csr.get(path).status_code == 403
    assert csr.post(path, {"email": customer.email}).status_code == 403
    assert "/erase" not in csr.get(f"/console/customers/{customer.id}").text
    admin = staff_for("admin")

    form = admin.get(path)
    assert form.status_code == 200
    assert customer.email in form.text
    wrong = admin.post(path, {"email": "someone@else.example"})
    assert wrong.status_code == 422
    assert 'value="someone@else.example"' in wrong.text
    assert '<small id="e-email" class="error">' in wrong.text
    assert not customers.get_customer(customer.id, uow=uow).erased

    erased = admin.post(path, {"email": customer.email.upper()})

    assert erased.status_code == 303
    assert erased.headers["location"] == f"/console/customers/{customer.id}?done=erased"
    after = customers.get_customer(customer.id, uow=uow)
    assert after.erased
    assert after.email != customer.email
    assert after.addresses == ()
    assert customers.list_customer_notes(customer.id, uow=uow) == []
    page = admin.get(erased.headers["location"]).text
    assert "personal data is erased" in page
    assert customer.email not in page
    assert "/erase" not in page
    again = admin.post(path, {"email": after.email})
    assert again.status_code == 422
    assert "already erased" in again.text


def test_unknown_customers_are_404_pages(staff_for: StaffFor) -> None:
    csr = staff_for("csr")

    assert csr.get("/console/customers/00000000-0000-0000-0000-000000000001").status_code == 404
    missing = csr.get("/console/customers/not-an-id")
    assert missing.status_code == 404
    assert "<h1>404" in missing.text


def test_buying_figures_keep_currencies_apart_and_round_the_average_half_up() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    figures = CustomerFigures(
        orders=4,
        cancelled=1,
        first_order_at=start,
        last_order_at=start + timedelta(days=30),
        units_delivered=8,
        units_returned=2,
        by_currency=(
            CurrencyFigures(currency="EUR", orders=2, total_minor=1001, refunded_minor=1),
            CurrencyFigures(currency="USD", orders=1, total_minor=500, refunded_minor=0),
        ),
    )

    assert figures.days_between_orders == 10
    assert figures.return_rate == 0.25
    assert [f.average_order_minor for f in figures.by_currency] == [501, 500]
    assert [f.lifetime_value_minor for f in figures.by_currency] == [1000, 500]
    single = CustomerFigures(
        orders=1, cancelled=0, first_order_at=start, last_order_at=start,
        units_delivered=0, units_returned=0, by_currency=(),
    )  # fmt: skip
    assert single.days_between_orders is None
    assert single.return_rate is None
