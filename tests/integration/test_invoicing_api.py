"""Invoices over HTTP: an order's documents, one as JSON, one as a PDF whose text reads back;
read with ``orders:read``, a channel key only its own channel's."""

from __future__ import annotations

import io
from decimal import Decimal
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine

from oms import customers, invoicing, orders
from oms.app.event_registry import registry
from oms.invoicing import Document, issue_credit_note, issue_invoice_for_capture
from oms.platform.relay import Relay
from oms.platform.unit_of_work import UnitOfWork
from oms.shared.money import Money
from tests import builders
from tests.conftest import KeyMaker
from tests.integration.test_invoicing_issuing import open_shop, place


@pytest.fixture
def shop(uow: UnitOfWork) -> None:
    open_shop(uow)


@pytest.fixture
def documents(shop: None, uow: UnitOfWork) -> tuple[orders.Order, Document, Document]:
    """An order of channel ``web`` (German buyer), invoiced and partly refunded."""
    order = place(uow)
    invoice = issue_invoice_for_capture(order.id, transaction_id=uuid4(), uow=uow)
    note = issue_credit_note(
        order.id, Money(Decimal("20.00"), "EUR"), transaction_id=uuid4(), uow=uow
    )
    assert invoice is not None
    assert note is not None
    return order, invoice, note


def test_an_orders_invoices_and_credit_notes_are_listed_oldest_first(
    documents: tuple[orders.Order, Document, Document], client: TestClient, key_for: KeyMaker
) -> None:
    order, invoice, note = documents
    answer = client.get(f"/v1/orders/{order.id}/invoices", headers=key_for("finance"))
    assert answer.status_code == 200
    listed = answer.json()
    assert [(d["kind"], d["number"]) for d in listed] == [
        ("invoice", invoice.number),
        ("credit_note", note.number),
    ]
    assert listed[1]["credited_invoice_number"] == invoice.number


def test_an_invoice_shows_its_lines_tax_breakdown_totals_and_parties(
    documents: tuple[orders.Order, Document, Document], client: TestClient, key_for: KeyMaker
) -> None:
    order, invoice, _ = documents
    body = client.get(f"/v1/invoices/{invoice.id}", headers=key_for("csr")).json()
    assert body["number"] == invoice.number
    assert body["order_number"] == order.number
    assert body["total"] == {"amount": format(order.totals.total.amount, "f"), "currency": "EUR"}
    assert [(t["rate"], t["tax"]["amount"]) for t in body["taxes"]] == [
        (str(t.rate), format(t.tax.amount, "f")) for t in invoice.taxes
    ]
    assert [line["sku"] for line in body["lines"]] == ["TS-1", "BK-1"]
    assert body["buyer"]["name"] == "Ada Lovelace"
    assert body["seller"]["address"]["country"] == "DE"
    assert body["locale"] == "de_DE"
    assert body["pdf"] == f"/v1/invoices/{invoice.id}/pdf"


def test_the_pdf_is_inline_named_by_its_number_and_reads_back_in_german(
    documents: tuple[orders.Order, Document, Document], client: TestClient, key_for: KeyMaker
) -> None:
    order, invoice, _ = documents
    answer = client.get(f"/v1/invoices/{invoice.id}/pdf", headers=key_for("finance"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == f'inline; filename="{invoice.number}.pdf"'
    assert answer.content.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text().replace("\xa0", " ")
    assert invoice.number in text
    assert "Rechnung" in text
    total = format(order.totals.total.amount, "f").replace(".", ",")
    assert f"Gesamtbetrag {total} €" in text


def test_a_channel_key_sees_its_own_channels_invoices_only(
    documents: tuple[orders.Order, Document, Document],
    client: TestClient,
    key_for: KeyMaker,
    uow: UnitOfWork,
) -> None:
    order, invoice, _ = documents
    builders.channel(uow, "app")
    own, other = key_for("channel", channel="web"), key_for("channel", channel="app")
    assert client.get(f"/v1/invoices/{invoice.id}", headers=own).status_code == 200
    for path in (
        f"/v1/invoices/{invoice.id}",
        f"/v1/invoices/{invoice.id}/pdf",
        f"/v1/orders/{order.id}/invoices",
    ):
        answer = client.get(path, headers=other)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json"


def test_a_key_without_orders_read_may_not_read_invoices(
    documents: tuple[orders.Order, Document, Document], client: TestClient, key_for: KeyMaker
) -> None:
    _, invoice, _ = documents
    answer = client.get(f"/v1/invoices/{invoice.id}", headers=key_for("marketing"))
    assert answer.status_code == 403


def test_an_unknown_invoice_is_a_problem_naming_it(
    shop: None, client: TestClient, key_for: KeyMaker
) -> None:
    missing = uuid4()
    answer = client.get(f"/v1/invoices/{missing}", headers=key_for("finance"))
    assert answer.status_code == 404
    assert answer.json()["code"] == "invoice-not-found"
    assert answer.json()["invoice"] == str(missing)
    malformed = client.get("/v1/invoices/not-a-uuid", headers=key_for("finance"))
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "path.invoice_id"


def test_after_the_buyers_erasure_the_invoice_is_kept_unaltered_for_staff_who_see_personal_data(
    documents: tuple[orders.Order, Document, Document],
    client: TestClient,
    key_for: KeyMaker,
    uow: UnitOfWork,
    engine: Engine,
) -> None:
    order, invoice, note = documents
    customers.erase_customer(customers.EraseCustomer(customer_id=order.buyer.customer_id), uow=uow)
    Relay(engine, registry=registry(), subscriptions=invoicing.SUBSCRIPTIONS).drain()

    kept = client.get(f"/v1/invoices/{invoice.id}", headers=key_for("finance")).json()
    assert kept["erasure_requested_at"] is not None
    assert kept["buyer"]["name"] == "Ada Lovelace"
    assert kept["number"] == invoice.number
    for role, channel in (("warehouse", None), ("channel", "web")):
        headers = key_for(role, channel=channel)
        assert client.get(f"/v1/invoices/{invoice.id}", headers=headers).status_code == 404
        assert client.get(f"/v1/invoices/{note.id}/pdf", headers=headers).status_code == 404
        listed = client.get(f"/v1/orders/{order.id}/invoices", headers=headers)
        assert listed.json() == [], role
